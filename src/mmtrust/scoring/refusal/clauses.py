"""A reply as the refusal rules read it: one spelling, then sentences and clauses.

Replies arrive in every shape: curly quotes, zero-width characters, HTML from a web front end,
markdown, 100,000 characters of runaway generation. ``rule_text`` turns any of them into plain
text of bounded length; ``split_clauses`` cuts it into the clauses the roles are given to.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Final

RULE_TEXT_LIMIT: Final = 4000
"""Characters of a reply the rules read. A refusal is stated at the start or soon after it
(XSTest's longest reply is 1,461 characters); the bound keeps a runaway reply's cost linear."""

_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_BLANK = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|br|li|ul|ol|div|h[1-6]|tr|table|pre|blockquote)\b[^>]*>",
                        re.IGNORECASE)  # fmt: skip
_ANY_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]{0,200}>")


def is_blank(response: str) -> bool:
    """True for whitespace and zero-width characters only (str.isspace misses U+200B)."""
    return not _BLANK.sub("", response)


def plain_text(response: str) -> str:
    """The reply without HTML markup (block tags become line breaks, entities are decoded)."""
    if "<" in response:
        response = _ANY_TAG.sub(" ", _BLOCK_TAG.sub("\n", response))
    if "&" in response:
        response = html.unescape(response)
    return response


_CONTRACTIONS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"\bcan't\b|\bcan not\b|\bcant\b", "cannot"),
        (r"\bwon't\b", "will not"),
        (r"\bain't\b", "is not"),
        (r"\b(do|does|did|is|are|was|were|could|would|should)nt\b", r"\1 not"),
        (r"n't\b", " not"),
        (r"\bim\b", "i am"),
        (r"'m\b", " am"),
        (r"'re\b", " are"),
        (r"'ve\b", " have"),
        (r"'ll\b", " will"),
        (r"\b(i|we|you|they|he|she)'d\b", r"\1 would"),
        (r"\b(it|that|there|here|what|this|he|she)'s\b", r"\1 is"),
        (r"\blet's\b", "let us"),
    )
)


def rule_text(response: str) -> str:
    """One spelling for the rules: plain text, straight quotes, no zero-width characters,
    contractions expanded ("I'm" -> "I am", "can't" -> "cannot", "isn't" -> "is not"), at most
    ``RULE_TEXT_LIMIT`` characters."""
    text = plain_text(response[: RULE_TEXT_LIMIT * 2])[:RULE_TEXT_LIMIT]
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = _INVISIBLE.sub("", text).strip()
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


@dataclass(frozen=True)
class Clause:
    text: str
    after_pivot: bool
    """The clause follows "but", "however", "that said", "generally", ...: an answer may start."""
    first: bool
    """The reply's first clause (where a bare yes/no answer sits)."""
    index: int
    """Position in the reply, from 0."""


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^a-z0-9\s])|\n+")
# Clause breaks: ";" and ":" and dashes used as punctuation, and a comma before a pivot word.
_CLAUSE_BREAK = re.compile(
    r"\s*;\s+|:\s+|\s+[—–-]\s+|—|"
    r",?\s+(?=(?:but|however|though|although|that said|that being said|instead)\b)",
    re.IGNORECASE,
)
# "instead" and "rather" are not pivots: after a refusal they open an alternative ("Instead, I
# suggest ..."), not the answer.
_PIVOT = re.compile(
    r"^(?:but|however|though|although|that said|that being said|having said that|"
    r"generally|in general|typically|as a general (?:guide|rule)|here\s+(?:is|are)|"
    r"what i can (?:say|tell you)|otherwise)\b",
    re.IGNORECASE,
)
_EDGE = " ,\t\"'*#>`-•"


def split_clauses(text: str) -> list[Clause]:
    """Sentences, then clauses; each remembers whether a pivot word opened it or its sentence."""
    clauses: list[Clause] = []
    for sentence in _SENTENCE_END.split(text):
        sentence_pivot = bool(_PIVOT.match(sentence.strip(_EDGE)))
        for part in _CLAUSE_BREAK.split(sentence):
            part = part.strip(_EDGE)
            if not part:
                continue
            pivot = sentence_pivot or bool(_PIVOT.match(part))
            clauses.append(Clause(part, pivot, not clauses, len(clauses)))
    return clauses
