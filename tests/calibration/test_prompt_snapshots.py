"""The calibration paper's prompts and the IDK conditions, frozen: each is rendered for a fixed
item and compared byte for byte with its snapshot (tests/calibration/snapshots/, see
tests/prompt_snapshots.py), and the code's constants are checked against the text the spec
gives verbatim.

One difference from the spec is known and left to the code's owners: the spec's prompt
suffixes are "\\nPlease provide the option letter directly." *then* "\\nAnswer: (", but the
default ``paper`` prompt stops after the first; "\\nAnswer: (" is only there with
``answer_lead="Answer"`` (the snapshot ``paper_mc_answer_lead_answer`` shows that form).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mmtrust.benchmarks.calibration.idk import condition_prompt
from mmtrust.benchmarks.calibration.paraphrase import PARAPHRASE_REQUEST
from mmtrust.benchmarks.calibration.prompt_search import SEED_LEADS
from mmtrust.benchmarks.calibration.prompts import MC_SUFFIX, calibration_prompt
from mmtrust.datasets.schema import ItemMetadata
from tests.prompt_snapshots import assert_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"

MC = ItemMetadata(
    source="test",
    item_id="snapshot-mc",
    question="What colour is the triangle in the picture?",
    question_type="mc",
    answer="B",
    options={"A": "red", "B": "blue", "C": "green", "D": "black"},
)
YN = ItemMetadata(
    source="test",
    item_id="snapshot-yn",
    question="Is there a blue triangle in the picture?",
    question_type="yn",
    answer="Yes",
)

# shared/spec/calibration.md, "Confidence (reference code)": "Prompt suffixes: ... then ..."
SPEC_SUFFIXES = ("\nPlease provide the option letter directly.", "\nAnswer: (")
# shared/spec/calibration.md, "Iterative prompt optimisation": the seeds
SPEC_SEEDS = ("The answer might be", "The answer must be")
# shared/spec/calibration.md, same section: the generator's request
SPEC_PARAPHRASE_REQUEST = (
    'Given sentence: "{suffix}", please generate {m} sentences similar to the given sentence, '
    "separate each sentence with '<sx>', be careful not to output anything except for the "
    "sentence."
)
# shared/spec/calibration.md, same section: a candidate is scored with
# `Q + "Please provide the option letter directly." + "\n{suffix}: ("`
SPEC_LEAD_ENDING = "\n{suffix}: ("

PROMPTS = {
    "paper_mc": lambda: calibration_prompt(MC),
    "paper_yn": lambda: calibration_prompt(YN),
    "paper_mc_verbalised": lambda: calibration_prompt(MC, "verbalised"),
    "paper_mc_answer_lead": lambda: calibration_prompt(MC, answer_lead=SEED_LEADS[0]),
    "paper_mc_answer_lead_answer": lambda: calibration_prompt(MC, answer_lead="Answer"),
    "mub_mc_verbalised": lambda: calibration_prompt(MC, "verbalised", "mub"),
    "paraphrase_request": lambda: PARAPHRASE_REQUEST.format(suffix=SEED_LEADS[0], m=5),
    "idk_none_mc": lambda: condition_prompt(MC, "none", "paper")[0],
    "idk_option_mc": lambda: condition_prompt(MC, "option", "paper")[0],
    "idk_instruction_mc": lambda: condition_prompt(MC, "instruction", "paper")[0],
}


@pytest.mark.parametrize("name", sorted(PROMPTS))
def test_prompt_matches_its_snapshot(name: str) -> None:
    assert_snapshot(PROMPTS[name](), SNAPSHOTS / f"{name}.txt")


def test_suffixes_seeds_and_request_are_the_specs() -> None:
    assert SPEC_SUFFIXES[0] == MC_SUFFIX
    assert SEED_LEADS == SPEC_SEEDS
    assert PARAPHRASE_REQUEST == SPEC_PARAPHRASE_REQUEST
    # the paper's two suffixes in a row, as the answer lead "Answer" renders them
    assert calibration_prompt(MC, answer_lead="Answer").endswith("".join(SPEC_SUFFIXES))
    led = calibration_prompt(MC, answer_lead=SEED_LEADS[0])
    assert led.endswith(SPEC_SUFFIXES[0] + SPEC_LEAD_ENDING.format(suffix=SEED_LEADS[0]))


def test_snapshots_end_with_the_specs_suffixes() -> None:
    def snapshot(name: str) -> str:
        return (SNAPSHOTS / f"{name}.txt").read_bytes().decode("utf-8")

    options = "A: red\nB: blue\nC: green\nD: black"
    assert snapshot("paper_mc") == f"{MC.question}\n{options}{SPEC_SUFFIXES[0]}"
    assert snapshot("paper_mc_answer_lead_answer") == (
        f"{MC.question}\n{options}" + "".join(SPEC_SUFFIXES)
    )
    lead = SPEC_LEAD_ENDING.format(suffix=SPEC_SEEDS[0])
    assert snapshot("paper_mc_answer_lead") == f"{MC.question}\n{options}{SPEC_SUFFIXES[0]}{lead}"
    request = SPEC_PARAPHRASE_REQUEST.format(suffix=SPEC_SEEDS[0], m=5)
    assert snapshot("paraphrase_request") == request
