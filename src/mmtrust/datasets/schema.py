"""The metadata schema every mmtrust sample carries, whatever its source.

Loaders (TrustWorld, MUB, ...) produce Inspect ``Sample``s whose ``metadata`` validates as
``ItemMetadata``; solvers and scorers read it with ``sample.metadata_as(ItemMetadata)`` /
``state.metadata_as(ItemMetadata)``. One schema means one answer extractor, one prompt builder
and one set of metrics for every benchmark.
"""

from __future__ import annotations

from typing import Any, Literal

from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageUser, Content, ContentImage, ContentText
from pydantic import BaseModel, Field

QuestionType = Literal["mc", "yn", "open"]
"""Multiple choice, yes/no, or an open answer judged against a reference (MultiTrust)."""


class ItemMetadata(BaseModel, frozen=True):
    """What a benchmark item is, independent of how it is prompted."""

    source: str
    """Dataset the item comes from: "trustworld", or the original benchmark (MME, SEED, ...)."""
    item_id: str
    question: str
    """The bare question (no options, no instructions)."""
    question_type: QuestionType
    answer: str
    """Option letter for multiple choice; "Yes" or "No" for yes/no; the reference answer of an
    open question."""
    options: dict[str, str] = Field(default_factory=dict)
    """Option letter -> option text, in letter order (empty for yes/no, and for items whose
    options are written inside the question)."""
    options_in_question: bool = False
    """The options are written inside ``question`` (MUB's ConBench_CH items); prompts must not
    repeat them, and ``options`` is parsed from the question for answer extraction."""
    category: str = ""
    """Question family / category (TrustWorld family, MUB ``all_category``)."""
    difficulty: str | None = None
    """Difficulty stratum (MUB: low / medium / high from ``num``)."""
    image: str | None = None
    """Where the image came from (a file path, or a TrustWorld scene id)."""
    input_error: str | None = None
    """Why this item cannot be asked (missing or corrupt image, malformed record). Items with an
    input error are kept, sent to no model, and reported as their own outcome."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Source-specific data: the scene graph, implicit misleading notes, raw record fields."""

    @property
    def answer_text(self) -> str:
        return self.options.get(self.answer, self.answer)


def make_sample(metadata: ItemMetadata, image: ContentImage | None) -> Sample:
    """A Sample whose input is the image and the question with its options.

    The input is what a plain `generate()` would see; benchmark solvers build their own
    prompts from the metadata, and the log records those verbatim.
    """
    content: list[Content] = []
    if image is not None:
        content.append(image)
    content.append(ContentText(text=format_question(metadata)))
    return Sample(
        id=metadata.item_id,
        input=[ChatMessageUser(content=content)],
        target=metadata.answer,
        choices=list(metadata.options.values()) or None,
        metadata=metadata.model_dump(),
    )


def format_question(metadata: ItemMetadata) -> str:
    """The question followed by its options, one per line as ``A: text``."""
    lines = [metadata.question]
    if not metadata.options_in_question:
        lines += [f"{letter}: {text}" for letter, text in sorted(metadata.options.items())]
    return "\n".join(lines)
