"""What a refusal judge says of one reply: the verdict type shared by mmtrust's judge (rules and
learned head), its rules alone and MultiTrust's keyword lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

RefusalLabel = Literal["refusal", "compliance", "no_response"]
RefusalMode = Literal["mmtrust", "mmtrust-rules", "multitrust-2025", "multitrust-paper"]
REFUSAL_MODES: Final[tuple[RefusalMode, ...]] = (
    "mmtrust",
    "mmtrust-rules",
    "multitrust-2025",
    "multitrust-paper",
)
"""``mmtrust``: the rules and the learned head (the default); ``mmtrust-rules``: the clause rules
alone (no model, English only); the MultiTrust keyword lists, faithful and over-broad."""


@dataclass(frozen=True)
class RefusalVerdict:
    """Refusal, compliance, or no response to classify, with the evidence behind it."""

    label: RefusalLabel
    cue: str
    """The text (or keyword) that decided the label; empty when nothing did."""
    kind: str
    """How the reply refused or complied: "full refusal", "deflection", "moralising",
    "caveat then answer", "perception failure", "plain answer", "keyword match", "empty", ..."""
    mode: RefusalMode = "mmtrust"
    probability: float | None = None
    """The learned head's probability that the reply refuses, when the head decided."""

    @property
    def is_refusal(self) -> bool:
        return self.label == "refusal"

    @property
    def classified(self) -> bool:
        """False for "no_response": such items belong in no refusal-rate denominator."""
        return self.label != "no_response"
