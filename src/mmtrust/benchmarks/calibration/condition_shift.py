"""How confidence and accuracy move between two image conditions on the same items.

Paired, because the conditions ask the very same items: the per-item difference removes the
items' own difficulty, so a shift far smaller than either condition's spread is still clear.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from mmtrust.metrics.paired import mcnemar_p, t_interval


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
    interval = t_interval(rated) if mean_shift is not None else None
    correct_to_wrong = sum(p.reference_correct and not p.other_correct for p in pairs)
    wrong_to_correct = sum(p.other_correct and not p.reference_correct for p in pairs)
    accuracy_shift = (wrong_to_correct - correct_to_wrong) / len(pairs) if pairs else None
    p_value = mcnemar_p(correct_to_wrong, wrong_to_correct)
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
