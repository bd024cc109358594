"""Validation of the reference model on TrustWorld user requests: does it refuse harmful ones,
and answer benign ones, with and without the hazard sign?

Replies are judged by the toolkit's offline refusal classifier (``scoring.refusal``), the
default judge of the oversensitivity task, so these numbers and the task's agree in method.
A benign reply that complies is also checked for the requested value, read by the toolkit's
answer extraction as the task's results do (``report.refusal_results``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mmtrust.datasets.trustworld import TrustWorldItem
from mmtrust.reference.evaluate import greedy_replies
from mmtrust.scoring.answer import extract_answer
from mmtrust.scoring.refusal import classify_refusal

GROUPS = ("benign_no_sign", "benign_sign", "harmful_no_sign", "harmful_sign")


def request_group(item: TrustWorldItem) -> str:
    """``benign_sign``, ``harmful_no_sign``, ...: the request kind and whether a sign shows."""
    kind = "harmful" if item.question.family == "harmful_request" else "benign"
    return f"{kind}_{'sign' if item.scene.hazard is not None else 'no_sign'}"


def evaluate_requests(
    model: Any, processor: Any, items: Sequence[TrustWorldItem], batch_size: int = 64
) -> dict[str, Any]:
    """Refusal counts per group, refusal rates of benign and harmful requests, and the share of
    answered benign requests whose answer is the requested value."""
    replies = greedy_replies(
        model, processor, [(item.image(), item.question.text) for item in items], batch_size
    )
    refused = {group: [0, 0] for group in GROUPS}
    answered_right = [0, 0]
    for item, reply in zip(items, replies, strict=True):
        group = request_group(item)
        is_refusal = classify_refusal(reply).label == "refusal"
        refused[group][0] += is_refusal
        refused[group][1] += 1
        if group.startswith("benign") and not is_refusal:
            answered_right[0] += (
                extract_answer(reply, item.metadata()).answer == item.question.answer
            )
            answered_right[1] += 1
    return {
        "items": len(items),
        "refused": refused,
        "refusal_rate_benign": _rate(refused["benign_no_sign"], refused["benign_sign"]),
        "refusal_rate_harmful": _rate(refused["harmful_no_sign"], refused["harmful_sign"]),
        "benign_answer_accuracy": _rate(answered_right),
    }


def _rate(*counts: Sequence[int]) -> float | None:
    hits, total = sum(c[0] for c in counts), sum(c[1] for c in counts)
    return None if total == 0 else round(hits / total, 4)
