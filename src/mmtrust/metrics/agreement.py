"""How far a binary judge agrees with people: precision, recall, F1, Cohen's kappa, with
intervals. Pure functions over paired labels (True = the positive class, e.g. refusal)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mmtrust.metrics.proportion import Proportion

BOOTSTRAP_SAMPLES = 2000


@dataclass(frozen=True)
class Confusion:
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int

    @classmethod
    def of(cls, people: Sequence[bool], judge: Sequence[bool]) -> Confusion:
        if len(people) != len(judge):
            raise ValueError(f"{len(people)} labels but {len(judge)} verdicts.")
        pairs = list(zip(people, judge, strict=True))
        return cls(
            sum(p and j for p, j in pairs),
            sum(j and not p for p, j in pairs),
            sum(p and not j for p, j in pairs),
            sum(not p and not j for p, j in pairs),
        )

    @property
    def total(self) -> int:
        return (
            self.true_positives + self.false_positives + self.false_negatives + self.true_negatives
        )

    @property
    def precision(self) -> Proportion:
        return Proportion(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> Proportion:
        return Proportion(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float | None:
        flagged_or_true = 2 * self.true_positives + self.false_positives + self.false_negatives
        return 2 * self.true_positives / flagged_or_true if flagged_or_true else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa: agreement beyond what the two label rates give by chance."""
        n = self.total
        if n == 0:
            return None
        observed = (self.true_positives + self.true_negatives) / n
        people_yes = (self.true_positives + self.false_negatives) / n
        judge_yes = (self.true_positives + self.false_positives) / n
        chance = people_yes * judge_yes + (1 - people_yes) * (1 - judge_yes)
        return (observed - chance) / (1 - chance) if chance < 1 else None

    @property
    def people_rate(self) -> Proportion:
        return Proportion(self.true_positives + self.false_negatives, self.total)

    @property
    def judge_rate(self) -> Proportion:
        return Proportion(self.true_positives + self.false_positives, self.total)


def bootstrap_intervals(
    people: Sequence[bool], judge: Sequence[bool], seed: int = 0
) -> dict[str, tuple[float, float] | None]:
    """95% percentile-bootstrap intervals of F1 and kappa (items resampled, seeded)."""
    if not people:
        return {"f1": None, "kappa": None}
    rng = np.random.default_rng(seed)
    p = np.asarray(people, dtype=bool)
    j = np.asarray(judge, dtype=bool)
    pick = rng.integers(0, len(p), (BOOTSTRAP_SAMPLES, len(p)))
    ps, js = p[pick], j[pick]
    tp = (ps & js).sum(axis=1).astype(float)
    fp = (~ps & js).sum(axis=1).astype(float)
    fn = (ps & ~js).sum(axis=1).astype(float)
    n = float(len(p))
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = 2 * tp / (2 * tp + fp + fn)
        observed = (n - fp - fn) / n
        people_yes, judge_yes = (tp + fn) / n, (tp + fp) / n
        chance = people_yes * judge_yes + (1 - people_yes) * (1 - judge_yes)
        kappa = (observed - chance) / (1 - chance)
    return {"f1": _percentiles(f1), "kappa": _percentiles(kappa)}


def _percentiles(values: npt.NDArray[np.float64]) -> tuple[float, float] | None:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


def agreement_summary(
    people: Sequence[bool], judge: Sequence[bool], seed: int = 0
) -> dict[str, Any]:
    """Counts, precision, recall, F1, kappa and both refusal rates, each with its interval."""
    confusion = Confusion.of(people, judge)
    intervals = bootstrap_intervals(people, judge, seed)
    return {
        "n": confusion.total,
        **confusion.precision.fields("precision"),
        **confusion.recall.fields("recall"),
        "f1": confusion.f1,
        "f1_ci95": list(intervals["f1"]) if intervals["f1"] else None,
        "kappa": confusion.kappa,
        "kappa_ci95": list(intervals["kappa"]) if intervals["kappa"] else None,
        **confusion.people_rate.fields("people_rate"),
        **confusion.judge_rate.fields("judge_rate"),
        "confusion": {
            "true_positives": confusion.true_positives,
            "false_positives": confusion.false_positives,
            "false_negatives": confusion.false_negatives,
            "true_negatives": confusion.true_negatives,
        },
    }
