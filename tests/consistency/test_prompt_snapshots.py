"""MM-R3's prompts, frozen: each is rendered for a fixed group and compared byte for byte with
its snapshot (tests/consistency/snapshots/, see tests/prompt_snapshots.py), and the code's
constants are checked against the prompts the spec's task table gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from mmtrust.benchmarks.consistency.groups import MASK_QUESTION
from mmtrust.benchmarks.consistency.mmr3 import RESTYLING_PROMPT
from mmtrust.benchmarks.consistency.rephraser import REPHRASE_REQUEST
from mmtrust.benchmarks.consistency.tasks import MMR3_TEMPLATE, variant_prompt
from mmtrust.datasets.schema import ItemMetadata
from tests.prompt_snapshots import assert_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"

REPHRASED = ItemMetadata(
    source="test",
    item_id="snapshot-rephrasing",
    question="What sport can you use this for?",
    question_type="mc",
    answer="A",
    options={"A": "surfing", "B": "skiing", "C": "tennis", "D": "golf"},
)
MASKED = REPHRASED.model_copy(update={"item_id": "snapshot-masking", "question": MASK_QUESTION})
RESTYLED = REPHRASED.model_copy(
    update={"item_id": "snapshot-restyling", "extra": {"mmr3_prompt": RESTYLING_PROMPT}}
)

# shared/spec/mmr3.md, "Tasks" table, column "prompt": question rephrasing
SPEC_REPHRASING_PROMPT = (
    "Question: Please answer the question with a very-short answer. {q} Answer:"
)
# shared/spec/mmr3.md, "Tasks" table: image restyling
SPEC_RESTYLING_PROMPT = (
    "Question: Please describe the place in the image in very-short answer. Answer:"
)
# shared/spec/mmr3.md, "Tasks" table: context reasoning
SPEC_MASKING_PROMPT = (
    "Question: Please answer the question with a very-short answer. What kind of object is in "
    "the masked region? Answer:"
)

PROMPTS = {
    "rephrasing_mmr3": lambda: variant_prompt(REPHRASED, "Which sport is this used for?", "mmr3"),
    "restyling_mmr3": lambda: variant_prompt(RESTYLED, RESTYLED.question, "mmr3"),
    "masking_mmr3": lambda: variant_prompt(MASKED, MASK_QUESTION, "mmr3"),
    "rephrasing_bare": lambda: variant_prompt(REPHRASED, "Which sport is this used for?", "bare"),
    "rephrase_request": lambda: REPHRASE_REQUEST.format(count=3, question=REPHRASED.question),
}


@pytest.mark.parametrize("name", sorted(PROMPTS))
def test_prompt_matches_its_snapshot(name: str) -> None:
    assert_snapshot(PROMPTS[name](), SNAPSHOTS / f"{name}.txt")


def test_prompts_are_the_specs() -> None:
    assert MMR3_TEMPLATE.replace("{question}", "{q}") == SPEC_REPHRASING_PROMPT
    assert RESTYLING_PROMPT == SPEC_RESTYLING_PROMPT
    assert MMR3_TEMPLATE.format(question=MASK_QUESTION) == SPEC_MASKING_PROMPT


def test_snapshots_are_the_specs_prompts() -> None:
    def snapshot(name: str) -> str:
        return (SNAPSHOTS / f"{name}.txt").read_bytes().decode("utf-8")

    asked = SPEC_REPHRASING_PROMPT.replace("{q}", "Which sport is this used for?")
    assert snapshot("rephrasing_mmr3") == asked
    assert snapshot("restyling_mmr3") == SPEC_RESTYLING_PROMPT
    assert snapshot("masking_mmr3") == SPEC_MASKING_PROMPT
