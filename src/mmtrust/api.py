"""The Python API behind the CLI: run tasks or suites on a model, and report on logs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from mmtrust.report.html import write_report
from mmtrust.report.results import Run, collect_runs, write_results
from mmtrust.suites import SUITES, SuiteTask, suite_tasks
from mmtrust.tasks import MMTRUST_TASKS

DEFAULT_MODEL = "mmtrust/reference"
LOCAL_PROVIDERS = ("hf-vlm", "mmtrust")
LOCAL_MAX_CONNECTIONS = 64
"""Concurrent requests to a local model: enough to fill its batches (see models/local_vlm)."""


@dataclass
class RunOptions:
    model: str = DEFAULT_MODEL
    log_dir: str = "logs"
    limit: int | None = None
    task_args: dict[str, Any] = field(default_factory=dict)
    model_args: dict[str, Any] = field(default_factory=dict)
    grader: str | None = None
    generator: str | None = None
    max_connections: int | None = None
    display: str = "plain"


def resolve_tasks(targets: Sequence[str], task_args: dict[str, Any]) -> list[Task | str]:
    """Task objects for mmtrust task or suite names; other names pass through to Inspect."""
    chosen: list[SuiteTask] = []
    for target in targets or ["default"]:
        if target in SUITES:
            chosen.extend(suite_tasks(target))
        else:
            chosen.append(SuiteTask(target))
    resolved: list[Task | str] = []
    for entry in chosen:
        short = entry.name.removeprefix("mmtrust/")
        args = {**entry.args, **task_args}
        if short in MMTRUST_TASKS:
            resolved.append(MMTRUST_TASKS[short](**args))
        elif args:
            raise ValueError(
                f"Task arguments for the external task {entry.name!r}: use inspect eval"
            )
        else:
            resolved.append(entry.name)
    return resolved


def run(targets: Sequence[str], options: RunOptions) -> list[EvalLog]:
    """Evaluate ``targets`` (tasks or suites) on ``options.model``; logs go to log_dir."""
    roles = {
        role: model
        for role, model in (("grader", options.grader), ("generator", options.generator))
        if model
    }
    max_connections = options.max_connections
    if max_connections is None and options.model.split("/")[0] in LOCAL_PROVIDERS:
        max_connections = LOCAL_MAX_CONNECTIONS
    tasks: list[Any] = resolve_tasks(targets, options.task_args)
    return inspect_eval(
        tasks,
        model=options.model,
        model_args=options.model_args,
        model_roles=roles or None,
        log_dir=options.log_dir,
        limit=options.limit,
        max_connections=max_connections,
        display=options.display,  # type: ignore[arg-type]
    )


def report(log_dir: Path | str, out_dir: Path | str) -> list[Run]:
    """Write ``results.json`` and ``report.html`` for every run in ``log_dir``."""
    runs = collect_runs(log_dir)
    out = Path(out_dir)
    write_results(runs, out / "results.json")
    write_report(runs, out / "report.html")
    return runs
