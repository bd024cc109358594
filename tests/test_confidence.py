"""Confidence from token log-probabilities and from stated confidence, on hand-built replies."""

from __future__ import annotations

import math

import pytest
from inspect_ai.model import Logprob, TopLogprob

from mmtrust.datasets.schema import ItemMetadata
from mmtrust.scoring.confidence import (
    logprob_confidence,
    token_option,
    verbalised_confidence,
)

COLOURS = ItemMetadata(
    source="test",
    item_id="c1",
    question="What colour is the triangle?",
    question_type="mc",
    answer="C",
    options={"A": "red", "B": "blue", "C": "black", "D": "purple"},
)
YES_NO = ItemMetadata(
    source="test", item_id="y1", question="Is there a red circle?", question_type="yn", answer="No"
)


def _step(token: str, logprob: float, alternatives: dict[str, float]) -> Logprob:
    return Logprob(
        token=token,
        logprob=logprob,
        top_logprobs=[TopLogprob(token=t, logprob=v) for t, v in alternatives.items()],
    )


@pytest.mark.parametrize(
    ("token", "option"),
    [
        ("C", "C"),
        (" (B", "B"),
        (" black", "C"),
        ("Black", "C"),
        (" pur", "D"),  # the first piece of a word split into several tokens
        ("b", None),  # one letter of "black"/"blue" is not a prefix worth reading
        (" bl", None),  # names both black and blue
        ("a", None),  # the article, not option A
        ("Answer", None),
        (":", None),
    ],
)
def test_a_token_names_an_option_by_letter_or_text(token: str, option: str | None) -> None:
    assert token_option(token, COLOURS) == option


def test_yes_no_tokens() -> None:
    assert [token_option(t, YES_NO) for t in (" Yes", "no", "No.", "Not")] == [
        "Yes",
        "No",
        "No",
        None,
    ]


def test_confidence_is_read_at_the_first_token_naming_an_option() -> None:
    # "triangle: black. Answer: black": the first option-naming token is the observed colour
    logprobs = [
        _step("triangle", -0.01, {}),
        _step(":", -0.001, {}),
        _step(" black", math.log(0.6), {" blue": math.log(0.3), " red": math.log(0.05)}),
        _step(".", -0.001, {}),
        _step(" Answer", -0.001, {}),
        _step(":", -0.001, {}),
        _step(" black", -0.0001, {}),
    ]
    found = logprob_confidence(logprobs, COLOURS, "C")
    assert found.source == "logprobs"
    assert found.position == 2
    # purple is unseen: it gets the lowest returned log-probability, 0.05
    assert found.unseen_options == ["D"]
    assert found.confidence == pytest.approx(0.6 / (0.6 + 0.3 + 0.05 + 0.05))
    assert found.full_vocabulary == pytest.approx(0.6)
    assert found.option_logprobs["B"] == pytest.approx(math.log(0.3))


def test_spellings_of_one_option_add_up() -> None:
    logprobs = [_step(" Yes", math.log(0.5), {"Yes": math.log(0.2), " No": math.log(0.3)})]
    found = logprob_confidence(logprobs, YES_NO, "Yes")
    assert found.confidence == pytest.approx(0.7)
    assert found.full_vocabulary == pytest.approx(0.7)


def test_an_answer_that_differs_from_the_answer_position_gets_its_own_probability() -> None:
    # observes black (0.9), then repeats a hint's letter B (blue, 0.05 at the answer position)
    logprobs = [
        _step(" black", math.log(0.9), {" blue": math.log(0.05), " red": math.log(0.03)}),
        _step(" Answer", -0.01, {}),
        _step(" B", -0.01, {}),
    ]
    found = logprob_confidence(logprobs, COLOURS, "B")
    assert found.confidence == pytest.approx(0.05 / (0.9 + 0.05 + 0.03 + 0.03))


@pytest.mark.parametrize(
    ("logprobs", "answer", "detail"),
    [
        (None, "C", "no log-probabilities"),
        ([_step(" black", -0.1, {})], None, "names no answer"),
        ([_step(" It", -0.1, {}), _step(" is", -0.1, {})], "C", "no generated token"),
    ],
)
def test_no_confidence_says_why(
    logprobs: list[Logprob] | None, answer: str | None, detail: str
) -> None:
    found = logprob_confidence(logprobs, COLOURS, answer)
    assert found.source == "none" and found.confidence is None
    assert detail in found.detail


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("B\nConfidence: 80", 0.8),
        ("The answer is B. My confidence is 65%.", 0.65),
        ("B (confidence: 0.9)", 0.9),
        ("B\nConfidence level: 100", 1.0),
        ("B\nconfidence = 7/100", 0.07),
    ],
)
def test_stated_confidence(reply: str, value: float) -> None:
    found = verbalised_confidence(reply)
    assert found.source == "verbalised"
    assert found.confidence == pytest.approx(value)


@pytest.mark.parametrize("reply", ["B", "I am confident it is B.", "Confidence: 250"])
def test_missing_or_impossible_stated_confidence_is_none(reply: str) -> None:
    found = verbalised_confidence(reply)
    assert found.source == "none" and found.confidence is None and found.detail
