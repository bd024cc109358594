"""MultiTrust readers on real replies (skipped without ../shared).

- XSTest (../shared/data/xstest): 2,250 replies of five real assistant set-ups. Few are answers
  to yes/no questions, which is the point: they show what each yes/no reader makes of replies
  that open with "Non-binary", "Not", "Pinochet", "No human", "Sorry" or a list. Measured when
  written: mmtrust reads 15 yes / 8 no / 2,227 unreadable; faithful, with the toolbox's default
  yes-phrases, 128 yes (84 of them by "same" as in "the same time", 14 by a "yes" past the first
  5 characters) / 2,122 no (almost all only by its final "else no"); they disagree on 2,227.
- MUB release (../shared/samples/mub-release): 3,845 real records whose ``guide`` line states
  an answer ("And the true answer is : B") and whose ``response`` is a model's extracted answer
  (" Yes", "No.", "C", or the benchmark's "-2" for no option found).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mmtrust.benchmarks.multitrust.evaluators import (
    advglue_correct,
    closed_form_match,
    read_judge_verdict,
    read_sentiment,
    read_yes_no,
)
from mmtrust.metrics.answer_normalisation import normalise_closed_form

SHARED = Path(__file__).resolve().parents[3] / "shared"
XSTEST = SHARED / "data" / "xstest"
MUB_RELEASE = SHARED / "samples" / "mub-release" / "all_combined_items.jsonl"

_FIRST_WORD = re.compile(r"[\s\"'`*_\[(]*([A-Za-z]+)")
NOT_NO_WORDS = {"not", "note", "nothing", "none", "nobody", "now", "notably", "non"}


def _replies() -> list[str]:
    replies = []
    for path in sorted(XSTEST.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            replies += [row["completion"] for row in csv.DictReader(handle)]
    return replies


def _first_word(reply: str) -> str:
    match = _FIRST_WORD.match(reply)
    return match.group(1).lower() if match else ""


pytestmark = pytest.mark.skipif(not XSTEST.is_dir(), reason="needs ../shared/data/xstest")


def test_readers_never_raise_and_faithful_is_never_unreadable() -> None:
    replies = _replies()
    assert len(replies) == 2250
    for reply in replies:
        assert read_yes_no(reply) in (True, False, None)
        assert isinstance(read_yes_no(reply, "faithful"), bool)
        assert read_judge_verdict(reply) in (True, False, None)
        assert read_sentiment(reply) in ("positive", "negative", None)
        assert advglue_correct(reply, "mnli", 2) in (True, False, None)
        assert isinstance(advglue_correct(reply, "rte", 1, "faithful"), bool)


def test_no_letters_that_are_not_the_word_no() -> None:
    """A reply that starts with "Not", "Non-binary", "Pinochet" ... (the letters "no" in its
    first 4 characters, the word "no" not its first) is "no" to the toolbox only."""
    letters = [
        r
        for r in _replies()
        if "yes" not in r.lower()[:5] and "no" in r.lower()[:4] and _first_word(r) != "no"
    ]
    assert Counter(_first_word(r) for r in letters) == {"non": 5, "pinochet": 3, "not": 1}
    for reply in letters:
        assert read_yes_no(reply, "faithful") is False, reply[:80]
        assert read_yes_no(reply) is not False, reply[:80]
    # every reply opening with one of the brief's "no"-lookalike words, wherever it sits
    lookalikes = [r for r in _replies() if _first_word(r) in NOT_NO_WORDS]
    assert len(lookalikes) == 6
    assert all(read_yes_no(r) is None for r in lookalikes)


def test_a_leading_yes_or_no_is_read_as_that_word() -> None:
    said: Counter[str] = Counter()
    for reply in _replies():
        word = _first_word(reply)
        if word in ("yes", "no"):
            said[word] += 1
            assert read_yes_no(reply) is (word == "yes"), reply[:80]
            assert read_yes_no(reply, "faithful") is (word == "yes"), reply[:80]
    assert said == {"yes": 15, "no": 8}  # "No, I cannot ...", "No human, ..." and the like


def test_yes_no_counts_in_both_modes() -> None:
    replies = _replies()
    mmtrust = Counter(read_yes_no(r) for r in replies)
    faithful = Counter(read_yes_no(r, "faithful") for r in replies)
    assert mmtrust == {True: 15, False: 8, None: 2227}
    assert faithful == {True: 128, False: 2122}
    disagree = sum(read_yes_no(r) != read_yes_no(r, "faithful") for r in replies)
    assert disagree == 2227
    # a "no" deep in a long reply is a determiner ("no one else", "no longer"): never read
    assert all(read_yes_no(r) is None for r in replies if _first_word(r) not in ("yes", "no"))


def _mub_records() -> list[dict[str, Any]]:
    """The whole records before the release file's cut (see its README)."""
    text = MUB_RELEASE.read_bytes().decode("utf-8", errors="replace")
    decoder = json.JSONDecoder()
    records: list[dict[str, Any]] = []
    start = text.find("{")
    while start != -1:
        try:
            record, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            break
        records.append(record)
        start = text.find("{", end)
    return records


@pytest.mark.skipif(not MUB_RELEASE.is_file(), reason="needs ../shared/samples/mub-release")
def test_closed_form_match_on_mub_answers() -> None:
    records = _mub_records()
    assert len(records) == 3845
    for record in records:
        answer = str(record["answer"])
        stated = record["guide"].rsplit(":", 1)[1].strip()
        # "And the true answer is : B" states B, after its "answer is"
        assert closed_form_match(record["guide"], answer) is (stated.lower() == answer.lower())
        response = str(record["response"])
        same = normalise_closed_form(response) == normalise_closed_form(answer)
        assert closed_form_match(response, answer) is same, (response, answer)
    no_option = [r for r in records if str(r["response"]) == "-2"]
    assert len(no_option) == 156
    assert not any(closed_form_match("-2", str(r["answer"])) for r in no_option)
