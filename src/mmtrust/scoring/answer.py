"""Answer extraction for multiple-choice and yes/no replies.

Better than the reference's ``extract_option`` (spec: mub.md), which takes the first capital
letter anywhere, so that "A cat sits on the mat" reads as option A. Here only anchored forms
count: a lone letter, "answer is X", "(X)" / "X." / "X)" at the start, or exactly one option's
text. Anything else is *unparseable* and recorded as such, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from mmtrust.datasets.schema import ItemMetadata

ExtractionMethod = Literal[
    "lone_letter",
    "answer_phrase",
    "leading_letter",
    "option_text",
    "yes_no",
    "unknown_option",
    "unparseable",
]


@dataclass(frozen=True)
class ExtractedAnswer:
    """The answer found in a reply (an option letter, or "Yes"/"No"), or None, and how."""

    answer: str | None
    method: ExtractionMethod
    detail: str = ""

    @property
    def parsed(self) -> bool:
        return self.answer is not None


DECORATION = " \t\n\r*_`\"'“”‘’.,;:!?()[]{}<>"
"""Characters around an answer that say nothing about it (markdown, quotes, punctuation)."""
_ANSWER_PHRASE = re.compile(
    r"\b(?:answer|option|choice)\s*(?:is|would be|should be|:|=)?\s*[:\-]?\s*"
    r"[\(\[\"'*]*([A-Z])\b(?![\'’]\w)",
    re.IGNORECASE,
)
_LEADING_LETTER = re.compile(r"^[\s*_`\"'(\[]*([A-Z])\s*(?:[.):\]]|\s-\s)")
_YES_NO_WORD = re.compile(r"\b(yes|no)\b", re.IGNORECASE)


def extract_answer(reply: str, item: ItemMetadata) -> ExtractedAnswer:
    """The answer ``reply`` gives to ``item``, by the item's question type."""
    if item.question_type == "yn":
        return extract_yes_no(reply)
    return extract_option(reply, item.options)


def extract_option(reply: str, options: dict[str, str]) -> ExtractedAnswer:
    """The option letter of a multiple-choice reply; letters must be among ``options``."""
    letters = set(options)
    text = reply.strip()
    if not text:
        return ExtractedAnswer(None, "unparseable", "empty reply")

    bare = text.strip(DECORATION)
    if len(bare) == 1 and bare.isalpha() and bare.isupper():
        if bare in letters:
            return ExtractedAnswer(bare, "lone_letter")
        return ExtractedAnswer(
            None, "unknown_option", f"letter {bare!r} is not an option ({sorted(letters)})"
        )

    phrase = _ANSWER_PHRASE.search(text)
    if phrase and phrase.group(1).upper() in letters and phrase.group(1).isupper():
        return ExtractedAnswer(phrase.group(1), "answer_phrase")

    leading = _LEADING_LETTER.match(text)
    if leading and leading.group(1) in letters:
        return ExtractedAnswer(leading.group(1), "leading_letter")

    matched = _options_named(text, options)
    if len(matched) == 1:
        return ExtractedAnswer(matched[0], "option_text")
    if len(matched) > 1:
        return ExtractedAnswer(None, "unparseable", f"names several options: {matched}")
    return ExtractedAnswer(None, "unparseable", "names no option")


def _options_named(text: str, options: dict[str, str]) -> list[str]:
    """Letters whose option text the reply contains as whole words; an option whose text
    lies inside a longer matched option's text ("red" in "dark red") does not count."""
    lowered = text.lower()
    found = {
        letter: value.strip().lower()
        for letter, value in options.items()
        if value.strip() and re.search(rf"(?<!\w){re.escape(value.strip().lower())}(?!\w)", lowered)
    }
    return sorted(
        letter
        for letter, value in found.items()
        if not any(value != other and value in other for other in found.values())
    )


def extract_yes_no(reply: str) -> ExtractedAnswer:
    """ "Yes" or "No" when the reply starts with one, or names exactly one of them."""
    text = reply.strip()
    if not text:
        return ExtractedAnswer(None, "unparseable", "empty reply")
    first = re.match(r"^[\s*_`\"'(\[]*(yes|no)\b", text, re.IGNORECASE)
    if first:
        return ExtractedAnswer(first.group(1).capitalize(), "yes_no")
    words = {match.lower() for match in _YES_NO_WORD.findall(text)}
    if len(words) == 1:
        return ExtractedAnswer(words.pop().capitalize(), "yes_no")
    detail = "says both yes and no" if words else "says neither yes nor no"
    return ExtractedAnswer(None, "unparseable", detail)


AnswerOutcome = Literal["correct", "wrong", "unparseable"]


def answer_outcome(answer: str | None, item: ItemMetadata) -> AnswerOutcome:
    """An extracted answer against the item's gold; no answer read is its own outcome, never
    a wrong answer."""
    if answer is None:
        return "unparseable"
    return "correct" if answer == item.answer else "wrong"


def extract_stage_answer(reply: str, item: ItemMetadata) -> ExtractedAnswer:
    """``extract_answer``, and where that reads no option, whether the reply still names a
    letter that is not an option in an anchored form ("The answer is E" to four options):
    method ``unknown_option``. ``extract_answer`` reports that only for a lone letter (its
    other callers rely on it as it is); MUB scores such a reply as a wrong answer."""
    extracted = extract_answer(reply, item)
    if extracted.parsed or extracted.method == "unknown_option" or item.question_type != "mc":
        return extracted
    letter = _anchored_letter(reply.strip())
    if letter is None or letter in item.options:
        return extracted
    return ExtractedAnswer(
        None, "unknown_option", f"letter {letter!r} is not an option ({sorted(item.options)})"
    )


def _anchored_letter(text: str) -> str | None:
    """The capital letter an anchored form names ("answer is X", "X." at the start), if any."""
    phrase = _ANSWER_PHRASE.search(text)
    if phrase and phrase.group(1).isupper():
        return phrase.group(1)
    leading = _LEADING_LETTER.match(text)
    return leading.group(1) if leading else None


def stage_outcome(extracted: ExtractedAnswer, item: ItemMetadata) -> AnswerOutcome:
    """An extracted answer against the item's gold, where naming a letter that is not an
    option is a wrong answer (the model answered, and not with the truth); only a reply that
    names no answer at all is unparseable."""
    if extracted.method == "unknown_option":
        return "wrong"
    return answer_outcome(extracted.answer, item)
