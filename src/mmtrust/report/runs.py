"""A row of results.json (``Run``) and the details every benchmark's runs record: data,
prompt, failed samples and provenance."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog


@dataclass
class Run:
    """One row of results.json."""

    model: str
    task: str
    n: int
    metrics: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)
    item_values: dict[str, float] = field(default_factory=dict, repr=False)
    """Each item's value on the run's trust measure (1 trustworthy, 0 not; keyed by sample id),
    for the report's paired comparisons of two models on the same items. In memory only: not
    written to results.json (its counts and rates are)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "task": self.task,
            "n": self.n,
            "metrics": self.metrics,
            **self.details,
        }


def of_kind(runs: list[Run], kind: str) -> list[Run]:
    """The runs whose results.json ``benchmark`` field is ``kind``."""
    return [run for run in runs if run.details.get("benchmark") == kind]


def run_of_log(
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
            "samples_failed": samples_failed(log),
            "provenance": provenance(log),
        },
    )


def samples_failed(log: EvalLog) -> int:
    """Samples of the log that ended in an error (left out of its numbers)."""
    return sum(sample.error is not None for sample in log.samples or [])


def provenance(log: EvalLog) -> dict[str, Any]:
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
