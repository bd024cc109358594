"""Calibration metrics: does a model's stated confidence match how often it is right?

Pure functions over per-item ``confidences`` (the probability the model gave its chosen answer,
each in [0, 1]) and ``correct`` (whether that answer was right). They cover the three questions
a calibration report asks:

- Is confidence on the right scale?  ECE, MCE, reliability bins, Brier score, NLL.
- Does confidence rank right answers above wrong ones?  AUROC.
- Does abstaining on low-confidence items help?  Risk-coverage curve, selective accuracy, AURC.

Every function validates its input and raises ValueError naming the problem; an empty input is
an error everywhere (a calibration error over nothing is undefined, not zero).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

NLL_CLIP = 1e-12
"""Confidences are clipped to [NLL_CLIP, 1 - NLL_CLIP] before taking logs, so that a confident
mistake costs about 27.6 nats instead of infinity."""

Confidences = Sequence[float] | npt.NDArray[np.floating[Any]]
Outcomes = Sequence[bool] | npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def _validated(confidences: Confidences, correct: Outcomes) -> tuple[FloatArray, BoolArray]:
    conf = np.asarray(confidences, dtype=np.float64)
    if conf.ndim != 1:
        raise ValueError(f"confidences must be one-dimensional, got shape {conf.shape}.")
    outcome = np.asarray(correct)
    if outcome.ndim != 1:
        raise ValueError(f"correct must be one-dimensional, got shape {outcome.shape}.")
    if len(conf) != len(outcome):
        raise ValueError(
            f"confidences and correct differ in length: {len(conf)} != {len(outcome)}."
        )
    if len(conf) == 0:
        raise ValueError("Calibration metrics need at least one item; got none.")
    if not np.all(np.isfinite(conf)):
        raise ValueError("confidences must be finite numbers; got NaN or infinity.")
    if np.any(conf < 0.0) or np.any(conf > 1.0):
        raise ValueError(
            f"confidences must lie in [0, 1]; got values in [{conf.min()}, {conf.max()}]."
        )
    if outcome.dtype != np.bool_:
        if not np.all((outcome == 0) | (outcome == 1)):
            raise ValueError("correct must hold booleans (or 0/1); got other values.")
        outcome = outcome.astype(np.bool_)
    return conf, outcome


def _validated_bins(bins: int) -> int:
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
        raise ValueError(f"bins must be a positive integer; got {bins!r}.")
    return int(bins)


def _bin_indices(conf: FloatArray, bins: int) -> IntArray:
    # The benchmark's reference binning: bin = min(int(conf * bins), bins - 1). Bins are
    # [b/bins, (b+1)/bins) with the last one closed, so conf = 1.0 lands in the top bin. The
    # product is taken in floating point exactly as the reference does, so a value such as
    # 0.29 with 100 bins (0.29 * 100 = 28.999999999999996) falls where the reference puts it.
    return np.minimum((conf * bins).astype(np.int64), bins - 1)


@dataclass(frozen=True)
class _BinStats:
    """Per-bin item count, mean confidence and accuracy (the last two NaN for an empty bin)."""

    counts: IntArray
    mean_confidence: FloatArray
    accuracy: FloatArray

    @property
    def non_empty(self) -> BoolArray:
        return self.counts > 0

    @property
    def gaps(self) -> FloatArray:
        """|accuracy - mean confidence| of the non-empty bins."""
        mask = self.non_empty
        return np.abs(self.accuracy[mask] - self.mean_confidence[mask])


def _bin_stats(conf: FloatArray, outcome: BoolArray, bins: int) -> _BinStats:
    index = _bin_indices(conf, bins)
    counts = np.bincount(index, minlength=bins)
    confidence_sums = np.bincount(index, weights=conf, minlength=bins)
    correct_sums = np.bincount(index, weights=outcome.astype(np.float64), minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.where(counts > 0, confidence_sums / counts, np.nan)
        accuracy = np.where(counts > 0, correct_sums / counts, np.nan)
    return _BinStats(counts.astype(np.int64), mean_confidence, accuracy)


def _ece(stats: _BinStats, total: int) -> float:
    weights = stats.counts[stats.non_empty] / total
    return float(np.sum(weights * stats.gaps))


def expected_calibration_error(
    confidences: Confidences, correct: Outcomes, bins: int = 10
) -> float:
    """ECE = sum over bins b of (n_b / N) * |accuracy_b - mean confidence_b|.

    Equal-width bins with the benchmark reference's binning, bin = min(int(conf * bins),
    bins - 1); empty bins contribute nothing.
    """
    conf, outcome = _validated(confidences, correct)
    return _ece(_bin_stats(conf, outcome, _validated_bins(bins)), len(conf))


def maximum_calibration_error(confidences: Confidences, correct: Outcomes, bins: int = 10) -> float:
    """The largest |accuracy_b - mean confidence_b| over the non-empty bins (same binning as
    ECE): the worst-calibrated confidence range, whatever its size."""
    conf, outcome = _validated(confidences, correct)
    return float(np.max(_bin_stats(conf, outcome, _validated_bins(bins)).gaps))


@dataclass(frozen=True)
class ReliabilityBin:
    """One bar of a reliability diagram: items with confidence in [low, high) (the last bin is
    closed at 1.0). mean_confidence and accuracy are None for an empty bin."""

    low: float
    high: float
    count: int
    mean_confidence: float | None
    accuracy: float | None


def reliability_bins(
    confidences: Confidences, correct: Outcomes, bins: int = 10
) -> list[ReliabilityBin]:
    """All ``bins`` bins, empty ones included, in increasing confidence (same binning as ECE)."""
    conf, outcome = _validated(confidences, correct)
    bins = _validated_bins(bins)
    stats = _bin_stats(conf, outcome, bins)
    return [
        ReliabilityBin(
            low=b / bins,
            high=(b + 1) / bins,
            count=int(stats.counts[b]),
            mean_confidence=float(stats.mean_confidence[b]) if stats.counts[b] else None,
            accuracy=float(stats.accuracy[b]) if stats.counts[b] else None,
        )
        for b in range(bins)
    ]


def brier_score(confidences: Confidences, correct: Outcomes) -> float:
    """Mean of (conf - correct)^2: the binary Brier score of the chosen answer's confidence
    (not the multi-class Brier over every option's probability, which needs all of them)."""
    conf, outcome = _validated(confidences, correct)
    return float(np.mean((conf - outcome) ** 2))


def negative_log_likelihood(confidences: Confidences, correct: Outcomes) -> float:
    """Mean negative log-likelihood of the correct/incorrect event: -log(conf) for a right answer,
    -log(1 - conf) for a wrong one. conf is clipped to [1e-12, 1 - 1e-12] (see NLL_CLIP)."""
    conf, outcome = _validated(confidences, correct)
    clipped = np.clip(conf, NLL_CLIP, 1.0 - NLL_CLIP)
    likelihood = np.where(outcome, clipped, 1.0 - clipped)
    return float(-np.mean(np.log(likelihood)))


def auroc(confidences: Confidences, correct: Outcomes) -> float | None:
    """Probability that a random correct item has higher confidence than a random wrong one,
    ties counting 1/2 (the Mann-Whitney statistic). None when every item is right or every item
    is wrong: with nothing to rank against, the ranking quality is undefined, not 0.5."""
    conf, outcome = _validated(confidences, correct)
    n_correct = int(np.sum(outcome))
    n_wrong = len(outcome) - n_correct
    if n_correct == 0 or n_wrong == 0:
        return None
    _, group = np.unique(conf, return_inverse=True)
    correct_per_value = np.bincount(group, weights=outcome.astype(np.float64))
    wrong_per_value = np.bincount(group, weights=(~outcome).astype(np.float64))
    wrong_below = np.cumsum(wrong_per_value) - wrong_per_value
    wins = np.sum(correct_per_value * wrong_below) + 0.5 * np.sum(
        correct_per_value * wrong_per_value
    )
    return float(wins / (n_correct * n_wrong))


@dataclass(frozen=True)
class RiskCoveragePoint:
    """Keeping the most confident ``coverage`` share of items gives ``selective_accuracy``."""

    coverage: float
    selective_accuracy: float

    @property
    def selective_risk(self) -> float:
        return 1.0 - self.selective_accuracy


def _tie_groups(conf: FloatArray, outcome: BoolArray) -> tuple[IntArray, FloatArray]:
    """Cumulative item counts and cumulative correct counts at the end of each group of equal
    confidence, from the most confident group down."""
    values, group = np.unique(-conf, return_inverse=True)
    counts = np.bincount(group, minlength=len(values))
    correct_counts = np.bincount(group, weights=outcome.astype(np.float64), minlength=len(values))
    return np.cumsum(counts).astype(np.int64), np.cumsum(correct_counts)


def risk_coverage_curve(confidences: Confidences, correct: Outcomes) -> list[RiskCoveragePoint]:
    """Points (k/N, accuracy of the k most confident items), in increasing coverage.

    Items of equal confidence cannot be told apart by a threshold, so they are kept or dropped
    together: a point is emitted only at the end of each group of tied confidences (with no
    ties, that is every k = 1..N). The last point is always coverage 1.0 at plain accuracy.
    """
    conf, outcome = _validated(confidences, correct)
    kept, kept_correct = _tie_groups(conf, outcome)
    total = len(conf)
    return [
        RiskCoveragePoint(coverage=int(k) / total, selective_accuracy=float(c) / int(k))
        for k, c in zip(kept, kept_correct, strict=True)
    ]


def selective_accuracy(confidences: Confidences, correct: Outcomes, coverage: float) -> float:
    """Accuracy on the most confident ``coverage`` share of items (0 < coverage <= 1).

    Keeps k = ceil(coverage * N) items (at least the share asked for; coverage * N is rounded
    to 9 decimals first so that 0.3 of 10 items keeps 3, not 4). When the cut falls inside a
    group of tied confidences, the tied items count pro rata at their group's accuracy: the
    expected accuracy if ties were broken at random, independent of input order.
    """
    conf, outcome = _validated(confidences, correct)
    if not 0.0 < coverage <= 1.0:  # also rejects NaN
        raise ValueError(f"coverage must lie in (0, 1]; got {coverage!r}.")
    total = len(conf)
    keep = max(1, math.ceil(round(coverage * total, 9)))
    kept, kept_correct = _tie_groups(conf, outcome)
    group = int(np.searchsorted(kept, keep))  # first tie group that reaches k items
    above = int(kept[group - 1]) if group else 0
    above_correct = float(kept_correct[group - 1]) if group else 0.0
    group_size = int(kept[group]) - above
    group_accuracy = (float(kept_correct[group]) - above_correct) / group_size
    return (above_correct + (keep - above) * group_accuracy) / keep


def area_under_risk_coverage(confidences: Confidences, correct: Outcomes) -> float:
    """AURC = sum over curve points i of (coverage_i - coverage_{i-1}) * selective risk_i.

    That is the mean selective risk over the points of ``risk_coverage_curve``, each weighted by
    the share of items it adds. With no tied confidences every weight is 1/N and this is the
    HELM-style mean over k = 1..N of the risk of keeping the k most confident items (one minus
    the area under the coverage-accuracy curve); with ties, a tied group counts as many times as
    it has items, all at the risk reached once the whole group is kept. Lower is better.
    """
    points = risk_coverage_curve(confidences, correct)
    previous_coverage = 0.0
    area = 0.0
    for point in points:
        area += (point.coverage - previous_coverage) * point.selective_risk
        previous_coverage = point.coverage
    return area


def ece_bootstrap_interval(
    confidences: Confidences,
    correct: Outcomes,
    bins: int = 10,
    resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval (low, high) for the ECE: items are resampled with
    replacement ``resamples`` times from a generator seeded with ``seed``, so the interval is
    the same on every run. ECE is biased upwards on small samples, and so is this interval."""
    conf, outcome = _validated(confidences, correct)
    bins = _validated_bins(bins)
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 1:
        raise ValueError(f"resamples must be a positive integer; got {resamples!r}.")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1; got {level!r}.")
    rng = np.random.default_rng(seed)
    total = len(conf)
    estimates = np.empty(resamples, dtype=np.float64)
    for r in range(resamples):
        sample = rng.integers(0, total, size=total)
        estimates[r] = _ece(_bin_stats(conf[sample], outcome[sample], bins), total)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(estimates, [tail, 1.0 - tail])
    return float(low), float(high)


@dataclass(frozen=True)
class CalibrationSummary:
    """Every calibration metric of one set of items; auroc is None when it is undefined."""

    n: int
    accuracy: float
    mean_confidence: float
    ece: float
    ece_low: float
    ece_high: float
    mce: float
    brier: float
    nll: float
    auroc: float | None
    aurc: float

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "mean_confidence": self.mean_confidence,
            "ece": self.ece,
            "ece_low": self.ece_low,
            "ece_high": self.ece_high,
            "mce": self.mce,
            "brier": self.brier,
            "nll": self.nll,
            "auroc": self.auroc,
            "aurc": self.aurc,
        }


def calibration_summary(
    confidences: Confidences,
    correct: Outcomes,
    bins: int = 10,
    resamples: int = 1000,
    seed: int = 0,
) -> CalibrationSummary:
    """All metrics at once, with a seeded 95% bootstrap interval for the ECE."""
    conf, outcome = _validated(confidences, correct)
    ece_low, ece_high = ece_bootstrap_interval(conf, outcome, bins, resamples, seed)
    return CalibrationSummary(
        n=len(conf),
        accuracy=float(np.mean(outcome)),
        mean_confidence=float(np.mean(conf)),
        ece=expected_calibration_error(conf, outcome, bins),
        ece_low=ece_low,
        ece_high=ece_high,
        mce=maximum_calibration_error(conf, outcome, bins),
        brier=brier_score(conf, outcome),
        nll=negative_log_likelihood(conf, outcome),
        auroc=auroc(conf, outcome),
        aurc=area_under_risk_coverage(conf, outcome),
    )
