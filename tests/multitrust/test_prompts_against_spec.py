"""Every MultiTrust template mmtrust sends is the spec's text, verbatim (placeholder names
aside), except those prompts.NOT_QUOTED_IN_FULL names. Skips without ../shared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mmtrust.benchmarks.multitrust import prompts as p

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec"


def _templates() -> list[tuple[str, str]]:
    found = []
    for name in dir(p):
        value = getattr(p, name)
        if name.isupper() and isinstance(value, str):
            found.append((name, value))
        elif name.isupper() and isinstance(value, tuple):
            found += [(f"{name}[{k}]", v) for k, v in enumerate(value)]
        elif name.isupper() and isinstance(value, dict):
            found += [(f"{name}[{k}]", v) for k, v in value.items()]
    return found


def _placeholders_blank(text: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", text)


@pytest.mark.skipif(not SPEC.is_dir(), reason="needs ../shared/spec (absent in a fresh clone)")
@pytest.mark.parametrize(("name", "template"), _templates())
def test_template_is_the_spec_s_text(name: str, template: str) -> None:
    spec = "".join(f.read_text("utf-8") for f in sorted(SPEC.glob("multitrust*.md")))
    quoted = _placeholders_blank(spec.replace("\\n", "\n").replace('\\"', '"'))
    if template in p.NOT_QUOTED_IN_FULL:
        assert _placeholders_blank(template) not in quoted, f"{name} is quoted in full now"
        return
    assert _placeholders_blank(template) in quoted, name
