"""Items of a calibration or IDK log where the model failed, for the report
(``mmtrust.report.examples``).

Calibration: the wrong answers it was most confident in, among the evaluated items in the
reference image condition (the items of the headline ECE). IDK, per condition that offers a
way to abstain: unanswerable items it answered with an option, and answerable ones it said it
did not know (with no such offer, "none", answering is what it was asked to do)."""

from __future__ import annotations

from typing import Any

from inspect_ai.log import EvalLog, EvalSample
from inspect_ai.scorer import Score

from mmtrust.benchmarks.calibration.idk import (
    CONDITIONS,
    AbstainCondition,
    ConditionReply,
    IdkRecord,
)
from mmtrust.benchmarks.calibration.image_conditions import CONDITION_KEY
from mmtrust.benchmarks.calibration.results import SCORER, TASK_NAME
from mmtrust.benchmarks.calibration.tasks import CalibrationRecord
from mmtrust.metrics.idk import DECIDED
from mmtrust.report.examples import (
    Example,
    answered_samples,
    example,
    expected_answer,
    pick_varied,
    sample_prompt,
    sample_reply,
    stored,
)

ABSTAINING_CONDITIONS = tuple(c for c in CONDITIONS if c != "none")


def failure_examples(log: EvalLog) -> list[Example]:
    samples = answered_samples(log)
    return overconfident_examples(log, samples) + idk_examples(log, samples)


def overconfident_examples(log: EvalLog, samples: list[EvalSample]) -> list[Example]:
    """The wrong answers with the highest confidence (those with none recorded last)."""
    wrong = [
        (sample, score)
        for sample in samples
        if (score := (sample.scores or {}).get(SCORER)) is not None
        and score.value == "wrong"
        and _meta(score).get("role", "evaluate") == "evaluate"
        and _meta(score).get(CONDITION_KEY) == _meta(score).get("reference_condition")
    ]
    # stable: equal confidences keep the samples' order
    wrong.sort(key=lambda pair: -_confidence(pair[1]))
    chosen = pick_varied(wrong, lambda pair: _meta(pair[1]).get("category"))
    return [_overconfident(log, sample, score) for sample, score in chosen]


def _overconfident(log: EvalLog, sample: EvalSample, score: Score) -> Example:
    confidence = _meta(score).get("confidence")
    said = f"answered {score.answer}" if score.answer else "answered wrongly"
    failure = (
        f"wrong and confident: {said} with confidence {confidence:.2f}"
        if confidence is not None
        else f"wrong: {said} (no confidence recorded)"
    )
    return example(
        log,
        sample,
        task=TASK_NAME,
        failure=failure,
        prompt=stored(sample, CalibrationRecord, "prompt") or sample_prompt(sample),
        reply=sample_reply(sample),
        expected=expected_answer(sample.metadata or {}),
    )


def idk_examples(log: EvalLog, samples: list[EvalSample]) -> list[Example]:
    """Per abstaining condition: answers to unanswerable items and IDKs to answerable ones,
    one of each kind first."""
    found: list[Example] = []
    for condition in ABSTAINING_CONDITIONS:
        failed = [(s, a) for s in samples if (a := _wrong_call(s, condition)) is not None]
        for sample, answerable in pick_varied(failed, lambda pair: pair[1]):
            replies = stored(sample, IdkRecord, "replies") or {}
            if condition in replies:
                reply = ConditionReply.model_validate(replies[condition])
                found.append(_idk_example(log, sample, condition, answerable, reply))
    return found


def _wrong_call(sample: EvalSample, condition: AbstainCondition) -> bool | None:
    """Whether the item is answerable, when under ``condition`` it abstained where it should
    have answered or the reverse; None otherwise (an unread reply or an error included: no
    decision to judge)."""
    score = (sample.scores or {}).get(f"idk_{condition}")
    if score is None or score.value not in DECIDED:
        return None
    answerable = bool(_meta(score).get("answerable", True))
    return answerable if (score.value == "idk") == answerable else None


def _idk_example(
    log: EvalLog,
    sample: EvalSample,
    condition: AbstainCondition,
    answerable: bool,
    reply: ConditionReply,
) -> Example:
    offer = 'an "I don\'t know" option' if condition == "option" else "told it may say so"
    if answerable:
        failure = f"said it did not know, though the image answers the question ({offer})"
        expected = expected_answer(sample.metadata or {})
    else:
        said = f"answered {reply.answer}" if reply.answer else "answered"
        failure = f"{said} where the image cannot tell ({offer})"
        expected = "I don't know: the question cannot be answered from the image"
    return example(
        log,
        sample,
        task=f"idk_{condition}",
        failure=failure,
        prompt=reply.prompt or sample_prompt(sample),
        reply=reply.reply or "",
        expected=expected,
    )


def _confidence(score: Score) -> float:
    value = _meta(score).get("confidence")
    return float(value) if value is not None else -1.0


def _meta(score: Score) -> dict[str, Any]:
    return score.metadata or {}
