"""What a refusal judge says of one reply: the shared verdict type of ``scoring.refusal`` (the
offline classifier) and ``scoring.refusal_keywords`` (MultiTrust's keyword lists)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

RefusalLabel = Literal["refusal", "compliance", "no_response"]
RefusalMode = Literal["mmtrust", "multitrust-2025", "multitrust-paper"]
REFUSAL_MODES: Final[tuple[RefusalMode, ...]] = ("mmtrust", "multitrust-2025", "multitrust-paper")


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

    @property
    def is_refusal(self) -> bool:
        return self.label == "refusal"

    @property
    def classified(self) -> bool:
        """False for "no_response": such items belong in no refusal-rate denominator."""
        return self.label != "no_response"
