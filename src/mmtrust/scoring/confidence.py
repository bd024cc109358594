"""How confident a model was in the answer it gave: from token log-probabilities, or stated.

**From log-probabilities** (``logprob_confidence``). The reference code of the calibration
paper (spec: calibration.md) greedily decodes and takes the first step whose arg-max token is an
option letter; its confidence is that token's probability over the whole vocabulary. Here the
*answer position* generalises that step to models that name an option by its text ("black")
or say yes/no after some reasoning: it is the first generated token that names exactly one
option, by letter, by (the start of) its text, or as yes/no. At that position the
log-probabilities of every option's tokens are read from the chosen token and its
``top_logprobs`` alternatives, and two confidences are derived for the option the reply
finally answered:

* ``confidence``: its probability renormalised over the options (what most users want);
* ``full_vocabulary``: its probability over the whole vocabulary (the reference's number).

An option absent from the top alternatives had less probability than all of them: it is
given the lowest returned log-probability (an upper bound, so the confidence in the answered
option is never overstated) and listed in ``unseen_options``. When a reply's
final answer differs from the option its answer position named (a model that observes
"black" and then repeats a hint's "B"), the confidence is the probability it gave at that
position to the option it answered: low, as it should be.

**Stated** (``verbalised_confidence``): "Confidence: 80" in the reply, for models that return
no log-probabilities (many API models).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from inspect_ai.model import Logprob

from mmtrust.datasets.schema import ItemMetadata
from mmtrust.scoring.answer import DECORATION

ConfidenceSource = Literal["logprobs", "verbalised", "none"]


@dataclass(frozen=True)
class AnswerConfidence:
    """The confidence of one reply in its answer, and what it was read from."""

    source: ConfidenceSource
    confidence: float | None = None
    """Probability of the answered option, renormalised over the options (or the stated one)."""
    full_vocabulary: float | None = None
    """Probability of the answered option's tokens over the whole vocabulary."""
    option_logprobs: dict[str, float | None] = field(default_factory=dict)
    """Log-probability of each option's tokens at the answer position (None: not among the
    alternatives the model returned)."""
    floor_logprob: float | None = None
    """The lowest log-probability among the returned alternatives at the answer position: an
    upper bound for every option that was not among them."""
    position: int | None = None
    """Index of the generated token read as the answer position."""
    detail: str = ""
    """Why there is no confidence, when there is none."""

    @property
    def unseen_options(self) -> list[str]:
        return [option for option, value in self.option_logprobs.items() if value is None]


def answer_options(item: ItemMetadata) -> list[str]:
    """The answers an item allows, in a fixed order: its option letters, or Yes and No."""
    return ["Yes", "No"] if item.question_type == "yn" else sorted(item.options)


def token_option(token: str, item: ItemMetadata) -> str | None:
    """The one option a generated token names, or None (names none, or several).

    A token names an option by being its letter (case-sensitive: the article "a" is not
    option A), yes/no, its whole text, or a prefix of two or more characters of its text
    (a word split into several tokens starts with its first token).
    """
    bare = token.strip(DECORATION)
    if not bare:
        return None
    if item.question_type == "yn":
        return {"yes": "Yes", "no": "No"}.get(bare.lower())
    named = {letter for letter in item.options if bare == letter}
    lowered = bare.lower()
    for letter, text in item.options.items():
        option_text = text.strip().lower()
        if option_text == lowered or (len(lowered) >= 2 and option_text.startswith(lowered)):
            named.add(letter)
    return named.pop() if len(named) == 1 else None


def logprob_confidence(
    logprobs: Sequence[Logprob] | None, item: ItemMetadata, answer: str | None
) -> AnswerConfidence:
    """The confidence of a reply in ``answer`` from its generated tokens' log-probabilities."""
    if not logprobs:
        return AnswerConfidence("none", detail="the model returned no log-probabilities")
    if answer is None:
        return AnswerConfidence("none", detail="the reply names no answer")
    position = next(
        (i for i, step in enumerate(logprobs) if token_option(step.token, item) is not None),
        None,
    )
    if position is None:
        return AnswerConfidence("none", detail="no generated token names an option")
    step = logprobs[position]
    candidates = {step.token: step.logprob}
    for alternative in step.top_logprobs or []:
        candidates.setdefault(alternative.token, alternative.logprob)
    by_option: dict[str, list[float]] = {option: [] for option in answer_options(item)}
    for token, logprob in candidates.items():
        option = token_option(token, item)
        if option is not None and option in by_option:
            by_option[option].append(logprob)
    option_logprobs = {
        option: _log_sum_exp(values) if values else None for option, values in by_option.items()
    }
    floor = min(candidates.values())
    filled = {option: floor if v is None else v for option, v in option_logprobs.items()}
    answered = filled.get(answer, floor)
    return AnswerConfidence(
        "logprobs",
        confidence=math.exp(answered - _log_sum_exp(list(filled.values()))),
        full_vocabulary=math.exp(answered),
        option_logprobs=option_logprobs,
        floor_logprob=floor,
        position=position,
    )


_STATED = re.compile(
    r"confidence(?:\s+(?:level|score))?\s*(?:is|of|:|=)?\s*[:\-]?\s*"
    r"(\d{1,3}(?:\.\d+)?)\s*(%|/\s*100|percent)?",
    re.IGNORECASE,
)


def verbalised_confidence(reply: str) -> AnswerConfidence:
    """The confidence a reply states ("Confidence: 85", "confidence is 0.85", "85%")."""
    match = _STATED.search(reply)
    if match is None:
        return AnswerConfidence("none", detail="the reply states no confidence")
    number = float(match.group(1))
    # "0.85" is a probability, "85" (or "85%") a percentage
    value = number if match.group(2) is None and number <= 1 and "." in match.group(1) else None
    if value is None:
        value = number / 100
    if not 0 <= value <= 1:
        return AnswerConfidence("none", detail=f"stated confidence {match.group(0)!r} is not 0-100")
    return AnswerConfidence("verbalised", confidence=value)


def without_stated_confidence(reply: str) -> str:
    """The reply with its confidence statement removed, so that "A\nConfidence: 80" reads as
    the answer "A" (the number must not be taken for part of the answer)."""
    return _CONFIDENCE_LINE.sub(" ", _STATED.sub(" ", reply)).strip()


_CONFIDENCE_LINE = re.compile(r"^\s*confidence\b.*$", re.IGNORECASE | re.MULTILINE)
"""A line that starts by stating a confidence, whatever follows ("Confidence: high")."""


def _log_sum_exp(values: list[float]) -> float:
    peak = max(values)
    return peak + math.log(sum(math.exp(v - peak) for v in values))
