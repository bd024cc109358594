"""Which logs of a folder are results: one complete log per task, the rest accounted for.

A resumed run leaves two logs of one task behind (Inspect's eval-set pairs them by
``eval.task_id``): the interrupted one, still marked ``started``, and the one that finished it,
which holds every sample. Only the newest complete log of a task is a result. A task with no
complete log is listed apart as incomplete, with its sample count, and enters no headline
number. A file that cannot be read is named with the reason, and the rest is reported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log

from mmtrust.report.log_cache import cached


@dataclass(frozen=True)
class IncompleteRun:
    """A task whose logs hold no complete run (interrupted, failed or cancelled)."""

    task: str
    model: str
    status: str
    samples_logged: int
    samples_planned: int | None
    log: str
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LogProblem:
    """A file of the folder that gave no result, and why."""

    log: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LogSelection:
    complete: list[EvalLog] = field(default_factory=list)
    """The newest complete log of each task, oldest first: its header only (no samples;
    ``mmtrust.report.results.collect`` reads them)."""
    incomplete: list[IncompleteRun] = field(default_factory=list)
    problems: list[LogProblem] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    """Logs of a task that a newer complete log replaces (e.g. the interrupted attempt)."""


def select_logs(log_dir: Path | str) -> LogSelection:
    """The logs of ``log_dir`` (recursively) sorted into results, incomplete runs and files
    that could not be read. Raises FileNotFoundError when the folder holds no log at all."""
    folder = Path(log_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of Inspect logs")
    infos = list_eval_logs(str(folder))
    if not infos:
        raise FileNotFoundError(f"no Inspect logs (.eval or .json) in {folder}")
    selection = LogSelection()
    headers: list[EvalLog] = []
    for info in infos:
        try:
            headers.append(cached(info.name, partial(_header, info.name), part="header"))
        except Exception as error:
            selection.problems.append(LogProblem(info.name, unreadable(error)))
    by_task: dict[str, list[EvalLog]] = {}
    for header in headers:
        by_task.setdefault(header.eval.task_id, []).append(header)
    for attempts in by_task.values():
        attempts.sort(key=lambda h: (h.status == "success", h.eval.created, h.location))
        newest = attempts[-1]
        selection.superseded += [h.location for h in attempts[:-1]]
        # a log where every sample failed has no results: nothing to report
        if newest.status == "success" and newest.results is not None:
            selection.complete.append(newest)
            continue
        try:
            log = read_eval_log(newest.location)
        except Exception as error:
            selection.problems.append(LogProblem(newest.location, unreadable(error)))
            continue
        selection.incomplete.append(_incomplete(log))
    selection.complete.sort(key=lambda log: (log.eval.created, log.location))
    return selection


def _header(location: str) -> EvalLog:
    return read_eval_log(location, header_only=True)


def _incomplete(log: EvalLog) -> IncompleteRun:
    planned = log.eval.dataset.samples
    if planned is not None and log.eval.config.limit is not None:
        limit = log.eval.config.limit
        planned = min(planned, limit if isinstance(limit, int) else limit[1] - limit[0])
    if planned is not None and log.eval.config.epochs:
        planned *= log.eval.config.epochs
    return IncompleteRun(
        task=log.eval.task,
        model=log.eval.model,
        status=log.status if log.status != "success" else "every sample failed",
        samples_logged=sum(sample.error is None for sample in log.samples or []),
        samples_planned=planned,
        log=log.location,
        error=log.error.message if log.error else None,
    )


def unreadable(error: Exception) -> str:
    return (
        "unreadable log: corrupt, truncated or not an Inspect log "
        f"({type(error).__name__}: {error})"
    )
