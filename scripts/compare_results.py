"""Are two results.json files the same results? For moves and refactors that must not change
behaviour: every run's metrics and details equal, provenance (times, log paths, versions) and
the list of logs that are no result aside.

    python scripts/compare_results.py BEFORE/results.json AFTER/results.json

Runs are matched by (model, task). Prints each difference with its path and exits 1 when
there is one, 0 when the results are identical. ``--tolerance R`` lets floats differ by a
relative R: a local model's log-probabilities move in their last digits with the composition
of its batches, which depends on timing (``models/batching``), so two fresh runs of the same
code agree to about 1e-8, not exactly; the same logs reported twice agree exactly.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

IGNORED_RUN_KEYS = frozenset({"provenance"})
"""What may differ between two runs of the same evaluation: when and where it ran."""


def differences(before: dict[str, Any], after: dict[str, Any], tolerance: float = 0.0) -> list[str]:
    """Every difference between the runs of two results.json documents, as readable lines
    (floats equal within the relative ``tolerance``)."""
    first, second = _runs(before), _runs(after)
    lines = [f"only in the first: {key}" for key in sorted(first.keys() - second.keys())]
    lines += [f"only in the second: {key}" for key in sorted(second.keys() - first.keys())]
    for key in sorted(first.keys() & second.keys()):
        lines += [f"{key}: {line}" for line in _compare(first[key], second[key], "", tolerance)]
    return lines


def _runs(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    runs: dict[str, dict[str, Any]] = {}
    for run in document.get("runs", []):
        key = f"{run.get('model')} {run.get('task')}"
        if key in runs:
            raise ValueError(f"two runs of {key}: compare folders with one run per task")
        runs[key] = {k: v for k, v in run.items() if k not in IGNORED_RUN_KEYS}
    return runs


def _compare(first: Any, second: Any, path: str, tolerance: float) -> Iterator[str]:
    if isinstance(first, dict) and isinstance(second, dict):
        for key in sorted(first.keys() | second.keys(), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in second:
                yield f"{where} only in the first ({first[key]!r})"
            elif key not in first:
                yield f"{where} only in the second ({second[key]!r})"
            else:
                yield from _compare(first[key], second[key], where, tolerance)
    elif isinstance(first, list) and isinstance(second, list) and len(first) == len(second):
        for index, (a, b) in enumerate(zip(first, second, strict=True)):
            yield from _compare(a, b, f"{path}[{index}]", tolerance)
    elif _floats(first, second) and math.isclose(first, second, rel_tol=tolerance):
        return
    elif first != second:
        yield f"{path}: {first!r} != {second!r}"


def _floats(first: Any, second: Any) -> bool:
    return isinstance(first, float) and isinstance(second, float)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument(
        "--tolerance",
        type=float,
        default=0.0,
        help="relative tolerance for floats (default 0: exactly equal)",
    )
    args = parser.parse_args(argv)
    found = differences(
        json.loads(args.before.read_text(encoding="utf-8")),
        json.loads(args.after.read_text(encoding="utf-8")),
        args.tolerance,
    )
    for line in found:
        print(line)
    runs = len(_runs(json.loads(args.after.read_text(encoding="utf-8"))))
    tolerated = f", floats within {args.tolerance:g}" if args.tolerance else ""
    print(f"{len(found)} difference(s) over {runs} run(s), provenance aside{tolerated}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
