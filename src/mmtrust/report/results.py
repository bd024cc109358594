"""Results from Inspect logs: one run per (log, benchmark view), metrics recomputed from the
per-sample scores with the pure functions of ``mmtrust.metrics`` (so strata and intervals come
from the same code as the headline numbers). Each log goes to the benchmark that owns its task
(``mmtrust.benchmarks``), which reads its runs out of it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, read_eval_log

from mmtrust.benchmarks import BENCHMARKS, benchmark_of_task
from mmtrust.report.examples import Example
from mmtrust.report.log_cache import cached, cached_value, log_key
from mmtrust.report.log_selection import LogProblem, LogSelection, select_logs, unreadable
from mmtrust.report.runs import Run


@dataclass
class Collected:
    """The runs of a log folder, and what it held that is not a result."""

    runs: list[Run]
    selection: LogSelection
    examples: list[Example] = field(default_factory=list)
    """Items where a model failed, a few per log (the report's examples; not in results.json)."""

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
    examples: list[Example] = []
    for header in selection.complete:
        if benchmark_of_task(header.eval.task) is None:
            selection.problems.append(
                LogProblem(
                    header.location, f"task {header.eval.task!r} is not an mmtrust benchmark"
                )
            )
            continue
        try:
            found, picked = cached(header.location, partial(_read_log, header.location))
        except Exception as error:
            selection.problems.append(LogProblem(header.location, unreadable(error)))
            continue
        runs.extend(found)
        examples.extend(picked)
    # formed over the runs of every log read: kept under all their logs' keys (not kept when a
    # log is remote, with no key)
    keys = [log_key(header.location) for header in selection.complete]
    for benchmark in BENCHMARKS:
        if benchmark.aggregate_runs is not None:
            own = [run for run in runs if run.details.get("benchmark") in benchmark.run_kinds]
            aggregate = partial(benchmark.aggregate_runs, own)
            if None in keys:
                runs.extend(aggregate())
            else:
                key = "|".join(sorted(str(k) for k in keys))
                runs.extend(cached_value(f"aggregate|{benchmark.name}|{key}", aggregate))
    return Collected(runs, selection, examples)


def _read_log(location: str) -> tuple[list[Run], list[Example]]:
    """A complete log's runs and examples, from all its samples."""
    log = read_eval_log(location)
    return runs_from_log(log), examples_from_log(log)


def collect_runs(log_dir: Path | str) -> list[Run]:
    """The runs of ``collect(log_dir)``."""
    return collect(log_dir).runs


def runs_from_log(log: EvalLog) -> list[Run]:
    """The runs of one complete log, read by the benchmark that owns its task (none for a
    task that is not mmtrust's)."""
    benchmark = benchmark_of_task(log.eval.task)
    return benchmark.runs_from_log(log) if benchmark else []


def examples_from_log(log: EvalLog) -> list[Example]:
    """The failed items the benchmark that owns the log's task picks out of it."""
    benchmark = benchmark_of_task(log.eval.task)
    if benchmark is None or benchmark.examples is None:
        return []
    return [replace(example, benchmark=benchmark.name) for example in benchmark.examples(log)]
