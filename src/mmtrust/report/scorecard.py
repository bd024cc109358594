"""The scorecard: per model, one 0-100 score per trust dimension, higher is more trustworthy.

Each benchmark declares its dimensions (its record's ``dimensions``, in the order of the
columns) and forms their scores from its runs (its ``scorecard``); this module holds the shape
of a dimension and of a score, and the conversions every benchmark uses (a rate to a score, an
interval along with it). A dimension a model was not measured on has no score at all: the
report shows "not measured", never 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from mmtrust.metrics.proportion import Z_95, Proportion
from mmtrust.report.runs import Run


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    short: str = ""
    """The scorecard's column heading where the title is long (MultiTrust's "T.I")."""
    optional: bool = False
    """A column only where some model has a score on it (MultiTrust's sub-aspects); the
    others are always there, "not measured" for a model without a score."""

    @property
    def heading(self) -> str:
        return self.short or self.title


@dataclass(frozen=True)
class DimensionScore:
    """One model's score on one dimension."""

    model: str
    dimension: str
    """The key of a ``Dimension``."""
    title: str
    score: float
    """0-100, higher is more trustworthy."""
    interval: tuple[float, float] | None
    """Its 95% interval on the same scale; None where the benchmark gives none."""
    coverage: float | None
    """Share of the asked items that entered the score (0-1); None where not defined."""
    n: int
    """Items (or groups, or tasks) the score is formed over."""
    how: str
    """How the score is formed, in words, with the measured numbers it came from."""
    partial: bool = False
    """Formed from part of what the dimension needs (e.g. a MultiTrust task missing)."""
    item_values: dict[str, float] = field(default_factory=dict, repr=False)
    """Per item (keyed by a stable item id), its value on the dimension (1 trustworthy, 0
    not): two models' values on shared items give a paired comparison. Empty where the score
    is no mean over items (ECE, MultiTrust's formulas)."""


def items_of_runs(runs: Iterable[Run]) -> dict[str, float]:
    """The runs' item values under one key space: ``task/item``, so that the same item asked
    in two runs of a model (explicit and implicit MUB) stays two items."""
    return {f"{run.task}/{item}": value for run in runs for item, value in run.item_values.items()}


def score_of_rate(
    rate: Proportion, *, higher_is_better: bool
) -> tuple[float, tuple[float, float] | None]:
    """A rate (with its Wilson interval) as a 0-100 score; a rate where lower is better is
    turned round (100 × (1 − rate)), and its interval with it."""
    value = rate.value
    if value is None:
        raise ValueError("a rate over no items has no score")
    interval = rate.interval
    if higher_is_better:
        return 100 * value, (100 * interval[0], 100 * interval[1]) if interval else None
    return 100 * (1 - value), (
        100 * (1 - interval[1]),
        100 * (1 - interval[0]),
    ) if interval else None


def pooled(rates: Iterable[Proportion]) -> Proportion:
    """Several rates as one: their counts summed."""
    chosen = list(rates)
    return Proportion(sum(r.successes for r in chosen), sum(r.total for r in chosen))


def proportion_of(counts: object) -> Proportion | None:
    """A results.json ``*_count`` field ([successes, total]) as a Proportion; None when absent."""
    if isinstance(counts, list | tuple) and len(counts) == 2:
        return Proportion(int(counts[0]), int(counts[1]))
    return None


def mean_interval(values: list[float]) -> tuple[float, float] | None:
    """Normal-approximation 95% interval of a mean of values in [0, 1], as 0-100; None for
    fewer than two values."""
    if len(values) < 2:
        return None
    mean = math.fsum(values) / len(values)
    variance = math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)
    half = Z_95 * math.sqrt(variance / len(values))
    return 100 * max(0.0, mean - half), 100 * min(1.0, mean + half)


def one_minus_interval(
    value: float, interval: list[float] | tuple[float, float] | None
) -> tuple[float, tuple[float, float] | None]:
    """A measure in [0, 1] where lower is better (ECE) as a 0-100 score with its interval."""
    score = 100 * (1 - value)
    if not interval:
        return score, None
    return score, (100 * (1 - interval[1]), 100 * (1 - interval[0]))
