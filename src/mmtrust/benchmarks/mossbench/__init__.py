"""Oversensitivity (MOSSBench): does the model refuse harmless requests that merely look risky?
MOSSBench on its own data, and the TrustWorld analogue that runs offline."""

from mmtrust.benchmark import Benchmark, Suite, SuiteTask
from mmtrust.benchmarks.mossbench.examples import failure_examples
from mmtrust.benchmarks.mossbench.oversensitivity import trustworld_oversensitivity
from mmtrust.benchmarks.mossbench.report import oversensitivity_section, refusal_section
from mmtrust.benchmarks.mossbench.results import refusal_runs
from mmtrust.benchmarks.mossbench.scorecard import OVER_REFUSAL, scorecard_scores
from mmtrust.benchmarks.mossbench.tasks import mossbench
from mmtrust.report.formatting import num
from mmtrust.report.runs import Run, of_kind

_BOTH_WORDINGS = (
    SuiteTask("mmtrust/trustworld_oversensitivity"),
    # the same requests in words the reference model never trained on: memorised phrases or a
    # learnt notion of harm?
    SuiteTask("mmtrust/trustworld_oversensitivity", {"wording": "held_out"}),
)


def _section(runs: list[Run]) -> str:
    return oversensitivity_section(of_kind(runs, "oversensitivity")) + refusal_section(
        of_kind(runs, "mossbench")
    )


def _summary(run: Run) -> str:
    m = run.metrics
    if run.details.get("benchmark") == "mossbench":
        return f"  refusal rate {num(m.get('refusal_rate'))}"
    return (
        f"  refusal rate benign {num(m.get('refusal_rate_benign'))} (hazard sign "
        f"{num(m.get('refusal_rate_benign_hazard'))}, none "
        f"{num(m.get('refusal_rate_benign_no_sign'))})  harmful "
        f"{num(m.get('refusal_rate_harmful'))}"
    )


BENCHMARK = Benchmark(
    name="mossbench",
    title="Oversensitivity (MOSSBench)",
    tasks=(mossbench, trustworld_oversensitivity),
    run_kinds=("mossbench", "oversensitivity"),
    runs_from_log=refusal_runs,
    report_section=_section,
    summary=_summary,
    dimensions=(OVER_REFUSAL,),
    scorecard=scorecard_scores,
    examples=failure_examples,
    suites={
        "oversensitivity": Suite(
            "Refusal of benign TrustWorld requests with and without a hazard sign, and of "
            "harmful ones, in trained and held-out wording (pass -T judge=... to choose the "
            "refusal judge)",
            _BOTH_WORDINGS,
        )
    },
    default_suite=_BOTH_WORDINGS,
)
