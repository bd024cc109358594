"""IDK ("I don't know") metrics as pure functions over per-item outcomes (spec: calibration.md).

- IDK rate          = #idk / #decided unanswerable items      (higher is better)
- false-IDK rate    = #idk / #decided answerable items        (lower is better)
- answered accuracy = #correct / #(correct + wrong), answerable items only
- abstention-aware accuracy = (#answerable correct + #unanswerable idk) / #decided items

"Decided" means the reply abstained or named an option. Unparseable replies, model errors and
bad inputs are their own outcomes: excluded from every rate and counted next to it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from mmtrust.metrics.proportion import Proportion

IdkOutcome = Literal["idk", "correct", "wrong", "unparseable", "model_error", "input_error"]
DECIDED: tuple[IdkOutcome, ...] = ("idk", "correct", "wrong")


@dataclass(frozen=True)
class IdkItem:
    answerable: bool
    outcome: IdkOutcome

    @classmethod
    def of_score(cls, value: object, metadata: dict[str, Any] | None) -> IdkItem:
        """The item an IDK scorer's score stands for (its value and metadata)."""
        answerable = bool((metadata or {}).get("answerable", True))
        return cls(answerable=answerable, outcome=value)  # type: ignore[arg-type]


def idk_rate(items: Iterable[IdkItem]) -> Proportion:
    decided = [i for i in items if not i.answerable and i.outcome in DECIDED]
    return Proportion(sum(i.outcome == "idk" for i in decided), len(decided))


def false_idk_rate(items: Iterable[IdkItem]) -> Proportion:
    decided = [i for i in items if i.answerable and i.outcome in DECIDED]
    return Proportion(sum(i.outcome == "idk" for i in decided), len(decided))


def answered_accuracy(items: Iterable[IdkItem]) -> Proportion:
    answered = [i for i in items if i.answerable and i.outcome in ("correct", "wrong")]
    return Proportion(sum(i.outcome == "correct" for i in answered), len(answered))


def abstention_aware_accuracy(items: Iterable[IdkItem]) -> Proportion:
    decided = [i for i in items if i.outcome in DECIDED]
    right = sum(
        (i.answerable and i.outcome == "correct") or (not i.answerable and i.outcome == "idk")
        for i in decided
    )
    return Proportion(right, len(decided))


def coverage(items: Iterable[IdkItem]) -> Proportion:
    """Share of askable items (no bad input, no model error) whose reply was read."""
    askable = [i for i in items if i.outcome not in ("input_error", "model_error")]
    return Proportion(sum(i.outcome in DECIDED for i in askable), len(askable))


RATES = {
    "idk_rate": idk_rate,
    "false_idk_rate": false_idk_rate,
    "accuracy": answered_accuracy,
    "abstention_aware_accuracy": abstention_aware_accuracy,
    "coverage": coverage,
}


def summarise_idk(items: Iterable[IdkItem]) -> dict[str, object]:
    """Every rate with its count and 95% interval, and the outcome counts."""
    chosen = list(items)
    metrics: dict[str, object] = {}
    for name, rate in RATES.items():
        metrics.update(rate(chosen).fields(name))
    metrics["outcomes"] = {
        f"{'answerable' if answerable else 'unanswerable'}.{outcome}": count
        for (answerable, outcome), count in sorted(
            Counter((i.answerable, i.outcome) for i in chosen).items()
        )
    }
    return metrics
