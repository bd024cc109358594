"""Calibration metrics against hand-computed values."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import numpy as np
import pytest

from mmtrust.metrics.calibration import (
    NLL_CLIP,
    RiskCoveragePoint,
    area_under_risk_coverage,
    auroc,
    brier_score,
    calibration_summary,
    ece_bootstrap_interval,
    expected_calibration_error,
    maximum_calibration_error,
    negative_log_likelihood,
    reliability_bins,
    risk_coverage_curve,
    selective_accuracy,
)

# Five items in three of the ten bins, bin = min(int(conf * 10), 9):
#   0.30 -> int(3.0) = 3   (exactly on an edge: the lower edge of [0.3, 0.4))
#   0.35 -> int(3.5) = 3
#   0.80 -> int(8.0) = 8
#   0.95 -> int(9.5) = 9
#   1.00 -> int(10.0) = 10 -> min(10, 9) = 9   (1.0 goes to the last bin)
CONFIDENCES = [0.3, 0.35, 0.8, 0.95, 1.0]
CORRECT = [False, True, True, False, True]
# bin 3: n=2, mean conf (0.3+0.35)/2 = 0.325, accuracy 1/2, gap 0.175
# bin 8: n=1, mean conf 0.8,                  accuracy 1,   gap 0.2
# bin 9: n=2, mean conf (0.95+1)/2 = 0.975,   accuracy 1/2, gap 0.475
# ECE = 2/5*0.175 + 1/5*0.2 + 2/5*0.475 = 0.07 + 0.04 + 0.19 = 0.30
# MCE = 0.475


def test_python_puts_a_bin_edge_where_the_reference_does() -> None:
    # The reference binning truncates the float product; these are the values it sees.
    assert int(0.3 * 10) == 3
    assert int(1.0 * 10) == 10
    assert int(0.29 * 100) == 28  # 0.29 * 100 == 28.999999999999996


def test_expected_calibration_error() -> None:
    assert expected_calibration_error(CONFIDENCES, CORRECT) == pytest.approx(0.30)


def test_maximum_calibration_error() -> None:
    assert maximum_calibration_error(CONFIDENCES, CORRECT) == pytest.approx(0.475)


def test_reliability_bins() -> None:
    bins = reliability_bins(CONFIDENCES, CORRECT)
    assert len(bins) == 10
    assert [b.count for b in bins] == [0, 0, 0, 2, 0, 0, 0, 0, 1, 2]
    edge = bins[3]
    assert (edge.low, edge.high) == pytest.approx((0.3, 0.4))
    assert edge.mean_confidence == pytest.approx(0.325)
    assert edge.accuracy == pytest.approx(0.5)
    top = bins[9]
    assert (top.low, top.high) == pytest.approx((0.9, 1.0))
    assert top.mean_confidence == pytest.approx(0.975)
    assert top.accuracy == pytest.approx(0.5)
    assert bins[0].mean_confidence is None
    assert bins[0].accuracy is None


def test_binning_follows_the_float_product_not_the_decimal() -> None:
    # With 100 bins, 0.29 lands in bin 28 ([0.28, 0.29)) because 0.29 * 100 < 29 in floats.
    bins = reliability_bins([0.29], [True], bins=100)
    assert bins[28].count == 1
    assert bins[29].count == 0


def test_every_item_in_one_bin_gives_the_plain_gap() -> None:
    # One bin: ECE = MCE = |accuracy - mean confidence| = |2/4 - 0.7|
    confidences, correct = [0.7, 0.7, 0.7, 0.7], [True, True, False, False]
    assert expected_calibration_error(confidences, correct) == pytest.approx(0.2)
    assert maximum_calibration_error(confidences, correct) == pytest.approx(0.2)
    # A single bin over [0, 1]
    assert expected_calibration_error(CONFIDENCES, CORRECT, bins=1) == pytest.approx(
        abs(3 / 5 - (0.3 + 0.35 + 0.8 + 0.95 + 1.0) / 5)
    )


def test_brier_score() -> None:
    # (0.3-0)^2 + (0.35-1)^2 + (0.8-1)^2 + (0.95-0)^2 + (1-1)^2
    # = 0.09 + 0.4225 + 0.04 + 0.9025 + 0 = 1.455; / 5 = 0.291
    assert brier_score(CONFIDENCES, CORRECT) == pytest.approx(0.291)


def test_negative_log_likelihood() -> None:
    # wrong at 0.3 -> -ln 0.7; right at 0.35 -> -ln 0.35; right at 0.8 -> -ln 0.8;
    # wrong at 0.95 -> -ln 0.05; right at 1.0 -> -ln(1 - 1e-12) ~ 1e-12 (clipped)
    expected = -(math.log(0.7) + math.log(0.35) + math.log(0.8) + math.log(0.05)) / 5
    assert negative_log_likelihood(CONFIDENCES, CORRECT) == pytest.approx(expected)  # ~0.9251


def test_negative_log_likelihood_clips_certain_mistakes() -> None:
    # Certain and wrong both ways: -ln(1e-12) ~ 27.63 nats each, not infinity.
    assert negative_log_likelihood([1.0, 0.0], [False, True]) == pytest.approx(-math.log(NLL_CLIP))


def test_auroc() -> None:
    # correct at {0.35, 0.8, 1.0}, wrong at {0.3, 0.95}; correct-above-wrong pairs:
    # 0.35 beats 0.3; 0.8 beats 0.3; 1.0 beats both -> 4 of 6
    assert auroc(CONFIDENCES, CORRECT) == pytest.approx(4 / 6)


def test_auroc_counts_ties_as_half() -> None:
    # correct at {0.9, 0.5}, wrong at {0.9, 0.5, 0.2}
    # correct 0.9: tie 0.9 (1/2), beats 0.5, beats 0.2 -> 2.5
    # correct 0.5: loses to 0.9, tie 0.5 (1/2), beats 0.2 -> 1.5
    # (2.5 + 1.5) / (2 * 3) = 4/6
    confidences = [0.9, 0.9, 0.5, 0.5, 0.2]
    correct = [True, False, True, False, False]
    assert auroc(confidences, correct) == pytest.approx(4 / 6)
    assert auroc([0.6, 0.6, 0.6], [True, False, True]) == pytest.approx(0.5)


def test_auroc_is_undefined_with_one_class() -> None:
    assert auroc([0.9, 0.2], [True, True]) is None
    assert auroc([0.9, 0.2], [False, False]) is None


def test_auroc_extremes() -> None:
    assert auroc([0.9, 0.8, 0.2, 0.1], [True, True, False, False]) == pytest.approx(1.0)
    assert auroc([0.9, 0.8, 0.2, 0.1], [False, False, True, True]) == pytest.approx(0.0)


# Risk-coverage with ties: by confidence, the groups are
#   0.9 x2 (1 right)  -> keep 2: coverage 2/6, accuracy 1/2
#   0.7 x1 (1 right)  -> keep 3: coverage 3/6, accuracy 2/3
#   0.5 x3 (1 right)  -> keep 6: coverage 6/6, accuracy 3/6
TIED_CONFIDENCES = [0.5, 0.9, 0.7, 0.5, 0.9, 0.5]
TIED_CORRECT = [True, True, True, False, False, False]


def test_risk_coverage_curve_emits_points_at_tie_boundaries_only() -> None:
    curve = risk_coverage_curve(TIED_CONFIDENCES, TIED_CORRECT)
    assert [p.coverage for p in curve] == pytest.approx([2 / 6, 3 / 6, 1.0])
    assert [p.selective_accuracy for p in curve] == pytest.approx([1 / 2, 2 / 3, 1 / 2])
    assert [p.selective_risk for p in curve] == pytest.approx([1 / 2, 1 / 3, 1 / 2])


def test_risk_coverage_curve_without_ties_has_a_point_per_item() -> None:
    curve = risk_coverage_curve([0.6, 0.9, 0.7, 0.8], [False, True, True, False])
    # sorted: 0.9 T, 0.8 F, 0.7 T, 0.6 F -> accuracies 1, 1/2, 2/3, 1/2
    assert curve == [
        RiskCoveragePoint(0.25, 1.0),
        RiskCoveragePoint(0.5, 0.5),
        RiskCoveragePoint(0.75, 2 / 3),
        RiskCoveragePoint(1.0, 0.5),
    ]


def test_area_under_risk_coverage_without_ties_is_the_mean_risk_over_k() -> None:
    # risks at k = 1..4: 0, 1/2, 1/3, 1/2 -> mean 1/3
    assert area_under_risk_coverage(
        [0.6, 0.9, 0.7, 0.8], [False, True, True, False]
    ) == pytest.approx(1 / 3)


def test_area_under_risk_coverage_weights_tied_groups_by_size() -> None:
    # 2/6 * 1/2 + 1/6 * 1/3 + 3/6 * 1/2 = 1/6 + 1/18 + 1/4 = 17/36
    assert area_under_risk_coverage(TIED_CONFIDENCES, TIED_CORRECT) == pytest.approx(17 / 36)


def test_selective_accuracy() -> None:
    # coverage 1/2 of 6 -> keep 3: the 0.9 pair and the 0.7 item, 2 right -> 2/3
    assert selective_accuracy(TIED_CONFIDENCES, TIED_CORRECT, 0.5) == pytest.approx(2 / 3)
    assert selective_accuracy(TIED_CONFIDENCES, TIED_CORRECT, 1.0) == pytest.approx(1 / 2)


def test_selective_accuracy_splits_a_tied_group_pro_rata() -> None:
    # keep 1 of the tied 0.9 pair (accuracy 1/2) -> 1/2
    assert selective_accuracy(TIED_CONFIDENCES, TIED_CORRECT, 1 / 6) == pytest.approx(1 / 2)
    # keep 4: the top 3 (2 right) plus 1 of the 0.5 trio (accuracy 1/3) -> (2 + 1/3) / 4 = 7/12
    assert selective_accuracy(TIED_CONFIDENCES, TIED_CORRECT, 4 / 6) == pytest.approx(7 / 12)


def test_selective_accuracy_keeps_the_requested_share_despite_float_error() -> None:
    # 0.3 of 10 items is 3 items (not 4), all right; a 4th would bring accuracy to 3/4.
    confidences = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
    correct = [True, True, True] + [False] * 7
    assert selective_accuracy(confidences, correct, 0.3) == pytest.approx(1.0)
    # 0.25 of 10 is 2.5 items: ceil keeps 3
    assert selective_accuracy(confidences, correct, 0.25) == pytest.approx(1.0)
    assert selective_accuracy(confidences, correct, 0.4) == pytest.approx(3 / 4)


def test_selective_metrics_ignore_input_order() -> None:
    order = [3, 0, 5, 1, 4, 2]
    confidences = [TIED_CONFIDENCES[i] for i in order]
    correct = [TIED_CORRECT[i] for i in order]
    assert risk_coverage_curve(confidences, correct) == risk_coverage_curve(
        TIED_CONFIDENCES, TIED_CORRECT
    )
    assert selective_accuracy(confidences, correct, 4 / 6) == pytest.approx(7 / 12)


def _overconfident_sample(n: int = 400, seed: int = 1) -> tuple[list[float], list[bool]]:
    rng = np.random.default_rng(seed)
    confidences = rng.uniform(0.5, 1.0, size=n)
    correct = rng.random(n) < confidences - 0.2
    return confidences.tolist(), correct.tolist()


def test_ece_bootstrap_interval_is_deterministic_and_contains_the_estimate() -> None:
    confidences, correct = _overconfident_sample()
    point = expected_calibration_error(confidences, correct)
    low, high = ece_bootstrap_interval(confidences, correct, resamples=300, seed=7)
    assert (low, high) == ece_bootstrap_interval(confidences, correct, resamples=300, seed=7)
    assert 0.0 <= low <= point <= high <= 1.0
    assert high - low < 0.15
    assert (low, high) != ece_bootstrap_interval(confidences, correct, resamples=300, seed=8)


def test_ece_bootstrap_interval_narrows_with_a_lower_level() -> None:
    confidences, correct = _overconfident_sample()
    low95, high95 = ece_bootstrap_interval(confidences, correct, resamples=300)
    low50, high50 = ece_bootstrap_interval(confidences, correct, resamples=300, level=0.5)
    assert low95 <= low50 <= high50 <= high95


def test_calibration_summary() -> None:
    summary = calibration_summary(CONFIDENCES, CORRECT, resamples=50)
    assert summary.n == 5
    assert summary.accuracy == pytest.approx(3 / 5)
    assert summary.mean_confidence == pytest.approx(0.68)
    assert summary.ece == pytest.approx(0.30)
    assert summary.ece_low <= summary.ece_high
    assert summary.mce == pytest.approx(0.475)
    assert summary.brier == pytest.approx(0.291)
    assert summary.nll == pytest.approx(negative_log_likelihood(CONFIDENCES, CORRECT))
    assert summary.auroc == pytest.approx(4 / 6)
    assert summary.aurc == pytest.approx(area_under_risk_coverage(CONFIDENCES, CORRECT))
    as_dict = summary.as_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert all(type(value) in (int, float) for value in as_dict.values())


def test_calibration_summary_with_undefined_auroc_serialises_none() -> None:
    as_dict = calibration_summary([0.9, 0.6], [True, True], resamples=20).as_dict()
    assert as_dict["auroc"] is None
    assert json.loads(json.dumps(as_dict))["auroc"] is None


def test_metrics_accept_numpy_arrays() -> None:
    assert expected_calibration_error(np.array(CONFIDENCES), np.array(CORRECT)) == pytest.approx(
        0.30
    )


PAIRED_METRICS: list[Callable[[list[float], list[bool]], object]] = [
    expected_calibration_error,
    maximum_calibration_error,
    reliability_bins,
    brier_score,
    negative_log_likelihood,
    auroc,
    risk_coverage_curve,
    area_under_risk_coverage,
    lambda c, k: selective_accuracy(c, k, 0.5),
    lambda c, k: ece_bootstrap_interval(c, k, resamples=10),
    lambda c, k: calibration_summary(c, k, resamples=10),
]


@pytest.mark.parametrize("metric", PAIRED_METRICS)
def test_empty_input_is_an_error(metric: Callable[[list[float], list[bool]], object]) -> None:
    with pytest.raises(ValueError, match="at least one item"):
        metric([], [])


@pytest.mark.parametrize("metric", PAIRED_METRICS)
def test_length_mismatch_is_an_error(metric: Callable[[list[float], list[bool]], object]) -> None:
    with pytest.raises(ValueError, match="differ in length: 2 != 1"):
        metric([0.5, 0.6], [True])


@pytest.mark.parametrize("bad", [1.01, -0.1])
def test_confidence_outside_unit_interval_is_an_error(bad: float) -> None:
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        expected_calibration_error([0.5, bad], [True, False])


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_confidence_is_an_error(bad: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        brier_score([0.5, bad], [True, False])


def test_non_boolean_outcome_is_an_error() -> None:
    with pytest.raises(ValueError, match="booleans"):
        brier_score([0.5, 0.6], [1, 2])  # type: ignore[list-item]
    assert brier_score([0.5, 0.6], [1, 0]) == pytest.approx((0.25 + 0.36) / 2)  # type: ignore[list-item]


def test_nested_input_is_an_error() -> None:
    with pytest.raises(ValueError, match="one-dimensional"):
        brier_score([[0.5, 0.6]], [True, False])  # type: ignore[list-item]


@pytest.mark.parametrize("bins", [0, -1, 2.5, True])
def test_bad_bin_count_is_an_error(bins: int) -> None:
    with pytest.raises(ValueError, match="bins must be a positive integer"):
        expected_calibration_error(CONFIDENCES, CORRECT, bins=bins)


@pytest.mark.parametrize("coverage", [0.0, -0.5, 1.5, float("nan")])
def test_bad_coverage_is_an_error(coverage: float) -> None:
    with pytest.raises(ValueError, match=r"coverage must lie in \(0, 1\]"):
        selective_accuracy(CONFIDENCES, CORRECT, coverage)


def test_bad_bootstrap_settings_are_errors() -> None:
    with pytest.raises(ValueError, match="resamples"):
        ece_bootstrap_interval(CONFIDENCES, CORRECT, resamples=0)
    with pytest.raises(ValueError, match="level"):
        ece_bootstrap_interval(CONFIDENCES, CORRECT, level=1.0)
