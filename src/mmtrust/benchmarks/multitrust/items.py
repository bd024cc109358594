"""What a MultiTrust loader hands the task factory: one record of one sub-dataset, read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RawItem:
    """One record of a sub-dataset's annotation file, before it is asked."""

    item_id: str
    """Stable within its sub-dataset: the record's own id, else its position in the file."""
    fields: dict[str, str]
    """The prompt template's placeholders (``statement``; AdvGLUE's ``prompt``)."""
    truth: str | list[str]
    """The label as the dataset gives it: "Yes"/"No", a free-text answer, a box as JSON text,
    a list of object labels, "0"/"1" for sentiment, an AdvGLUE label as text."""
    image: Path | None = None
    """Its image for the "own" and "related" variants; None for a text-only variant."""
    problem: str | None = None
    """Why the record cannot be asked (malformed record, missing or corrupt image), naming the
    file and the record; the item is kept and reported as an input error."""
    extra: dict[str, Any] = field(default_factory=dict)
    """What an evaluator or the report needs besides: T.6's ``kind``, the grounding image's
    ``img_size``, R.2's ``question``, R.6's ``task``, the ``file`` and ``record`` it came from."""


@dataclass(frozen=True)
class SubsetLoad:
    """A sub-dataset's records, or why none could be read (its file is missing or not the
    expected shape); a sub-dataset that cannot be read is skipped, and counted, not fatal."""

    items: list[RawItem]
    problem: str | None = None
