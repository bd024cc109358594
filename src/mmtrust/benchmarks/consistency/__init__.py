"""MM-R3 consistency: the same answer under rephrasing, restyling and masked-context
reasoning."""

from mmtrust.benchmark import Benchmark, Suite, SuiteTask
from mmtrust.benchmarks.consistency.examples import failure_examples
from mmtrust.benchmarks.consistency.report import consistency_section
from mmtrust.benchmarks.consistency.results import consistency_runs
from mmtrust.benchmarks.consistency.scorecard import CONSISTENCY, scorecard_scores
from mmtrust.benchmarks.consistency.tasks import (
    consistency_masking,
    consistency_rephrasing,
    consistency_restyling,
)
from mmtrust.report.formatting import num
from mmtrust.report.runs import Run


def _summary(run: Run) -> str:
    m = run.metrics
    return (
        f"  consistency {num(m.get('consistency'))}  exact-match "
        f"{num(m.get('closed_consistency'))}  Hmean {num(m.get('hmean'))}"
    )


BENCHMARK = Benchmark(
    name="consistency",
    title="Consistency (MM-R3)",
    tasks=(consistency_rephrasing, consistency_restyling, consistency_masking),
    run_kinds=("consistency",),
    runs_from_log=consistency_runs,
    report_section=consistency_section,
    summary=_summary,
    dimensions=(CONSISTENCY,),
    scorecard=scorecard_scores,
    examples=failure_examples,
    suites={
        "consistency": Suite(
            "MM-R3 consistency on TrustWorld: rephrasing, restyling, masking",
            (
                SuiteTask("mmtrust/consistency_rephrasing"),
                SuiteTask("mmtrust/consistency_restyling"),
                SuiteTask("mmtrust/consistency_masking"),
            ),
        )
    },
    # MUB's prompt again: MM-R3's "very-short answer" template is outside what the reference
    # model knows (its replies to it are not answers at all)
    default_suite=(
        SuiteTask("mmtrust/consistency_rephrasing", {"prompt": "mub"}),
        SuiteTask("mmtrust/consistency_restyling", {"prompt": "mub"}),
        SuiteTask("mmtrust/consistency_masking", {"prompt": "mub"}),
    ),
)
