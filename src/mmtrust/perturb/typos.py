"""Seeded text perturbations that keep a question's meaning for a human reader: character-level
typos (adversarial-text style, MultiTrust R.6's analogue) and word-level rewording in an
unfamiliar register (out-of-distribution style, R.3's analogue). Pure functions of
``(text, seed)``."""

from __future__ import annotations

import random
import re

_WORD = re.compile(r"[A-Za-z]{3,}")


def character_typos(text: str, seed: int = 0, rate: float = 0.3) -> str:
    """``text`` with about ``rate`` of its words of three or more letters misspelt: two
    neighbouring letters swapped, one dropped, or one doubled; at least one word changes."""
    rng = random.Random(seed)
    words = list(_WORD.finditer(text))
    if not words:
        return text
    chosen = {m.start() for m in words if rng.random() < rate}
    if not chosen:
        chosen = {rng.choice(words).start()}
    pieces: list[str] = []
    last = 0
    for match in words:
        pieces.append(text[last : match.start()])
        word = match.group()
        pieces.append(_misspell(word, rng) if match.start() in chosen else word)
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _misspell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    edit = rng.choice(("swap", "drop", "double"))
    if edit == "swap" and word[i] == word[i + 1]:
        edit = "drop"  # swapping the two l's of "all" would change nothing
    if edit == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if edit == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


_SYNONYMS = {
    "image": ("picture", "pic", "illustration"),
    "How many": ("What number of", "How many total"),
    "What": ("Which",),
    "Is there": ("Can one see", "Does one find"),
    "written": ("inscribed", "printed"),
    "shapes": ("figures", "forms"),
}
_REGISTERS = (
    "Pray tell, {q}",
    "yo quick one: {q}",
    "{q} Prithee answer true.",
    "Hark! {q}",
    "ok so like, {q}",
)


def word_restyle(text: str, seed: int = 0) -> str:
    """``text`` reworded in an unfamiliar register: stock phrases swapped for synonyms and the
    whole framed by an archaic or chatty opener (the DecodingTrust OOD styles' spirit)."""
    rng = random.Random(seed)
    reworded = text
    for phrase, options in _SYNONYMS.items():
        if phrase in reworded and rng.random() < 0.7:
            reworded = reworded.replace(phrase, rng.choice(options), 1)
    return rng.choice(_REGISTERS).format(q=reworded)
