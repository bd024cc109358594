"""MultiTrust: its 32 tasks from one typed table, on the authors' data folder or on TrustWorld's
offline analogues, with the ten sub-aspect scores and the overall score."""

from mmtrust.benchmark import Benchmark, Suite, SuiteTask
from mmtrust.benchmarks.multitrust.examples import failure_examples
from mmtrust.benchmarks.multitrust.report import multitrust_section
from mmtrust.benchmarks.multitrust.results import (
    RUN_KIND,
    SUB_ASPECT_KIND,
    multitrust_runs,
    sub_aspect_runs,
)
from mmtrust.benchmarks.multitrust.scorecard import DIMENSIONS, scorecard_scores
from mmtrust.benchmarks.multitrust.table import TASKS
from mmtrust.benchmarks.multitrust.tasks import MULTITRUST_TASKS
from mmtrust.benchmarks.multitrust.trustworld import ANALOGUES, DEFAULT_ITEMS
from mmtrust.report.formatting import num
from mmtrust.report.runs import Run

ANALOGUE_TASKS = frozenset({*ANALOGUES, "R.4", "R.5"})
"""The tasks with a TrustWorld analogue (R.4 and R.5 are built apart: they attack a model)."""
FULL_ANALOGUE_ITEMS = 200
"""Items per sub-dataset of the full-size offline suite."""
DEMO_ANALOGUE_ITEMS = 8
"""Items per sub-dataset in the default suite: what keeps ``make demo`` under 5 minutes on a
fresh 2-core machine (its MultiTrust part is indicative; the suites above give the numbers)."""


def _analogue_suite(n: int) -> tuple[SuiteTask, ...]:
    return tuple(
        SuiteTask(f"mmtrust/{spec.task_name}", {"data": "trustworld", "n": n})
        for spec in TASKS
        if spec.task_id in ANALOGUE_TASKS
    )


def _aspect_suite(aspect: str) -> tuple[SuiteTask, ...]:
    return tuple(SuiteTask(f"mmtrust/{s.task_name}") for s in TASKS if s.aspect == aspect)


def _summary(run: Run) -> str:
    m = run.metrics
    if run.details.get("benchmark") == SUB_ASPECT_KIND:
        measured = {k: a for k, a in m.get("sub_aspects", {}).items() if a.get("score") is not None}
        overall = m.get("overall") or {}
        shown = [("overall", overall), *measured.items()]
        return (
            "  "
            + "  ".join(
                f"{key} {num(a.get('score'))}" + ("" if a.get("status") == "complete" else "*")
                for key, a in shown
            )
            + f"  (* partial; {10 - len(measured)} of 10 sub-aspects not measured)"
        )
    partial = "" if m.get("status") == "complete" else f" ({m.get('status')})"
    return f"  score {num(m.get('score'))}{partial}"


BENCHMARK = Benchmark(
    name="multitrust",
    title="MultiTrust",
    tasks=MULTITRUST_TASKS,
    run_kinds=(RUN_KIND, SUB_ASPECT_KIND),
    runs_from_log=multitrust_runs,
    report_section=multitrust_section,
    summary=_summary,
    dimensions=tuple(DIMENSIONS.values()),
    scorecard=scorecard_scores,
    examples=failure_examples,
    suites={
        "multitrust": Suite(
            "Every MultiTrust task on the authors' data (pass -T root=DIR)",
            tuple(SuiteTask(f"mmtrust/{s.task_name}") for s in TASKS),
        ),
        "multitrust-truthfulness": Suite(
            "MultiTrust T.1-T.7 on the authors' data (pass -T root=DIR)",
            _aspect_suite("truthfulness"),
        ),
        "multitrust-safety": Suite(
            "MultiTrust S.1-S.6 on the authors' data (pass -T root=DIR; toxicity and jailbreak "
            "success need --model-role toxicity=... / harm_classifier=... or plug-ins)",
            _aspect_suite("safety"),
        ),
        "multitrust-robustness": Suite(
            "MultiTrust R.1-R.6 on the authors' data (pass -T root=DIR)",
            _aspect_suite("robustness"),
        ),
        "multitrust-fairness": Suite(
            "MultiTrust F.1-F.7 on the authors' data (pass -T root=DIR)",
            _aspect_suite("fairness"),
        ),
        "multitrust-privacy": Suite(
            "MultiTrust P.1-P.6 on the authors' data (pass -T root=DIR)",
            _aspect_suite("privacy"),
        ),
        "multitrust-trustworld": Suite(
            f"MultiTrust's TrustWorld analogues ({DEFAULT_ITEMS} items per sub-dataset; "
            f"offline; make demo asks {DEMO_ANALOGUE_ITEMS})",
            _analogue_suite(DEFAULT_ITEMS),
        ),
        "multitrust-trustworld-full": Suite(
            f"MultiTrust's TrustWorld analogues ({FULL_ANALOGUE_ITEMS} items per sub-dataset)",
            _analogue_suite(FULL_ANALOGUE_ITEMS),
        ),
    },
    default_suite=_analogue_suite(DEMO_ANALOGUE_ITEMS),
    aggregate_runs=sub_aspect_runs,
)
