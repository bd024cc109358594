"""What a fine-tuning run on misleading data depends on (``finetune``), importable without
torch so that the command line can show the defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class DataMix:
    """How the training set is drawn."""

    misleading_share: float = 0.7
    """Share of examples that carry a hint (the rest are clean)."""
    explicit_share: float = 0.5
    """Share of hinted examples whose hint is the explicit line (the rest: an implicit note)."""
    wrong_hint_share: float = 0.5
    """Share of hints that name a wrong answer. At 0.5 a hint tells the model nothing about
    the answer on a two-option question, which is what it must learn to act on."""

    def __post_init__(self) -> None:
        for name in ("misleading_share", "explicit_share", "wrong_hint_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], not {value}.")


@dataclass(frozen=True)
class FinetuneSettings:
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.0
    learning_rate: float = 1e-3
    steps: int = 400
    batch_size: int = 16
    warmup_fraction: float = 0.05
    seed: int = 0
    train_items: int = 2000
    """Distinct training items (MUB's paper used ~2,000 samples); the steps cycle over them,
    each time in a freshly drawn form."""
    mix: DataMix = field(default_factory=DataMix)
    train_vision: bool = False
    """LoRA on the vision tower's projections too (off: the tower stays as pretrained)."""
    eval_items: int | None = 600
    """Held-out TrustWorld ``test`` items measured before and after (None: the whole split)."""
    device: str = "cpu"
    torch_threads: int | None = None

    def __post_init__(self) -> None:
        for name in ("rank", "alpha", "steps", "batch_size", "train_items"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}.")
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive, not {self.learning_rate}.")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
