"""Named suites: lists of tasks (with arguments) that ``mmtrust run`` evaluates together. Each
benchmark contributes its own suites and its part of the default one (its record)."""

from __future__ import annotations

from mmtrust.benchmark import Suite, SuiteTask
from mmtrust.benchmarks import BENCHMARKS, mub

DEFAULT_SUITE = Suite(
    "MUB explicit + implicit misleading, calibration (temperature fitted on calib; with and "
    "without the image), IDK, MM-R3 "
    "consistency and oversensitivity (benign requests beside a hazard sign, harmful requests, "
    "in trained and held-out wording), and MultiTrust's truthfulness and robustness analogues "
    "on TrustWorld test (the demo report)",
    tuple(task for benchmark in BENCHMARKS for task in benchmark.default_suite),
)
"""The reference model's trust report: ``make demo`` runs this."""

DEMO_COMPARED_MODEL = "mmtrust/reference-misleading-ft"
"""The model the demo report sets beside the reference model: it fine-tuned on misleading
data (``mmtrust.reference.misleading_finetuned``)."""
DEMO_COMPARED_ITEMS = mub.DEMO_ITEMS
"""The TrustWorld test items the default suite asks the reference model: the report pairs
the two models on them."""
DEMO_COMPARED_SUITE = Suite(
    "MUB explicit + implicit misleading on TrustWorld test: what fine-tuning on misleading "
    "data changes (the demo report's second model)",
    (
        SuiteTask(
            "mmtrust/mub_misleading",
            {"dataset": "trustworld", "split": "test", "n": DEMO_COMPARED_ITEMS},
        ),
    ),
)

SUITES: dict[str, Suite] = {
    "default": DEFAULT_SUITE,
    "demo_compared": DEMO_COMPARED_SUITE,
    **{name: suite for benchmark in BENCHMARKS for name, suite in benchmark.suites.items()},
}


def suite_tasks(name: str) -> tuple[SuiteTask, ...]:
    if name not in SUITES:
        raise ValueError(f"Unknown suite {name!r}; known suites: {sorted(SUITES)}")
    return SUITES[name].tasks
