"""Snapshots of the benchmarks' prompts: a prompt as rendered today is compared byte for byte
with a committed file (``tests/<benchmark>/snapshots/<name>.txt``), so that any drift of a
benchmark's prompt text fails a test with a diff.

The prompts are benchmark data (the specs quote them verbatim); the snapshot tests also check
the code's constants against the specs' text, so a snapshot is anchored to the source and not
only to today's code. To rewrite the snapshots after a deliberate change, run the snapshot tests
with ``MMTRUST_UPDATE_SNAPSHOTS=1`` and review the diff of the files before committing them.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

UPDATE_VARIABLE = "MMTRUST_UPDATE_SNAPSHOTS"


def assert_snapshot(text: str, path: Path) -> None:
    """``text`` is exactly the content of the snapshot file ``path`` (UTF-8, no newline
    translation); with ``MMTRUST_UPDATE_SNAPSHOTS=1`` the file is written instead."""
    if os.environ.get(UPDATE_VARIABLE) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return
    if not path.is_file():
        pytest.fail(f"no snapshot {path}: run the test with {UPDATE_VARIABLE}=1 to write it")
    expected = path.read_bytes().decode("utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"{path} (snapshot)",
            tofile="rendered now",
        )
        pytest.fail(
            f"the prompt differs from its snapshot {path.name} (to accept the change on purpose: "
            f"{UPDATE_VARIABLE}=1, then review the file's diff):\n"
            + "".join(_visible(line) for line in diff),
            pytrace=False,
        )


def _visible(line: str) -> str:
    """A diff line with a missing final newline and trailing spaces made visible."""
    body = line.rstrip("\n")
    shown = body.rstrip(" ") + "·" * (len(body) - len(body.rstrip(" ")))
    return shown + ("\n" if line.endswith("\n") else "  (no newline at end)\n")
