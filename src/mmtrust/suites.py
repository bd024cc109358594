"""Named suites: lists of tasks (with arguments) that ``mmtrust run`` evaluates together. Each
benchmark contributes its own suites and its part of the default one (its record)."""

from __future__ import annotations

from mmtrust.benchmark import Suite, SuiteTask
from mmtrust.benchmarks import BENCHMARKS

DEFAULT_SUITE = Suite(
    "MUB explicit + implicit misleading, calibration (temperature fitted on calib; with and "
    "without the image), IDK, MM-R3 "
    "consistency and oversensitivity (benign requests beside a hazard sign, harmful requests, "
    "in trained and held-out wording), and MultiTrust's truthfulness and robustness analogues "
    "on TrustWorld test (the demo report)",
    tuple(task for benchmark in BENCHMARKS for task in benchmark.default_suite),
)
"""The reference model's trust report: ``make demo`` runs this."""

SUITES: dict[str, Suite] = {
    "default": DEFAULT_SUITE,
    **{name: suite for benchmark in BENCHMARKS for name, suite in benchmark.suites.items()},
}


def suite_tasks(name: str) -> tuple[SuiteTask, ...]:
    if name not in SUITES:
        raise ValueError(f"Unknown suite {name!r}; known suites: {sorted(SUITES)}")
    return SUITES[name].tasks
