"""Models side by side: each model's scores against the first model's (the baseline), with the
differences that are statistically clear marked.

Where both scores are means over items and the two models answered some of the same items,
the comparison is paired (the per-item differences remove the items' own difficulty): an
exact McNemar test when the values are 0/1, a Student-t interval otherwise. Where a score is
no mean over items (ECE, MultiTrust's formulas), the two scores' 95% intervals give an
unpaired z test. A difference is clear when its p-value is below 0.05.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from mmtrust.metrics.paired import mcnemar_p, t_interval, t_test_p
from mmtrust.metrics.proportion import Z_95
from mmtrust.report.scorecard import DimensionScore

CLEAR_P = 0.05
MIN_PAIRED_ITEMS = 10
"""Fewer shared items than this are compared unpaired: a paired test on a handful says little."""


@dataclass(frozen=True)
class Comparison:
    """A model's score on a dimension minus the baseline model's."""

    dimension: str
    title: str
    model: str
    baseline: str
    difference: float
    """Score points (0-100 scale), model minus baseline."""
    interval: tuple[float, float] | None
    """95% interval of the difference (of the paired mean difference when paired)."""
    p_value: float | None
    paired_items: int
    """Items both models answered (0: unpaired)."""
    method: str

    @property
    def clear(self) -> bool:
        return self.p_value is not None and self.p_value < CLEAR_P


def compare(scores: list[DimensionScore]) -> list[Comparison]:
    """Each model's scores against the first model's, dimension by dimension (the dimensions
    both have)."""
    models = list(dict.fromkeys(score.model for score in scores))
    if len(models) < 2:
        return []
    by_key = {(score.model, score.dimension): score for score in scores}
    baseline = models[0]
    comparisons = []
    for model in models[1:]:
        for score in scores:
            if score.model != model or (baseline, score.dimension) not in by_key:
                continue
            comparisons.append(compare_two(score, by_key[baseline, score.dimension]))
    return comparisons


def compare_two(score: DimensionScore, baseline: DimensionScore) -> Comparison:
    shared = sorted(set(score.item_values) & set(baseline.item_values))
    if len(shared) >= MIN_PAIRED_ITEMS:
        return _paired(score, baseline, shared)
    return _unpaired(score, baseline)


def _paired(score: DimensionScore, baseline: DimensionScore, shared: list[str]) -> Comparison:
    ours = [score.item_values[item] for item in shared]
    theirs = [baseline.item_values[item] for item in shared]
    differences = [a - b for a, b in zip(ours, theirs, strict=True)]
    interval = t_interval(differences)
    binary = all(v in (0.0, 1.0) for v in ours + theirs)
    if binary:
        p_value = mcnemar_p(
            sum(a > b for a, b in zip(ours, theirs, strict=True)),
            sum(a < b for a, b in zip(ours, theirs, strict=True)),
        )
        p_value = 1.0 if p_value is None else p_value  # no discordant item: no difference
        method = f"paired on {len(shared)} shared items, exact McNemar test"
    else:
        p_value = t_test_p(differences)
        method = f"paired on {len(shared)} shared items, Student-t test"
    return Comparison(
        dimension=score.dimension,
        title=score.title,
        model=score.model,
        baseline=baseline.model,
        difference=score.score - baseline.score,
        interval=(100 * interval[0], 100 * interval[1]) if interval else None,
        p_value=p_value,
        paired_items=len(shared),
        method=method,
    )


def _unpaired(score: DimensionScore, baseline: DimensionScore) -> Comparison:
    difference = score.score - baseline.score
    interval, p_value = None, None
    if score.interval and baseline.interval:
        # each interval's half-width over 1.96 as its standard error (intervals that are not
        # symmetric, like Wilson's near 0 or 1, make this approximate)
        se = math.hypot(*((i[1] - i[0]) / (2 * Z_95) for i in (score.interval, baseline.interval)))
        if se > 0:
            interval = (difference - Z_95 * se, difference + Z_95 * se)
            p_value = float(2 * stats.norm.sf(abs(difference) / se))
    method = (
        "unpaired, z test from the two 95% intervals"
        if p_value is not None
        else "not tested: a score without an interval"
    )
    return Comparison(
        dimension=score.dimension,
        title=score.title,
        model=score.model,
        baseline=baseline.model,
        difference=difference,
        interval=interval,
        p_value=p_value,
        paired_items=0,
        method=method,
    )
