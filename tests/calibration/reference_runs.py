"""A calibration task run on the shipped reference model: the log and its results.json run."""

from __future__ import annotations

from pathlib import Path

from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from mmtrust.report.results import runs_from_log
from mmtrust.report.runs import Run


def run_on_reference(task: Task, log_dir: Path) -> tuple[EvalLog, Run]:
    (log,) = inspect_eval(
        task,
        model="mmtrust/reference",
        log_dir=str(log_dir),
        display="none",
        max_connections=64,
    )
    (run,) = runs_from_log(log)
    return log, run
