"""Every MultiTrust template mmtrust sends is the spec's text, verbatim (placeholder names
aside), except those its module's NOT_QUOTED_IN_FULL names (``prompts``, ``prompts_safety``,
``prompts_pii_stereotype``). Skips without ../shared."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

from mmtrust.benchmarks.multitrust import prompts, prompts_pii_stereotype, prompts_safety

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec"


MODULES = (prompts, prompts_safety, prompts_pii_stereotype)


def _templates() -> list[tuple[ModuleType, str, str]]:
    found: list[tuple[ModuleType, str, str]] = []
    for module in MODULES:
        for name in dir(module):
            value = getattr(module, name)
            if not name.isupper() or name == "NOT_QUOTED_IN_FULL":
                continue
            if isinstance(value, str):
                found.append((module, name, value))
            elif isinstance(value, tuple):
                found += [(module, f"{name}[{k}]", v) for k, v in enumerate(value)]
            elif isinstance(value, dict):
                found += [(module, f"{name}[{k}]", v) for k, v in value.items()]
    return [(m, n, v) for m, n, v in found if isinstance(v, str)]


def _placeholders_blank(text: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", text)


@pytest.mark.skipif(not SPEC.is_dir(), reason="needs ../shared/spec (absent in a fresh clone)")
@pytest.mark.parametrize(
    ("module", "name", "template"),
    _templates(),
    ids=[f"{m.__name__.rsplit('.', 1)[1]}.{n}" for m, n, _ in _templates()],
)
def test_template_is_the_spec_s_text(module: ModuleType, name: str, template: str) -> None:
    spec = "".join(f.read_text("utf-8") for f in sorted(SPEC.glob("multitrust*.md")))
    quoted = _placeholders_blank(spec.replace("\\n", "\n").replace('\\"', '"'))
    if template in module.NOT_QUOTED_IN_FULL:
        assert _placeholders_blank(template) not in quoted, f"{name} is quoted in full now"
        return
    assert _placeholders_blank(template) in quoted, name


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_not_quoted_in_full_names_only_the_module_s_templates(module: ModuleType) -> None:
    texts = {template for m, _, template in _templates() if m is module}
    assert texts >= module.NOT_QUOTED_IN_FULL
