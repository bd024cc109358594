"""The IDK part of the HTML report: abstention rates per condition. The markup is
``templates/idk.html.j2``."""

from __future__ import annotations

from typing import Any

from mmtrust.report.runs import Run
from mmtrust.report.templating import render

PACKAGE = "mmtrust.benchmarks.calibration"

_EXPLANATIONS = [
    ("IDK rate", "share of unanswerable items on which the model abstains (higher is better)."),
    ("false IDK", "share of answerable items on which it abstains (lower is better)."),
    ("accuracy", "share of answered answerable items it gets right."),
    (
        "abstention-aware accuracy",
        "right answers on answerable items plus abstentions on unanswerable ones, over all.",
    ),
]
_CONDITIONS = {
    "idk_none": "no way to abstain offered",
    "idk_option": 'abstain option ("I don\'t know") added',
    "idk_instruction": "instruction to abstain when the image cannot tell",
}
_RATES = ("idk_rate", "false_idk_rate", "accuracy", "abstention_aware_accuracy", "coverage")


def idk_section(runs: list[Run]) -> str:
    if not runs:
        return ""
    return render(
        PACKAGE, "idk.html.j2", rows=[_row(run) for run in runs], explanations=_EXPLANATIONS
    )


def _row(run: Run) -> dict[str, Any]:
    m = run.metrics
    return {
        "model": run.model,
        "condition": _CONDITIONS.get(run.task, run.task),
        "prompt": str(run.details.get("prompt")),
        "n": run.n,
        "rates": [
            {"value": m.get(k), "interval": m.get(k + "_ci95"), "count": m.get(k + "_count")}
            for k in _RATES
        ],
    }
