"""Calibration prompts: the paper's instruction verbatim, MUB's clean prompt, the answer lead."""

from __future__ import annotations

import pytest

from mmtrust.benchmarks.calibration.prompts import MC_SUFFIX, VERBALISED_SUFFIX, calibration_prompt
from mmtrust.datasets.schema import ItemMetadata
from mmtrust.perturb.misleading import MC_SYSTEM_TEXT

ITEM = ItemMetadata(
    source="test",
    item_id="q",
    question="What colour is the triangle?",
    question_type="mc",
    answer="A",
    options={"A": "red", "B": "blue"},
)


def test_paper_prompt_ends_with_the_papers_instruction() -> None:
    prompt = calibration_prompt(ITEM)
    assert prompt == "What colour is the triangle?\nA: red\nB: blue" + MC_SUFFIX
    assert MC_SUFFIX == "\nPlease provide the option letter directly."


def test_answer_lead_and_stated_confidence() -> None:
    led = calibration_prompt(ITEM, answer_lead="The answer might be")
    assert led.endswith(MC_SUFFIX + "\nThe answer might be: (")
    stated = calibration_prompt(ITEM, "verbalised", "bare")
    assert stated == "What colour is the triangle?\nA: red\nB: blue" + VERBALISED_SUFFIX


def test_mub_style_is_the_clean_prompt() -> None:
    assert calibration_prompt(ITEM, style="mub").startswith(MC_SYSTEM_TEXT)
    with pytest.raises(ValueError, match="Unknown prompt style"):
        calibration_prompt(ITEM, style="poem")  # type: ignore[arg-type]
