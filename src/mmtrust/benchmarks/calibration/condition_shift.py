"""How confidence and accuracy move between two image conditions on the same items.

Paired, because the conditions ask the very same items: the per-item difference removes the
items' own difficulty, so a shift far smaller than either condition's spread is still clear.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from scipy import stats


@dataclass(frozen=True)
class PairedItem:
    """One item answered under both conditions (confidence None: the reply had none)."""

    reference_correct: bool
    other_correct: bool
    reference_confidence: float | None
    other_confidence: float | None


@dataclass(frozen=True)
class ConditionShift:
    paired_items: int
    """Items answered (correct or wrong) under both conditions."""
    confidence_pairs: int
    """Of those, items with a confidence under both."""
    mean_confidence_shift: float | None
    """Mean of (other - reference) confidence over the confidence pairs."""
    mean_confidence_shift_ci95: list[float] | None
    """Student-t 95% interval of that mean (None under two pairs)."""
    accuracy_shift: float | None
    """Accuracy under the other condition minus under the reference, on the paired items."""
    correct_to_wrong: int
    """Paired items right under the reference and wrong under the other condition."""
    wrong_to_correct: int
    mcnemar_p: float | None
    """Exact (binomial) McNemar p-value of the accuracy change (None without discordant
    pairs)."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def condition_shift(pairs: Sequence[PairedItem]) -> ConditionShift:
    rated = [
        (p.other_confidence - p.reference_confidence)
        for p in pairs
        if p.reference_confidence is not None and p.other_confidence is not None
    ]
    mean_shift = sum(rated) / len(rated) if rated else None
    interval = _t_interval(rated) if mean_shift is not None else None
    correct_to_wrong = sum(p.reference_correct and not p.other_correct for p in pairs)
    wrong_to_correct = sum(p.other_correct and not p.reference_correct for p in pairs)
    discordant = correct_to_wrong + wrong_to_correct
    accuracy_shift = (wrong_to_correct - correct_to_wrong) / len(pairs) if pairs else None
    p_value = (
        float(stats.binomtest(correct_to_wrong, discordant, 0.5).pvalue) if discordant else None
    )
    return ConditionShift(
        paired_items=len(pairs),
        confidence_pairs=len(rated),
        mean_confidence_shift=mean_shift,
        mean_confidence_shift_ci95=interval,
        accuracy_shift=accuracy_shift,
        correct_to_wrong=correct_to_wrong,
        wrong_to_correct=wrong_to_correct,
        mcnemar_p=p_value,
    )


def _t_interval(differences: list[float]) -> list[float] | None:
    count = len(differences)
    if count < 2:
        return None
    mean = sum(differences) / count
    variance = sum((d - mean) ** 2 for d in differences) / (count - 1)
    half = float(stats.t.ppf(0.975, count - 1)) * math.sqrt(variance / count)
    return [mean - half, mean + half]
