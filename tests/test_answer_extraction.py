"""Answer extraction: anchored forms only; everything else recorded as unparseable."""

from __future__ import annotations

import pytest

from mmtrust.datasets.schema import ItemMetadata
from mmtrust.scoring.answer import (
    answer_outcome,
    extract_answer,
    extract_option,
    extract_stage_answer,
    extract_yes_no,
    stage_outcome,
)

OPTIONS = {"A": "red", "B": "dark red", "C": "blue", "D": "2"}


@pytest.mark.parametrize(
    ("reply", "answer", "method"),
    [
        ("A", "A", "lone_letter"),
        ("**B**", "B", "lone_letter"),
        ("(C)", "C", "lone_letter"),
        ("D.", "D", "lone_letter"),
        ("The answer is B.", "B", "answer_phrase"),
        ("Answer: (D)", "D", "answer_phrase"),
        ("The correct option is C", "C", "answer_phrase"),
        ("B) dark red", "B", "leading_letter"),
        ("C. blue", "C", "leading_letter"),
        ("I think it is blue", "C", "option_text"),
        ("dark red", "B", "option_text"),
    ],
)
def test_anchored_forms(reply: str, answer: str, method: str) -> None:
    extracted = extract_option(reply, OPTIONS)
    assert (extracted.answer, extracted.method) == (answer, method)


@pytest.mark.parametrize(
    "reply",
    [
        "A cat sits on the mat",  # the reference's first-capital-letter pitfall
        "I am not sure",
        "red or blue",  # two options named
        "",
        "The answer is a purple circle",  # lower-case article, not option A
    ],
)
def test_unparseable_replies_are_not_guessed(reply: str) -> None:
    extracted = extract_option(reply, OPTIONS)
    assert extracted.answer is None
    assert extracted.method == "unparseable"
    assert extracted.detail


def test_unknown_option_letter_is_its_own_outcome() -> None:
    extracted = extract_option("E", OPTIONS)
    assert extracted.answer is None and extracted.method == "unknown_option"
    assert "'E'" in extracted.detail


@pytest.mark.parametrize(
    ("reply", "answer"),
    [("Yes", "Yes"), ("No.", "No"), ("yes, there is one", "Yes"), ("I would say no", "No")],
)
def test_yes_no(reply: str, answer: str) -> None:
    assert extract_yes_no(reply).answer == answer


@pytest.mark.parametrize("reply", ["maybe", "", "It is not clear whether yes or no"])
def test_yes_no_unparseable(reply: str) -> None:
    assert extract_yes_no(reply).answer is None


def _mc_item() -> ItemMetadata:
    return ItemMetadata(
        source="test", item_id="x", question="?", question_type="mc", answer="C", options=OPTIONS
    )


@pytest.mark.parametrize(
    ("reply", "outcome", "method"),
    [
        ("C", "correct", "lone_letter"),
        ("B", "wrong", "lone_letter"),
        ("E", "wrong", "unknown_option"),  # answered, with a letter that is no option
        ("The answer is F.", "wrong", "unknown_option"),
        ("G) something else", "wrong", "unknown_option"),
        ("A cat sits on the mat", "unparseable", "unparseable"),
        ("I am not sure", "unparseable", "unparseable"),
    ],
)
def test_stage_outcome_counts_an_unknown_option_as_wrong(
    reply: str, outcome: str, method: str
) -> None:
    item = _mc_item()
    extracted = extract_stage_answer(reply, item)
    assert (stage_outcome(extracted, item), extracted.method) == (outcome, method)
    assert extracted.answer == extract_answer(reply, item).answer


def test_extract_answer_and_answer_outcome_are_unchanged_for_their_callers() -> None:
    item = _mc_item()
    assert extract_answer("The answer is F.", item).method == "unparseable"
    assert answer_outcome(extract_answer("E", item).answer, item) == "unparseable"
