"""scripts/compare_results.py: two results.json files, the same results or not."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "compare_results.py"
spec = importlib.util.spec_from_file_location("compare_results", SCRIPT)
assert spec is not None and spec.loader is not None
compare_results = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_results)


def _document(accuracy: float, log: str, extra_run: bool = False) -> dict[str, Any]:
    runs = [
        {
            "model": "m",
            "task": "mub_explicit",
            "n": 10,
            "metrics": {"accuracy": accuracy, "outcomes": {"stage1.correct": 7}},
            "provenance": {"log": log, "created": log},
        }
    ]
    if extra_run:
        runs.append({"model": "m", "task": "calibration", "n": 5, "metrics": {}})
    return {"runs": runs}


def test_provenance_alone_is_no_difference(tmp_path: Path) -> None:
    assert compare_results.differences(_document(0.7, "a.eval"), _document(0.7, "b.eval")) == []
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(json.dumps(_document(0.7, "a.eval")))
    after.write_text(json.dumps(_document(0.7, "b.eval")))
    assert compare_results.main([str(before), str(after)]) == 0


def test_a_changed_number_or_a_missing_run_is_named(tmp_path: Path) -> None:
    found = compare_results.differences(_document(0.7, "a"), _document(0.6, "a", extra_run=True))
    assert found == [
        "only in the second: m calibration",
        "m mub_explicit: metrics.accuracy: 0.7 != 0.6",
    ]
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(json.dumps(_document(0.7, "a")))
    after.write_text(json.dumps(_document(0.6, "a")))
    assert compare_results.main([str(before), str(after)]) == 1


def test_a_tolerance_forgives_float_noise_only() -> None:
    noisy = _document(0.7 * (1 + 1e-9), "a")
    assert compare_results.differences(_document(0.7, "a"), noisy) != []
    assert compare_results.differences(_document(0.7, "a"), noisy, tolerance=1e-6) == []
    moved = _document(0.71, "a")
    assert compare_results.differences(_document(0.7, "a"), moved, tolerance=1e-6) != []
