"""MM-R3 answers prepared for scoring, and scored against their ground truths (spec: mmr3.md).

``normalise_answer`` prepares a free-form answer as the spec's metric scripts do (with two
deliberate fixes, see there); ``substring_accuracy`` and ``soft_accuracy`` are MM-R3's Acc and
soft Acc; ``normalise_closed_form`` writes a letter, yes/no or number canonically, for the
exact-match consistency of ``metrics.consistency``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Literal, get_args

MMR3Task = Literal["rephrasing", "restyling", "masking"]
MMR3_TASKS: tuple[MMR3Task, ...] = get_args(MMR3Task)

SOFT_ACCURACY_THRESHOLD = 85.0

END_OF_SEQUENCE = "</s>"

# The masking task's deletions, in the order the follow-up's metric script
# (ShihHanChou/testtime_const_VLM, metrics_masking_*.py; spec mmr3.md "Metrics") applies them.
# Order matters: "in the masked region" must go before "the masked region", "there is " before
# "is ".
MASKING_DELETIONS: tuple[str, ...] = (
    ",",
    ".",
    "in the masked region",
    "the masked region",
    "there is ",
    "is ",
    "contains ",
    "the ",
    "in ",
    "of ",
    "image",
)
# Then " a " and " an " become " " (a leading "a " is kept, as in the script).
MASKING_ARTICLES: tuple[str, ...] = (" a ", " an ")


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A deletion that only matches at word edges.

    The script deletes with plain ``str.replace``, which also cuts inside words: "tennis racket"
    (a COCO category) becomes "tenn racket", "cabin " becomes "cab", and a correct answer then
    fails the substring test. Anchoring every alphanumeric end of a phrase at a word boundary
    removes the same standalone words and phrases without mangling others.
    """
    start = r"\b" if phrase[0].isalnum() else ""
    end = r"\b" if phrase[-1].isalnum() else ""
    return re.compile(start + re.escape(phrase) + end)


_MASKING_PATTERNS = tuple(_phrase_pattern(phrase) for phrase in MASKING_DELETIONS)


def check_task(task: str) -> MMR3Task:
    """``task`` as an MM-R3 task name, or a ValueError listing the valid ones."""
    for known in MMR3_TASKS:
        if task == known:
            return known
    raise ValueError(f"Unknown MM-R3 task {task!r}; expected one of {', '.join(MMR3_TASKS)}.")


def _normalise_generic(text: str) -> str:
    """Lower-case, drop the end-of-sequence marker some decoders leave, trim whitespace."""
    return text.lower().replace(END_OF_SEQUENCE, "").strip()


def normalise_answer(text: str, task: str) -> str:
    """An answer prepared for scoring, as the spec's metric scripts prepare it.

    Every task: lower-case and delete ``</s>``. Masking task only: then delete, in this order,
    ``,`` ``.`` "in the masked region" "the masked region" "there is " "is " "contains " "the "
    "in " "of " "image" (see ``MASKING_DELETIONS``) and replace " a " / " an " by " " — the
    list in spec mmr3.md, read from metrics_masking_*.py of ShihHanChou/testtime_const_VLM. It
    strips the filler a model wraps around a one-word object name ("There is a dog in the
    masked region." -> "a dog").

    Two deliberate departures from the script: the word deletions only match whole words (see
    ``_phrase_pattern``: the script turns "tennis racket" into "tenn racket"), and runs of
    whitespace are collapsed and trimmed (the script only drops one leading space). Neither
    changes a substring match against a single-spaced GT except to fix such a false miss.
    """
    checked = check_task(task)
    normalised = _normalise_generic(text)
    if checked != "masking":
        return normalised
    for pattern in _MASKING_PATTERNS:
        normalised = pattern.sub("", normalised)
    for article in MASKING_ARTICLES:
        normalised = normalised.replace(article, " ")
    return " ".join(normalised.split())


def check_ground_truths(ground_truths: Sequence[str]) -> list[str]:
    """GTs lower-cased; an empty list or a blank GT (a substring of everything) is an error."""
    if isinstance(ground_truths, str):
        raise ValueError("ground_truths must be a sequence of strings, not one string.")
    if not ground_truths:
        raise ValueError("An item needs at least one ground-truth answer.")
    checked = []
    for gt in ground_truths:
        if not isinstance(gt, str) or not gt.strip():
            raise ValueError(f"Ground truths must be non-blank strings, got {gt!r}.")
        checked.append(_normalise_generic(gt))
    return checked


def substring_accuracy(answer: str, ground_truths: Sequence[str]) -> bool:
    """Acc: some ground truth occurs in the answer (case-insensitively).

    A substring test, as in the spec: "a wooden kitchen" is right for GT "kitchen". Pass the
    answer through ``normalise_answer`` first.
    """
    lowered = answer.lower()
    return any(gt in lowered for gt in check_ground_truths(ground_truths))


def soft_accuracy(
    answer: str, ground_truths: Sequence[str], threshold: float = SOFT_ACCURACY_THRESHOLD
) -> bool:
    """Soft Acc: the best rapidfuzz ``token_set_ratio`` (0-100) between a GT and the answer
    reaches ``threshold``; tolerates spelling and plural slips ("aquari" for "aquarium").

    Strings go through ``rapidfuzz.utils.default_process`` (lower-case, punctuation to spaces,
    trim) because the source scripts used fuzzywuzzy, whose ``token_set_ratio`` does that by
    default, while rapidfuzz 3 does not: without it "kitchen." scores 80 against "kitchen".
    The score is compared unrounded (fuzzywuzzy rounded it to an integer first).
    """
    # Imported here so that the base install (without the ``local`` extra) can import the
    # other metrics.
    from rapidfuzz import fuzz, utils

    best = max(
        fuzz.token_set_ratio(gt, answer, processor=utils.default_process)
        for gt in check_ground_truths(ground_truths)
    )
    return bool(best >= threshold)


_CLOSED_FORM_EDGES = " \t\r\n.,;:!?\"'`()[]{}"
_NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|[-+]?\.\d+")


def normalise_closed_form(text: str) -> str:
    """A closed-form answer (letter, yes/no, number) in canonical form for exact matching.

    Lower-case, drop ``</s>``, strip surrounding punctuation and brackets ("(B)." -> "b",
    "Yes." -> "yes"), collapse whitespace, and write numbers canonically ("1,000" and "1000.0"
    -> "1000", "3.50" -> "3.5") so that formatting differences are not inconsistencies.
    """
    stripped = " ".join(_normalise_generic(text).strip(_CLOSED_FORM_EDGES).split())
    if _NUMBER.fullmatch(stripped):
        try:
            number = Decimal(stripped.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only admits decimals
            return stripped
        canonical = format(number.normalize(), "f")
        return "0" if canonical in ("-0", "+0") else canonical
    return stripped
