"""Calibration and "I don't know": does the model's confidence match its accuracy, and does it
say it does not know when it cannot know?"""

from inspect_ai.log import EvalLog

from mmtrust.benchmark import Benchmark, Suite, SuiteTask
from mmtrust.benchmarks.calibration.examples import failure_examples
from mmtrust.benchmarks.calibration.idk import idk
from mmtrust.benchmarks.calibration.idk_report import idk_section
from mmtrust.benchmarks.calibration.idk_results import idk_runs
from mmtrust.benchmarks.calibration.report import calibration_section
from mmtrust.benchmarks.calibration.results import calibration_runs
from mmtrust.benchmarks.calibration.scorecard import CALIBRATION, IDK, scorecard_scores
from mmtrust.benchmarks.calibration.tasks import calibration
from mmtrust.report.formatting import num
from mmtrust.report.runs import Run, of_kind


def _runs(log: EvalLog) -> list[Run]:
    return calibration_runs(log) + idk_runs(log)


def _section(runs: list[Run]) -> str:
    return calibration_section(of_kind(runs, "calibration")) + idk_section(of_kind(runs, "idk"))


def _summary(run: Run) -> str:
    m = run.metrics
    if run.details.get("benchmark") == "idk":
        return f"  IDK {num(m.get('idk_rate'))}  false IDK {num(m.get('false_idk_rate'))}"
    line = f"  ECE {num(m.get('ece'))}"
    if m.get("ece_scaled") is not None:
        line += f" -> {num(m.get('ece_scaled'))} after temperature scaling"
    for condition, entry in (m.get("image_conditions") or {}).items():
        shift = entry.get("shift")
        if shift:
            line += (
                f"; {condition} image: accuracy {num(entry.get('accuracy'))}, "
                f"confidence shift {num(shift.get('mean_confidence_shift'))}"
            )
    return line


BENCHMARK = Benchmark(
    name="calibration",
    title="Calibration and I-don't-know",
    tasks=(calibration, idk),
    run_kinds=("calibration", "idk"),
    runs_from_log=_runs,
    report_section=_section,
    summary=_summary,
    dimensions=(CALIBRATION, IDK),
    scorecard=scorecard_scores,
    examples=failure_examples,
    suites={
        "calibration": Suite(
            "Calibration on TrustWorld test (ECE, Brier, AUROC, risk-coverage, before and after "
            "temperature scaling fitted on calib) and IDK (answerable / unanswerable items)",
            (
                SuiteTask("mmtrust/calibration", {"image_conditions": "shown,none"}),
                SuiteTask("mmtrust/idk"),
            ),
        )
    },
    # MUB's clean prompt: the form the reference model was trained to answer (the paper's
    # "provide the option letter directly" wording is outside what it knows); the text-only
    # condition beside the image: how far the confidence rests on what the model sees. 300
    # test items in each condition keep the demo within its 5 minutes (600 in both: 5:04).
    default_suite=(
        SuiteTask(
            "mmtrust/calibration",
            {"dataset": "trustworld", "prompt": "mub", "image_conditions": "shown,none", "n": 300},
        ),
        SuiteTask("mmtrust/idk", {"dataset": "trustworld", "prompt": "mub"}),
    ),
)
