"""Seeded text perturbations: character typos (R.6's analogue) and word-level restyling in an
unfamiliar register (R.3's analogue)."""

from __future__ import annotations

import re

import pytest

from mmtrust.datasets.trustworld import trustworld_items
from mmtrust.datasets.trustworld.scene import COLOURS, SHAPES
from mmtrust.perturb.typos import character_typos, word_restyle

QUESTIONS = sorted({item.question.text for item in trustworld_items("test", 120)})
"""Every distinct TrustWorld question text of the first 120 test items."""
MIXED = "Is the 2nd red box at (3, 4) left of an ox? Yes, it is: 42 units & so on."
_PIECES = re.compile(r"[A-Za-z]+|[^A-Za-z]+")


def _edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insert, delete, substitute and swap of neighbours
    each cost 1."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_edit_distance_helper() -> None:
    assert _edit_distance("colour", "colour") == 0
    assert _edit_distance("colour", "cloour") == 1  # swap
    assert _edit_distance("colour", "colur") == 1  # drop
    assert _edit_distance("colour", "coloour") == 1  # double
    assert _edit_distance("colour", "cluor") == 2


# ---------------------------------------------------------------- character typos


@pytest.mark.parametrize("text", [*QUESTIONS[:10], MIXED])
def test_typos_are_deterministic_per_seed(text: str) -> None:
    outputs = [character_typos(text, seed) for seed in range(8)]
    assert outputs == [character_typos(text, seed) for seed in range(8)]
    assert len(set(outputs)) > 1  # the seed matters


def _aligned(original: str, typed: str) -> list[tuple[str, str]]:
    """The letter runs and the runs between them of both texts, side by side: an edit keeps
    letters letters, so the two split into as many pieces."""
    before, after = _PIECES.findall(original), _PIECES.findall(typed)
    assert len(before) == len(after), (original, typed)
    return list(zip(before, after, strict=True))


@pytest.mark.parametrize("text", [*QUESTIONS, MIXED])
def test_typos_keep_words_and_misspell_by_one_edit(text: str) -> None:
    for seed in range(20):
        typed = character_typos(text, seed)
        assert len(typed.split()) == len(text.split())
        for before, after in _aligned(text, typed):
            if not before.isalpha() or len(before) < 3:
                # digits, punctuation, spaces and words of one or two letters are never touched
                assert after == before, (text, typed)
            else:
                assert after.isalpha()
                assert _edit_distance(before, after) <= 1, (before, after)
                # an edit never starts at the first letter
                assert after[0] == before[0]


def test_typos_change_at_least_one_word_of_words_without_doubled_letters() -> None:
    text = "What colour is the purple circle?"
    for seed in range(50):
        typed = character_typos(text, seed)
        changed = [a for a, b in _aligned(text, typed) if a != b]
        assert len(changed) >= 1, (seed, typed)


def test_the_rate_sets_how_many_words_change() -> None:
    text = " ".join(["colour", "circle", "purple", "orange", "yellow", "square"] * 10)
    few = sum(a != b for a, b in _aligned(text, character_typos(text, 1, rate=0.1)))
    many = sum(a != b for a, b in _aligned(text, character_typos(text, 1, rate=0.9)))
    assert few < many
    assert many >= 40


def test_text_without_long_words_is_returned_as_is() -> None:
    for text in ("", "A B c", "Is it 42?", "x, y; z."):
        assert character_typos(text, 3) == text


@pytest.mark.parametrize(
    ("text", "seed"),
    [("Is the black cross below the purple cross?", 16), ("all", 2)],
)
def test_typos_always_change_the_text(text: str, seed: int) -> None:
    assert character_typos(text, seed) != text


# ---------------------------------------------------------------- word restyle


def _kept_words(text: str) -> list[str]:
    """The colour, shape and number words of ``text``: what its answer depends on."""
    words = re.findall(r"[A-Za-z]+|\d+", text)
    return [w for w in words if w in COLOURS or w in SHAPES or w.isdigit()]


def test_kept_words_helper() -> None:
    assert _kept_words("What colour is the red triangle?") == ["red", "triangle"]
    assert _kept_words("Are there 3 blue crosses or a cross?") == ["3", "blue", "cross"]


@pytest.mark.parametrize("text", [*QUESTIONS, "What colour is the red triangle?"])
def test_word_restyle_is_deterministic_and_changes_the_text(text: str) -> None:
    outputs = [word_restyle(text, seed) for seed in range(10)]
    assert outputs == [word_restyle(text, seed) for seed in range(10)]
    assert all(out != text for out in outputs)
    assert len(set(outputs)) > 1


@pytest.mark.parametrize("text", [*QUESTIONS, "What colour is the red triangle?"])
def test_word_restyle_keeps_every_colour_shape_and_number_word(text: str) -> None:
    kept = _kept_words(text)
    for seed in range(30):
        restyled = word_restyle(text, seed)
        # the same words, the same number of times, in the same order
        assert _kept_words(restyled) == kept, (text, restyled)


def test_word_restyle_keeps_the_red_triangle() -> None:
    for seed in range(20):
        restyled = word_restyle("What colour is the red triangle?", seed)
        assert re.search(r"\bred\b", restyled)
        assert re.search(r"\btriangle\b", restyled)
        assert restyled != "What colour is the red triangle?"
