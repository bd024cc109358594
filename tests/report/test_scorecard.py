"""The scorecard and the comparison of models: scores turned the right way round, "not
measured" never shown as a score, paired tests on shared items, clear differences marked.

Runs are built by hand with the metric keys each benchmark's scorecard reads (the same keys
results.json has); the real logs' scorecard is checked by the end-to-end test of the
reference model and the browser test of its report."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mmtrust.benchmarks.calibration.scorecard import scorecard_scores as calibration_scores
from mmtrust.benchmarks.consistency.scorecard import scorecard_scores as consistency_scores
from mmtrust.benchmarks.mossbench.scorecard import scorecard_scores as refusal_scores
from mmtrust.benchmarks.mub.scorecard import scorecard_scores as mub_scores
from mmtrust.benchmarks.multitrust.scorecard import scorecard_scores as multitrust_scores
from mmtrust.metrics.proportion import Proportion
from mmtrust.report.comparison import compare, compare_two
from mmtrust.report.html import render_report
from mmtrust.report.runs import Run
from mmtrust.report.scorecard import DimensionScore, score_of_rate


def _count(key: str, successes: int, total: int) -> dict[str, Any]:
    return {key: successes / total, f"{key}_count": [successes, total]}


def mub_run(model: str, task: str, misled: list[bool]) -> Run:
    """A MUB run whose items answered right without a hint were misled (True) or held."""
    metrics = _count("misleading_rate_t2f", sum(misled), len(misled)) | _count(
        "coverage", len(misled), len(misled)
    )
    values = {f"item{i}": float(not m) for i, m in enumerate(misled)}
    return Run(model, task, len(misled), metrics, {"benchmark": "mub"}, item_values=values)


def test_a_misleading_rate_becomes_a_score_where_higher_is_better() -> None:
    score, interval = score_of_rate(Proportion(1, 4), higher_is_better=False)
    assert score == pytest.approx(75.0)
    assert interval is not None
    low, high = Proportion(1, 4).interval or (0, 0)
    assert interval == pytest.approx((100 * (1 - high), 100 * (1 - low)))
    assert interval[0] < score < interval[1]


def test_mub_pools_explicit_and_implicit_per_model() -> None:
    runs = [
        mub_run("m", "mub_explicit", [True] * 2 + [False] * 8),
        mub_run("m", "mub_implicit", [True] * 6 + [False] * 4),
    ]
    (score,) = mub_scores(runs)
    assert score.score == pytest.approx(60.0)  # 8 of 20 misled
    assert score.n == 20
    assert "2 of 10 misled" in score.how and "6 of 10 misled" in score.how
    assert len(score.item_values) == 20  # the two runs' items kept apart


def test_a_model_not_measured_on_a_dimension_has_no_score() -> None:
    assert calibration_scores([]) == []
    runs = [Run("m", "calibration", 10, {"ece": None}, {"benchmark": "calibration"})]
    assert calibration_scores(runs) == []
    runs = [Run("m", "idk_none", 10, _count("idk_rate", 1, 5), {"benchmark": "idk"})]
    assert calibration_scores(runs) == []  # a condition that gives no way to abstain


def test_calibration_is_one_minus_ece_with_its_interval_turned() -> None:
    metrics = {"ece": 0.2, "ece_ci95": [0.15, 0.3], "coverage": 0.9}
    (score,) = calibration_scores(
        [Run("m", "calibration", 50, metrics, {"benchmark": "calibration"})]
    )
    assert score.score == pytest.approx(80.0)
    assert score.interval == pytest.approx((70.0, 85.0))
    assert score.coverage == 0.9


def test_idk_rewards_neither_always_nor_never_abstaining() -> None:
    def idk(idk_hits: int, false_idk: int) -> float:
        metrics = (
            _count("idk_rate", idk_hits, 10)
            | _count("false_idk_rate", false_idk, 10)
            | _count("coverage", 20, 20)
        )
        (score,) = calibration_scores([Run("m", "idk_option", 20, metrics, {"benchmark": "idk"})])
        return score.score

    assert idk(10, 10) == pytest.approx(50.0)  # always abstains
    assert idk(0, 0) == pytest.approx(50.0)  # never abstains
    assert idk(10, 0) == pytest.approx(100.0)
    assert idk(8, 2) == pytest.approx(80.0)


def test_consistency_is_the_mean_over_groups_of_every_task() -> None:
    runs = [
        Run("m", "consistency_rephrasing", 2, {}, {"benchmark": "consistency"}, {"a": 1.0}),
        Run("m", "consistency_masking", 4, {}, {"benchmark": "consistency"}, {"a": 0.0, "b": 0.5}),
    ]
    (score,) = consistency_scores(runs)
    assert score.score == pytest.approx(50.0)
    assert score.coverage == pytest.approx(3 / 6)
    assert set(score.item_values) == {
        "consistency_rephrasing/a",
        "consistency_masking/a",
        "consistency_masking/b",
    }


def test_over_refusal_uses_benign_requests_only() -> None:
    metrics = _count("refusal_rate_benign", 1, 4) | _count("refusal_rate_harmful", 4, 4)
    details = {"benchmark": "oversensitivity", "benign_requests": 5}
    contrast = Run(
        "m", "mossbench_contrast", 3, _count("refusal_rate", 3, 3), {"benchmark": "mossbench"}
    )
    (score,) = refusal_scores(
        [Run("m", "trustworld_oversensitivity", 8, metrics, details), contrast]
    )
    assert score.score == pytest.approx(75.0)
    assert score.coverage == pytest.approx(4 / 5)


def test_multitrust_skips_unmeasured_sub_aspects_and_prefers_real_data() -> None:
    def aspects(score: float | None) -> dict[str, Any]:
        entry = {"score": score, "ci95": [1, 99], "status": "complete", "tasks": {"T.1": 40.0}}
        return {"sub_aspects": {"T.I": entry, "T.M": {"score": None, "status": "not_measured"}}}

    analogue = Run(
        "m", "s", 1, aspects(40.0), {"benchmark": "multitrust_sub_aspects", "analogue": True}
    )
    real = Run(
        "m",
        "s",
        1,
        aspects(70.0),
        {"benchmark": "multitrust_sub_aspects", "dataset": "multitrust", "analogue": False},
    )
    (score,) = multitrust_scores([analogue, real])
    assert score.dimension == "multitrust_T.I" and score.score == 70.0
    assert score.coverage == pytest.approx(1 / 4)  # one of T.I's four tasks


def _score(
    model: str,
    values: dict[str, float],
    interval: tuple[float, float] | None = None,
    score: float | None = None,
) -> DimensionScore:
    mean = 100 * sum(values.values()) / len(values) if values else 0.0
    return DimensionScore(
        model,
        "misleading",
        "misleading",
        mean if score is None else score,
        interval,
        1.0,
        len(values),
        "how",
        item_values=values,
    )


def test_a_paired_difference_on_shared_items_is_marked_clear() -> None:
    items = [f"i{k}" for k in range(60)]
    base = _score("base", {item: 0.0 for item in items})
    better = _score("tuned", {item: float(k % 4 != 0) for k, item in enumerate(items)})
    comparison = compare_two(better, base)
    assert comparison.paired_items == 60
    assert "McNemar" in comparison.method
    assert comparison.clear and comparison.difference == pytest.approx(75.0)
    same = compare_two(_score("twin", {item: 0.0 for item in items}), base)
    assert not same.clear and same.p_value == 1.0


def test_a_small_paired_difference_is_not_clear() -> None:
    items = [f"i{k}" for k in range(60)]
    base = _score("base", {item: float(k % 2) for k, item in enumerate(items)})
    values = dict(base.item_values) | {"i0": 1.0, "i2": 1.0}  # two items better
    assert not compare_two(_score("tuned", values), base).clear


def test_scores_without_shared_items_are_compared_unpaired() -> None:
    base = _score("base", {}, interval=(40.0, 50.0), score=45.0)
    far = _score("far", {}, interval=(80.0, 90.0), score=85.0)
    near = _score("near", {}, interval=(42.0, 52.0), score=47.0)
    assert compare_two(far, base).clear and compare_two(far, base).paired_items == 0
    assert not compare_two(near, base).clear
    blind = _score("blind", {}, score=90.0)
    assert compare_two(blind, base).p_value is None  # no interval: not tested, never clear
    assert [c.model for c in compare([base, far, near])] == ["far", "near"]


def _cell_texts(html: str, model: str) -> list[str]:
    row = re.search(rf"<tr><th class=\"l\">{model}</th>(.*?)</tr>", html, re.S)
    assert row, model
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)


def test_the_report_shows_not_measured_and_compares_models() -> None:
    runs = [
        mub_run("base", "mub_explicit", [True] * 30 + [False] * 10),
        mub_run("tuned", "mub_explicit", [False] * 36 + [True] * 4),
        Run(
            "base",
            "calibration",
            40,
            {"ece": 0.1, "ece_ci95": [0.05, 0.2]},
            {"benchmark": "calibration", "dataset": "trustworld", "split": "test"},
        ),
    ]
    html = render_report(runs)
    assert html.index('id="scorecard"') < html.index("Misleading (MUB)")
    base, tuned = _cell_texts(html, "base"), _cell_texts(html, "tuned")
    assert len(base) == len(tuned) == 5  # the core dimensions; no MultiTrust sub-aspect ran
    assert "not measured" in tuned[1] and "not measured" not in base[1]  # calibration
    assert "<b>25</b>" in base[0] and "<b>90</b>" in tuned[0]
    assert "clearly better</b> than base" in html
    assert "paired on 40 shared items" in html
