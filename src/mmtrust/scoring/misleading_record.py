"""The record the MUB pipeline keeps per item: the contract between solver and scorers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from mmtrust.metrics.misleading import StageOutcome

MisleadingMode = Literal["explicit", "implicit"]


class StageReply(BaseModel):
    """One request of the pipeline and what came of it."""

    prompt: str
    target: str | None = None
    """The answer stage 2 steered towards (None for the clean stage)."""
    note: str | None = None
    reply: str | None = None
    answer: str | None = None
    extraction: str = ""
    outcome: StageOutcome = "skipped"
    error: str | None = None


class MisleadingRecord(BaseModel):
    """Everything the pipeline did for one item; scorers read only this."""

    input_error: str | None = None
    clean: StageReply | None = None
    explicit: StageReply | None = None
    implicit: list[StageReply] = Field(default_factory=list)
    note_source: str | None = None
    note_error: str | None = None
