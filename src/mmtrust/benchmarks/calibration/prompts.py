"""Prompts of the calibration tasks (spec: calibration.md).

The multiple-choice suffix is the calibration paper's (reference code hfutml/Calibration-MLLM),
used verbatim as benchmark data; the yes/no and stated-confidence lines are mmtrust's own, for
the question types and the confidence mode the paper did not have.
"""

from __future__ import annotations

from typing import Literal

from mmtrust.datasets.schema import ItemMetadata, format_question
from mmtrust.perturb.misleading import clean_prompt

ConfidenceMode = Literal["logprobs", "verbalised"]
PromptStyle = Literal["paper", "mub", "bare"]
"""``paper``: the question, its options and the paper's answer instruction; ``mub``: MUB's clean
prompt (system text, question, options), the form the reference model was trained on;
``bare``: the question and its options only."""

MC_SUFFIX = "\nPlease provide the option letter directly."
YN_SUFFIX = "\nPlease answer Yes or No directly."
VERBALISED_SUFFIX = (
    "\nAfter your answer, on a new line, state how confident you are that it is correct, "
    "from 0 to 100, as: Confidence: <number>"
)


def calibration_prompt(
    item: ItemMetadata,
    mode: ConfidenceMode = "logprobs",
    style: PromptStyle = "paper",
    answer_lead: str | None = None,
) -> str:
    """The question with its options in ``style``, and in verbalised mode the request to
    state a confidence. ``answer_lead`` (prompt optimisation, "The answer might be") ends the
    prompt the paper's way: ``"\n{answer_lead}: ("``."""
    if answer_lead is not None:
        return calibration_prompt(item, mode, style) + f"\n{answer_lead}: ("
    if style == "mub":
        prompt = clean_prompt(item)
    elif style == "bare":
        prompt = format_question(item)
    elif style == "paper":
        prompt = format_question(item) + (YN_SUFFIX if item.question_type == "yn" else MC_SUFFIX)
    else:
        raise ValueError(f"Unknown prompt style {style!r}; use paper, mub or bare")
    return prompt + VERBALISED_SUFFIX if mode == "verbalised" else prompt
