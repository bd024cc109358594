"""Reading lists that a generator model writes (rephrasings, paraphrased prompt leads)."""

from __future__ import annotations

import re

_LIST_MARKER = re.compile(r"^\s*(?:\(?\d+\s*[.):]|[-*•])\s*")
"""A list item's lead: "1.", "2)", "(3)", "4:", or a bullet."""


def strip_list_marker(line: str) -> str:
    """``line`` without its numbering or bullet ("1. What colour?" -> "What colour?")."""
    return _LIST_MARKER.sub("", line)
