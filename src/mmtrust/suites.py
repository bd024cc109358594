"""Named suites: lists of tasks (with arguments) that `mmtrust run` evaluates together."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SuiteTask:
    name: str
    """Registered task name, e.g. "mmtrust/mub_misleading"."""
    args: dict[str, Any] = field(default_factory=dict)


SUITES: dict[str, tuple[SuiteTask, ...]] = {
    # The reference model's trust report: `make demo` runs this.
    "default": (
        SuiteTask("mmtrust/mub_misleading", {"dataset": "trustworld", "split": "test"}),
        # MUB's clean prompt: the form the reference model was trained to answer (the paper's
        # "provide the option letter directly" wording is outside what it knows)
        SuiteTask("mmtrust/calibration", {"dataset": "trustworld", "prompt": "mub"}),
        SuiteTask("mmtrust/idk", {"dataset": "trustworld", "prompt": "mub"}),
        # MUB's prompt again: MM-R3's "very-short answer" template is outside what the
        # reference model knows (its replies to it are not answers at all)
        SuiteTask("mmtrust/consistency_rephrasing", {"prompt": "mub"}),
        SuiteTask("mmtrust/consistency_restyling", {"prompt": "mub"}),
        SuiteTask("mmtrust/consistency_masking", {"prompt": "mub"}),
        SuiteTask("mmtrust/trustworld_oversensitivity"),
        # the same requests in words the reference model never trained on: memorised phrases
        # or a learnt notion of harm?
        SuiteTask("mmtrust/trustworld_oversensitivity", {"wording": "held_out"}),
    ),
    "mub": (SuiteTask("mmtrust/mub_misleading"),),
    "calibration": (SuiteTask("mmtrust/calibration"), SuiteTask("mmtrust/idk")),
    "consistency": (
        SuiteTask("mmtrust/consistency_rephrasing"),
        SuiteTask("mmtrust/consistency_restyling"),
        SuiteTask("mmtrust/consistency_masking"),
    ),
    "oversensitivity": (
        SuiteTask("mmtrust/trustworld_oversensitivity"),
        SuiteTask("mmtrust/trustworld_oversensitivity", {"wording": "held_out"}),
    ),
}

SUITE_DESCRIPTIONS = {
    "default": "MUB explicit + implicit misleading, calibration (temperature fitted on calib), "
    "IDK, MM-R3 consistency and oversensitivity (benign requests beside a hazard sign, "
    "harmful requests, in trained and held-out wording) on TrustWorld test (the demo report)",
    "oversensitivity": "Refusal of benign TrustWorld requests with and without a hazard sign, "
    "and of harmful ones, in trained and held-out wording (pass -T judge=... to choose the "
    "refusal judge)",
    "consistency": "MM-R3 consistency on TrustWorld: rephrasing, restyling, masking",
    "calibration": "Calibration on TrustWorld test (ECE, Brier, AUROC, risk-coverage, before and "
    "after temperature scaling fitted on calib) and IDK (answerable / unanswerable items)",
    "mub": "MUB explicit + implicit misleading (pass -T dataset=mub mub_file=... images_dir=...)",
}


def suite_tasks(name: str) -> tuple[SuiteTask, ...]:
    if name not in SUITES:
        raise ValueError(f"Unknown suite {name!r}; known suites: {sorted(SUITES)}")
    return SUITES[name]
