"""MUB: does the model keep a correct answer when a misleading instruction is added?"""

from mmtrust.benchmark import Benchmark, Suite, SuiteTask
from mmtrust.benchmarks.mub.examples import failure_examples
from mmtrust.benchmarks.mub.report import misleading_section
from mmtrust.benchmarks.mub.results import misleading_runs
from mmtrust.benchmarks.mub.scorecard import MISLEADING, scorecard_scores
from mmtrust.benchmarks.mub.tasks import mub_explicit, mub_implicit, mub_misleading
from mmtrust.datasets.registry import DATASETS
from mmtrust.report.formatting import num
from mmtrust.report.runs import Run


def _summary(run: Run) -> str:
    m = run.metrics
    return (
        f"  MR(T>F) {num(m.get('misleading_rate_t2f'))}"
        f"  MR(F>T) {num(m.get('misleading_rate_f2t'))}"
    )


DEMO_ITEMS = 300
"""TrustWorld test items the default suite asks: half the split, so that ``make demo`` can ask
the misleading-fine-tuned model the same items (``suites.DEMO_COMPARED_SUITE``) in 5 minutes;
the report pairs the two models on them."""

BENCHMARK = Benchmark(
    name="mub",
    title="Misleading (MUB)",
    tasks=(mub_misleading, mub_explicit, mub_implicit),
    run_kinds=("mub",),
    runs_from_log=misleading_runs,
    report_section=misleading_section,
    summary=_summary,
    dimensions=(MISLEADING,),
    scorecard=scorecard_scores,
    examples=failure_examples,
    suites={
        "mub": Suite(
            "MUB explicit + implicit misleading (pass -T dataset=mub mub_file=... images_dir=...)",
            (SuiteTask("mmtrust/mub_misleading"),),
        )
    },
    default_suite=(
        SuiteTask(
            "mmtrust/mub_misleading", {"dataset": "trustworld", "split": "test", "n": DEMO_ITEMS}
        ),
    ),
    datasets=DATASETS,
)
