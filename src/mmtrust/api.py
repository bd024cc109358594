"""The Python API behind the CLI: run tasks or suites on a model, and report on logs."""

from __future__ import annotations

import difflib
import inspect
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai import Task, eval_retry, eval_set
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, read_eval_log_sample_summaries

from mmtrust.benchmark import SuiteTask
from mmtrust.benchmarks import all_tasks
from mmtrust.models.provider_faults import fault_settings
from mmtrust.report.html import write_report
from mmtrust.report.results import Collected, collect
from mmtrust.report.runs import write_results
from mmtrust.solving import GENERATOR_ROLE, GRADER_ROLE
from mmtrust.suites import DEMO_COMPARED_MODEL, SUITES, suite_tasks

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "mmtrust/reference"
LOCAL_PROVIDERS = ("hf-vlm", "mmtrust")
LOCAL_MAX_CONNECTIONS = 64
"""Concurrent requests to a local model: enough to fill its batches (see models/local_vlm)."""
SAMPLE_RETRIES = 2
TASK_RETRIES = 2
TASK_RETRY_WAIT_S = 5.0
"""Wait before the first task retry (Inspect doubles it for each further one)."""
FAST_LOG_OPTIONS: dict[str, Any] = {
    "log_realtime": False,
    "log_images": False,
    "log_model_api": False,
}
"""What ``fast_log`` turns off (the README says what each costs)."""


@dataclass
class RunOptions:
    model: str = DEFAULT_MODEL
    model_base_url: str | None = None
    """Base URL of the model's API (default: the provider's, or ``<SERVICE>_BASE_URL``)."""
    log_dir: str = "logs"
    limit: int | None = None
    task_args: dict[str, Any] = field(default_factory=dict)
    model_args: dict[str, Any] = field(default_factory=dict)
    grader: str | None = None
    generator: str | None = None
    model_roles: dict[str, str] = field(default_factory=dict)
    """Further model roles by name (MultiTrust's ``toxicity`` and ``harm_classifier``)."""
    max_connections: int | None = None
    display: str = "plain"
    resume: bool = True
    """Finish what an interrupted run with the same tasks, model and log dir left undone
    (Inspect's eval-set); False runs everything again."""
    sample_retries: int = SAMPLE_RETRIES
    """Times a failed sample (e.g. persistent provider faults) is asked again within the run."""
    task_retries: int = TASK_RETRIES
    """Times a failed task is run again (its finished samples kept) within the run."""
    fault_retries: int | None = None
    """Retries of a request after a transient provider fault (``models/provider_faults``;
    None: ``MMTRUST_FAULT_RETRIES`` or its default)."""
    fault_backoff_s: float | None = None
    """The first wait before such a retry (None: ``MMTRUST_FAULT_BACKOFF_S`` or its default)."""
    fast_log: bool = False
    """Log less for speed with fast servers: no realtime log (no live ``inspect view``), no
    images and no raw model API calls in the log (see the README)."""


def resolve_tasks(targets: Sequence[str], task_args: dict[str, Any]) -> list[Task | str]:
    """Task objects for mmtrust task or suite names; other names pass through to Inspect."""
    chosen: list[SuiteTask] = []
    for target in targets or ["default"]:
        if target in SUITES:
            chosen.extend(suite_tasks(target))
        else:
            _check_known(target)
            chosen.append(SuiteTask(target))
    tasks = all_tasks()
    resolved: list[Task | str] = []
    used: set[str] = set()
    for entry in chosen:
        short = entry.name.removeprefix("mmtrust/")
        if short in tasks:
            # each task takes the -T arguments it has (``-T n=40`` for several tasks at once)
            accepted = _task_parameters(tasks[short])
            own = {k: v for k, v in task_args.items() if accepted is None or k in accepted}
            used |= own.keys()
            resolved.append(tasks[short](**{**entry.args, **own}))
        elif entry.args or task_args:
            raise ValueError(
                f"Task arguments for the external task {entry.name!r}: use inspect eval"
            )
        else:
            resolved.append(entry.name)
    unused = sorted(task_args.keys() - used)
    if unused:
        takes = {
            entry.name: sorted(_task_parameters(tasks[short]) or [])
            for entry in chosen
            if (short := entry.name.removeprefix("mmtrust/")) in tasks
        }
        described = "; ".join(f"{name} takes {', '.join(args)}" for name, args in takes.items())
        raise ValueError(f"task argument(s) {', '.join(unused)} taken by no task: {described}")
    return resolved


def _check_known(target: str) -> None:
    """An mmtrust name (bare or ``mmtrust/...``) must be a task or suite; other names
    (``package/task``) are Inspect's to find."""
    if "/" in target and not target.startswith("mmtrust/"):
        return
    short = target.removeprefix("mmtrust/")
    tasks = all_tasks()
    if short in tasks:
        return
    known = [*tasks, *SUITES]
    close = difflib.get_close_matches(short, known, n=4, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise ValueError(f"Unknown task or suite '{target}'.{hint} `mmtrust list` lists them all.")


def _task_parameters(task: Any) -> set[str] | None:
    """The names of a task function's parameters (None: it takes any keyword)."""
    parameters = inspect.signature(task).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return {p.name for p in parameters}


def run(targets: Sequence[str], options: RunOptions) -> list[EvalLog]:
    """Evaluate ``targets`` (tasks or suites) on ``options.model``; logs go to log_dir.

    With ``resume`` (the default) this is Inspect's eval-set over log_dir: a task whose log
    there is complete is not run again, an interrupted or failed one is finished from its log
    (finished samples are not asked again). Logs of other tasks and models may share the
    folder (``log_dir_allow_dirty``). The logs returned are headers (status, error, results);
    ``inspect_ai.log.read_eval_log(log.location)`` reads a log's samples."""
    roles = {
        role: model
        for role, model in ((GRADER_ROLE, options.grader), (GENERATOR_ROLE, options.generator))
        if model
    }
    for role, model in options.model_roles.items():
        if role in roles and roles[role] != model:
            raise ValueError(f"the {role} role is given twice: {roles[role]} and {model}")
        roles[role] = model
    max_connections = options.max_connections
    if max_connections is None and options.model.split("/")[0] in LOCAL_PROVIDERS:
        max_connections = LOCAL_MAX_CONNECTIONS
    tasks: list[Any] = resolve_tasks(targets, options.task_args)
    common: dict[str, Any] = {
        "model": options.model,
        "model_base_url": options.model_base_url,
        "model_args": pinned_model_args(options.model, options.model_args),
        "model_roles": roles or None,
        "log_dir": options.log_dir,
        "limit": options.limit,
        "max_connections": max_connections,
        "display": options.display,
        "retry_on_error": options.sample_retries or None,
    }
    if options.fast_log:
        common |= FAST_LOG_OPTIONS
    with fault_settings(options.fault_retries, options.fault_backoff_s):
        if not options.resume:
            return inspect_eval(tasks, **common)
        _, logs = eval_set(
            tasks,
            retry_attempts=options.task_retries,
            retry_wait=TASK_RETRY_WAIT_S,
            log_dir_allow_dirty=True,
            **common,
        )
        return [_ask_failed_samples_again(log, common) for log in logs]


def pinned_model_args(model: str, model_args: dict[str, Any]) -> dict[str, Any]:
    """``model_args`` with a local hub model's ``revision`` resolved to its commit (the model
    downloaded now if need be), so the log, results.json and a resume name the exact weights."""
    provider, _, name = model.partition("/")
    if provider != "hf-vlm" or Path(name).expanduser().exists() or name.count("/") != 1:
        return model_args
    from mmtrust.models.loading import hub_snapshot, snapshot_commit

    revision = model_args.get("revision")
    commit = snapshot_commit(hub_snapshot(name, None if revision is None else str(revision)))
    return model_args if commit is None else {**model_args, "revision": commit}


def _ask_failed_samples_again(log: EvalLog, common: dict[str, Any]) -> EvalLog:
    """A complete log whose samples failed (say, a gateway that was down) is run again by
    Inspect's eval_retry, which keeps the finished samples and asks only the failed ones: so
    the same command, once the fault is gone, completes the run. Eval-set itself counts such
    a log as done, as its failed samples have a (failed) result."""
    failed = failed_sample_errors(log)
    if not failed:
        return log
    logger.warning("%s: asking its %d failed samples again", log.eval.task, len(failed))
    names = ("log_dir", "max_connections", "display", "retry_on_error", *FAST_LOG_OPTIONS)
    return eval_retry(log.location, **{k: common[k] for k in names if k in common})[0]


def failed_sample_errors(log: EvalLog) -> list[str]:
    """The errors of the samples that failed in a complete log (none for another status:
    its samples are not all there to count)."""
    if log.status != "success":
        return []
    return [s.error for s in read_eval_log_sample_summaries(log.location) if s.error]


def report(log_dir: Path | str, out_dir: Path | str) -> Collected:
    """Write ``results.json`` and ``report.html`` for every run in ``log_dir``."""
    collected = collect(log_dir)
    out = Path(out_dir)
    write_results(collected.runs, out / "results.json", collected.not_reported())
    write_report(
        collected.runs, out / "report.html", collected.selection, collected.examples, log_dir
    )
    return collected


def demo(
    out_dir: Path | str, limit: int | None = None, display: str = "plain"
) -> tuple[list[EvalLog], Collected]:
    """The demo report: the default suite on the reference model and MUB on it fine-tuned on
    misleading data (``suites.DEMO_COMPARED_SUITE``), each in its own folder under
    ``OUT/logs`` (an eval-set folder holds one set of tasks), then one report over both."""
    out = Path(out_dir)
    logs = run(
        ["default"],
        RunOptions(log_dir=str(out / "logs" / "reference"), limit=limit, display=display),
    )
    logs += run(
        ["demo_compared"],
        RunOptions(
            model=DEMO_COMPARED_MODEL,
            log_dir=str(out / "logs" / DEMO_COMPARED_MODEL.removeprefix("mmtrust/")),
            limit=limit,
            display=display,
        ),
    )
    return logs, report(out / "logs", out)
