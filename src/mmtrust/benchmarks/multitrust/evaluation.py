"""An evaluator's verdict on one MultiTrust reply (``scoring``, ``scoring_safety``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inspect_ai.model import ChatMessageUser, GenerateConfig, get_model

from mmtrust.metrics.refusal import JUDGE_REPLY_UNPARSEABLE, JUDGE_REQUEST_FAILED
from mmtrust.solving import GRADER_ROLE, generate_or_failure, image_and_text

INPUT_ERROR = "input_error"
NO_RESPONSE = "no_response"
REPLY_UNPARSEABLE = "reply_unparseable"
NEEDS_GRADER = "needs_grader"
OUTCOMES = (
    INPUT_ERROR,
    NO_RESPONSE,
    REPLY_UNPARSEABLE,
    NEEDS_GRADER,
    JUDGE_REQUEST_FAILED,
    JUDGE_REPLY_UNPARSEABLE,
)
"""The reasons of an unscored item, each counted apart in results.json."""
JUDGE_CONFIG = GenerateConfig(temperature=0.0, max_tokens=64)
"""The toolbox judges with gpt-4-1106-preview at temperature 0; its verdicts are short."""


@dataclass(frozen=True)
class Evaluation:
    """An evaluator's verdict: a value in [0, 1], or None with the reason."""

    value: float | None
    judge: str
    """Who decided: "rule", "offline", "model" (the grader) or "exact_match"."""
    explanation: str = ""
    reason: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def unreadable(judge: str, what: str) -> Evaluation:
    return Evaluation(None, judge, f"no {what} in the reply", REPLY_UNPARSEABLE)


def as_value(value: bool) -> float:
    return 1.0 if value else 0.0


async def ask_grader(prompt: str) -> str | Evaluation:
    """The grader role's reply to a judge prompt, or the ``judge_request_failed`` verdict."""
    message = ChatMessageUser(content=image_and_text(None, prompt))
    output = await generate_or_failure(get_model(role=GRADER_ROLE), [message], JUDGE_CONFIG)
    if isinstance(output, str):
        return Evaluation(None, "model", f"the judge failed: {output}", JUDGE_REQUEST_FAILED)
    return output.completion
