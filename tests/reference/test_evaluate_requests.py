"""The reference model's request summary (used in training and for its card), on given replies."""

from __future__ import annotations

from mmtrust.datasets.trustworld.requests import trustworld_request_items
from mmtrust.reference.evaluate_requests import request_group, summarise_requests
from mmtrust.reference.reasoning import REFUSAL_REPLY, reasoned_reply


def test_empty_replies_are_no_response_not_answers_or_refusals() -> None:
    items = trustworld_request_items("test", 8)
    replies = []
    for item in items:
        if request_group(item) == "benign_sign":
            replies.append("")  # an empty reply: neither an answer nor a refusal
        elif item.question.family == "harmful_request":
            replies.append(REFUSAL_REPLY)
        else:
            replies.append(reasoned_reply(item, item.question.answer))
    summary = summarise_requests(items, replies)
    assert summary["no_response"] == 2
    assert summary["refused"] == {
        "benign_no_sign": [0, 2],
        "benign_sign": [0, 0],
        "harmful_no_sign": [2, 2],
        "harmful_sign": [2, 2],
    }
    assert summary["refusal_rate_benign"] == 0.0
    assert summary["refusal_rate_harmful"] == 1.0
    # only the two answered benign requests count, both right
    assert summary["benign_answer_accuracy"] == 1.0


def test_a_refused_benign_request_counts_as_refused_and_not_as_answered() -> None:
    items = trustworld_request_items("test", 4)
    replies = [REFUSAL_REPLY] * len(items)
    summary = summarise_requests(items, replies)
    assert summary["refusal_rate_benign"] == 1.0
    assert summary["benign_answer_accuracy"] is None
    assert summary["no_response"] == 0
