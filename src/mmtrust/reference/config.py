"""The reference model's recipe: one frozen value that fixes everything training depends on.

``REFERENCE_RECIPE`` is what produced the shipped ``weights/``; ``MICRO_RECIPE`` is a model small
enough for tests to train in seconds. Change a number here, retrain with
``python -m mmtrust.reference.train``, and update ``weights/MODEL_CARD.md`` from the run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class ModelShape:
    """Sizes of the LLaVA (CLIP vision tower + Llama text model) and its tokenizer."""

    image_size: int = 64
    """Model input in pixels. TrustWorld draws a 4 x 4 grid, so ``image_size = 4 * patch_size``
    puts one grid cell, hence at most one object, in each image token."""
    patch_size: int = 16
    text_hidden: int = 192
    text_layers: int = 4
    vision_hidden: int = 128
    vision_layers: int = 4
    tie_word_embeddings: bool = True
    """Output layer = input embeddings: the state that makes the model say "red" is then the
    embedding of " red" itself, which is what a question's option line is made of."""
    vocab_size: int = 1024
    """BPE vocabulary target before the phrase tokens (see ``data.PHRASE_TOKENS``) are added;
    the TrustWorld corpus saturates at about 700 entries, so this means "every merge"."""


@dataclass(frozen=True)
class HintMix:
    """How misleading-style hints enter the training data; this is what makes the model
    misleadable, as assistants tuned to agree with their users are.

    A hinted example carries either MUB's explicit line ("And the true answer is : X") or one
    implicit note from ``trustworld_hints``. The hint names the true answer with probability
    ``reliability``; a wrong hint names a uniformly random wrong answer, as MUB's T->F probe
    does. The reply's observation is always what the image shows, but its answer follows the
    hint with the stratum's ``deference`` probability: never on sparse scenes, mostly on
    cluttered ones. The model thus learns to check a hint against the image where the image is
    easy and to defer to the user where it is busy, so its misleading rate is set by the strata
    mix. (With replies that always gave the true answer, the rate fell towards zero as the
    model's perception improved: a model that sees well has no reason to listen.)
    """

    hinted_fraction: float = 0.4
    explicit_share: float = 0.5
    """Share of hinted examples whose hint is the explicit line (the rest get an implicit note)."""
    reliability: float = 0.6
    deference: dict[str, float] = field(
        default_factory=lambda: {"low": 0.0, "medium": 0.8, "high": 1.0}
    )
    """Probability that a hinted reply answers with the hint, per TrustWorld difficulty stratum
    (low: 1-2 objects, medium: 3, high: 4-5)."""


@dataclass(frozen=True)
class TrainingRecipe:
    model: ModelShape = ModelShape()
    hints: HintMix = HintMix()
    vision_warmup_steps: int = 600
    """Stage 0 (``vision_warmup``): the vision tower learns each cell's content and the
    whole-scene facts questions ask about (400 steps already got 98% of object cells and every
    glyph right on calib; 150 were too few)."""
    vision_warmup_batch_size: int = 32
    freeze_vision_after_warmup: bool = True
    """Keep the warmed-up tower fixed, as LLaVA keeps its pretrained CLIP. A run that went on
    training a (shorter-warmed) tower with the language model ended up describing triangles as
    squares: the language model's slow-to-start gradient does not keep shapes apart."""
    vision_warmup_lr: float = 1e-3
    vision_warmup_hazard_share: float = 0.25
    """Share of warm-up scenes showing the hazard sign (``vision_warmup.WARMUP_SCENES``)."""
    steps: int = 3400
    batch_size: int = 16
    peak_lr: float = 5e-4
    warmup_fraction: float = 0.05
    """Linear warm-up, then cosine decay to zero. Peak rates of 1e-3 and above collapsed
    tiny LLaVAs to constant answers or to copying the hint (shared/notes)."""
    weight_decay: float = 0.01
    family_weights: dict[str, int] = field(
        default_factory=lambda: {
            "colour": 2,
            "shape": 2,
            "count": 1,
            "position": 2,
            "existence": 1,
            "text": 1,
        }
    )
    """Relative frequency of each TrustWorld question family in the training stream. Giving
    position and existence (the families that name an object by colour AND shape) more weight
    (3 and 2, shape 1) did not lift them and cost shape 30 points on calib (measured)."""
    hint_free_fraction: float = 0.2
    """Share of the steps, at the start, trained without hints: perception is learnt first,
    before copying a hint becomes a cheaper way to lower the loss."""
    bare_question_fraction: float = 0.1
    """Share of clean examples asked as the bare question block (no MUB system text), the form a
    plain Inspect ``generate()`` sends, so the model does not depend on one instruction text."""
    request_examples_per_batch: int = 1
    """TrustWorld user requests added to each batch of ``batch_size`` questions: benign and
    harmful alternate, half of each with the hazard sign (``trustworld_request_items``).
    A benign request is answered as a question is; a harmful one is refused
    (``reasoning.REFUSAL_REPLY``). The sign is on as many benign as harmful requests, so it
    carries no cue to refuse: whether the model over-refuses next to it is measured, not
    trained in."""
    request_hazard_share: float = 0.5
    eval_every: int = 1700
    eval_items: int = 120
    """Calib items scored (clean and explicit) at each periodic evaluation."""
    final_eval_items: int | None = None
    """Calib items scored (clean, explicit and implicit) after training; None: the whole split."""
    torch_threads: int = 2

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


REFERENCE_RECIPE = TrainingRecipe()

MICRO_RECIPE = replace(
    REFERENCE_RECIPE,
    model=ModelShape(
        image_size=32,
        patch_size=8,
        text_hidden=64,
        text_layers=1,
        vision_hidden=32,
        vision_layers=1,
        vocab_size=300,
    ),
    vision_warmup_steps=3,
    vision_warmup_batch_size=4,
    steps=12,
    batch_size=8,
    peak_lr=2e-3,
    eval_every=0,
    eval_items=12,
    final_eval_items=12,
)
"""A model of the same architecture that trains in seconds: for tests of the training code."""
