"""Results from Inspect logs: one run per (log, benchmark view), metrics recomputed from the
per-sample scores with the pure functions of ``mmtrust.metrics`` (so strata and intervals come
from the same code as the headline numbers)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog
from inspect_ai.scorer import SampleScore

from mmtrust.metrics.misleading import MisleadingSummary, summarise, summarise_by
from mmtrust.report.calibration_results import TASK_NAME as CALIBRATION_TASK
from mmtrust.report.calibration_results import calibration_run_fields
from mmtrust.report.consistency_results import consistency_run_fields
from mmtrust.report.idk_results import idk_run_fields
from mmtrust.report.log_selection import LogProblem, LogSelection, select_logs
from mmtrust.report.refusal_results import refusal_run_fields
from mmtrust.scoring.mub import outcome_from_score

MISLEADING_SCORERS = {"explicit_misleading": "mub_explicit", "implicit_misleading": "mub_implicit"}
MISLEADING_STRATA = ("difficulty", "source", "question_type", "category")


@dataclass
class Run:
    """One row of results.json."""

    model: str
    task: str
    n: int
    metrics: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "task": self.task,
            "n": self.n,
            "metrics": self.metrics,
            **self.details,
        }


@dataclass
class Collected:
    """The runs of a log folder, and what it held that is not a result."""

    runs: list[Run]
    selection: LogSelection

    def not_reported(self) -> dict[str, Any]:
        return {
            "incomplete": [run.as_dict() for run in self.selection.incomplete],
            "problems": [problem.as_dict() for problem in self.selection.problems],
            "superseded": self.selection.superseded,
        }


def collect(log_dir: Path | str) -> Collected:
    """Every run of the complete logs in ``log_dir`` (recursively, oldest first; one log per
    task: ``log_selection``), with the incomplete and unreadable logs accounted for."""
    selection = select_logs(log_dir)
    runs: list[Run] = []
    for log in selection.complete:
        found = runs_from_log(log)
        if not found:
            selection.problems.append(
                LogProblem(log.location, f"task {log.eval.task!r} is not an mmtrust benchmark")
            )
        runs.extend(found)
    return Collected(runs, selection)


def collect_runs(log_dir: Path | str) -> list[Run]:
    """The runs of ``collect(log_dir)``."""
    return collect(log_dir).runs


def runs_from_log(log: EvalLog) -> list[Run]:
    builders: list[Callable[[EvalLog], list[Run]]] = [
        _misleading_runs,
        _calibration_runs,
        _idk_runs,
        _consistency_runs,
        _refusal_runs,
    ]
    return [run for build in builders for run in build(log)]


def _run(
    log: EvalLog,
    benchmark: str,
    task: str,
    n: int,
    metrics: dict[str, Any],
    details: dict[str, Any] | None = None,
) -> Run:
    """A run of ``log`` with the details every benchmark records: data, prompt, failed
    samples and provenance."""
    metadata = log.eval.metadata or {}
    return Run(
        model=log.eval.model,
        task=task,
        n=n,
        metrics=metrics,
        details={
            "benchmark": benchmark,
            "dataset": metadata.get("dataset", "trustworld"),
            "split": metadata.get("split"),
            "prompt": metadata.get("prompt"),
            **(details or {}),
            "samples_failed": sum(sample.error is not None for sample in log.samples or []),
            "provenance": _provenance(log),
        },
    )


def _consistency_runs(log: EvalLog) -> list[Run]:
    fields = consistency_run_fields(log)
    if fields is None:
        return []
    name, n, metrics = fields
    return [_run(log, "consistency", name, n, metrics)]


def _refusal_runs(log: EvalLog) -> list[Run]:
    # the task's own metadata says which: "mossbench" or TrustWorld's "oversensitivity"
    benchmark = str((log.eval.metadata or {}).get("benchmark", "mossbench"))
    return [_run(log, benchmark, name, n, m, d) for name, n, m, d in refusal_run_fields(log)]


def _idk_runs(log: EvalLog) -> list[Run]:
    return [_run(log, "idk", name, n, metrics) for name, n, metrics in idk_run_fields(log)]


def _calibration_runs(log: EvalLog) -> list[Run]:
    fields = calibration_run_fields(log)
    if fields is None:
        return []
    n, metrics, details = fields
    return [_run(log, "calibration", CALIBRATION_TASK, n, metrics, details)]


def _misleading_runs(log: EvalLog) -> list[Run]:
    if not log.samples:
        return []
    runs = []
    for scorer_name, task_name in MISLEADING_SCORERS.items():
        scores = [
            SampleScore(score=sample.scores[scorer_name], sample_id=sample.id)
            for sample in log.samples
            if sample.scores and scorer_name in sample.scores
        ]
        errored = [sample.id for sample in log.samples if sample.error is not None]
        if not scores:
            continue
        outcomes = [outcome_from_score(score) for score in scores]
        summary = summarise(outcomes)
        strata = {
            key: {label: _summary_metrics(s) for label, s in summarise_by(outcomes, key).items()}
            for key in MISLEADING_STRATA
        }
        runs.append(
            Run(
                model=log.eval.model,
                task=task_name,
                n=summary.n,
                metrics=_summary_metrics(summary),
                details={
                    "benchmark": "mub",
                    "dataset": (log.eval.metadata or {}).get("dataset", log.eval.dataset.name),
                    "split": (log.eval.metadata or {}).get("split"),
                    "strata": strata,
                    "samples_failed": len(errored),
                    "provenance": _provenance(log),
                },
            )
        )
    return runs


def _summary_metrics(summary: MisleadingSummary) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    for name in ("accuracy", "misleading_rate_t2f", "misleading_rate_f2t", "coverage"):
        metrics.update(getattr(summary, name).fields(name))
    metrics["outcomes"] = summary.counts
    return metrics


def _provenance(log: EvalLog) -> dict[str, Any]:
    """What produced the numbers: task version and args, generation settings, log file."""
    return {
        "task_version": log.eval.task_version,
        "task_args": log.eval.task_args,
        "generate_config": log.plan.config.model_dump(exclude_none=True),
        "model_args": redact_secrets(log.eval.model_args),
        # a local hub model's commit (mmtrust run pins -M revision to it)
        "model_revision": log.eval.model_args.get("revision"),
        "created": log.eval.created,
        "status": log.status,
        "log": log.location,
        "mmtrust_version": log.eval.packages.get("mmtrust") if log.eval.packages else None,
    }


_SECRET_MARKERS = ("key", "token", "secret", "password", "credential", "auth")


def redact_secrets(values: dict[str, Any]) -> dict[str, Any]:
    """Model arguments without anything that may be a credential (never written to a report)."""
    return {
        name: "<redacted>" if any(marker in name.lower() for marker in _SECRET_MARKERS) else value
        for name, value in values.items()
    }


def write_results(runs: list[Run], path: Path, not_reported: dict[str, Any] | None = None) -> None:
    """results.json: the runs, and (``Collected.not_reported``) the logs that are no result."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"runs": [run.as_dict() for run in runs], **(not_reported or {})}
    path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
