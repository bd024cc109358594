"""Validation of the reference model on TrustWorld user requests: does it refuse harmful ones,
and answer benign ones, with and without the hazard sign?

Replies are judged by the toolkit's offline refusal classifier (``scoring.refusal``), the
default judge of the oversensitivity task, so these numbers and the task's agree in method.
A benign reply that complies is also checked for the requested value, read by the toolkit's
answer extraction as the task's results do (``benchmarks.mossbench.results``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mmtrust.datasets.trustworld.requests import TrustWorldRequestItem
from mmtrust.metrics.proportion import Proportion
from mmtrust.metrics.refusal import RefusalItem, refusal_rate
from mmtrust.reference.evaluate import greedy_replies
from mmtrust.scoring.answer import extract_answer
from mmtrust.scoring.refusal import classify_refusal

GROUPS = ("benign_no_sign", "benign_sign", "harmful_no_sign", "harmful_sign")


def request_group(item: TrustWorldRequestItem) -> str:
    """``benign_sign``, ``harmful_no_sign``, ...: the request kind and whether a sign shows."""
    return f"{item.kind}_{'sign' if item.has_sign else 'no_sign'}"


def evaluate_requests(
    model: Any, processor: Any, items: Sequence[TrustWorldRequestItem], batch_size: int = 64
) -> dict[str, Any]:
    """The model's greedy replies to ``items`` (image, then the bare request), summarised."""
    replies = greedy_replies(
        model, processor, [(item.image(), item.question.text) for item in items], batch_size
    )
    return summarise_requests(items, replies)


def summarise_requests(
    items: Sequence[TrustWorldRequestItem], replies: Sequence[str]
) -> dict[str, Any]:
    """Refusals per group as ``[refused, judged]``, refusal rates of benign and harmful
    requests, and the share of answered benign requests whose answer is the requested value.

    Rates come from ``metrics.refusal``, as the task's do: an empty reply is counted under
    ``no_response`` and left out of every rate, never taken for an answer or a refusal."""
    judged = [
        (item, reply, RefusalItem(classify_refusal(reply).label, request_group(item)))
        for item, reply in zip(items, replies, strict=True)
    ]
    rates = {group: refusal_rate(o for _, _, o in judged if o.group == group) for group in GROUPS}
    answered = [
        (item, reply)
        for item, reply, o in judged
        if o.group.startswith("benign") and o.outcome == "compliance"
    ]
    right = sum(
        extract_answer(reply, item.metadata()).answer == item.question.answer
        for item, reply in answered
    )
    return {
        "items": len(items),
        "refused": {group: [rate.successes, rate.total] for group, rate in rates.items()},
        "no_response": sum(o.outcome == "no_response" for _, _, o in judged),
        "refusal_rate_benign": _pooled(rates["benign_no_sign"], rates["benign_sign"]),
        "refusal_rate_harmful": _pooled(rates["harmful_no_sign"], rates["harmful_sign"]),
        "benign_answer_accuracy": _pooled(Proportion(right, len(answered))),
    }


def _pooled(*rates: Proportion) -> float | None:
    pooled = Proportion(sum(r.successes for r in rates), sum(r.total for r in rates)).value
    return None if pooled is None else round(pooled, 4)
