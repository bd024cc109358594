"""What a benchmark is to the rest of mmtrust: one record per benchmark folder.

Every benchmark lives in ``mmtrust/benchmarks/<name>/`` and describes itself with one
``Benchmark``: its Inspect tasks, the suites it contributes, how its runs are read out of a log
(results.json), its section of the HTML report and its line of the CLI summary. The list of
records (``mmtrust.benchmarks.BENCHMARKS``) is the one place the registry, ``mmtrust list``, the
suites, results.json, the report and the CLI read, so adding a benchmark is its folder and one
line there. This module is shared: it knows the shape of a benchmark, never a benchmark.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from inspect_ai import Task
from inspect_ai.log import EvalLog

from mmtrust.report.examples import Example
from mmtrust.report.runs import Run
from mmtrust.report.scorecard import Dimension, DimensionScore


@dataclass(frozen=True)
class SuiteTask:
    name: str
    """Registered task name, e.g. "mmtrust/mub_misleading"."""
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Suite:
    """Tasks (with arguments) that ``mmtrust run NAME`` evaluates together."""

    description: str
    tasks: tuple[SuiteTask, ...]


@dataclass(frozen=True)
class Benchmark:
    name: str
    """The folder's name: ``mmtrust/benchmarks/<name>/``."""
    title: str
    """How the report heads its section, e.g. "Misleading (MUB)"."""
    tasks: tuple[Callable[..., Task], ...]
    """Its ``@task`` functions; each is ``mmtrust/<function name>`` to Inspect."""
    run_kinds: tuple[str, ...]
    """The values its runs carry in results.json's ``benchmark`` field (a benchmark with an
    offline analogue has two, e.g. "mossbench" and TrustWorld's "oversensitivity")."""
    runs_from_log: Callable[[EvalLog], list[Run]]
    """Its results.json runs from one complete log of one of its tasks."""
    report_section: Callable[[list[Run]], str]
    """Its HTML section from its runs (the empty string when there are none)."""
    summary: Callable[[Run], str]
    """What the CLI prints after a run's model, task, n and accuracy."""
    suites: Mapping[str, Suite] = field(default_factory=dict)
    """The suites it contributes, by name."""
    default_suite: tuple[SuiteTask, ...] = ()
    """Its part of the default suite (``make demo``)."""
    datasets: Mapping[str, str] = field(default_factory=dict)
    """Named datasets its tasks take (``-T dataset=NAME``), described for ``mmtrust list``."""
    aggregate_runs: Callable[[list[Run]], list[Run]] | None = None
    """Rows formed over several of its runs (MultiTrust's sub-aspect scores over its task
    runs), appended to results.json after the runs of every log; their ``benchmark`` field is
    one of its ``run_kinds`` too."""
    dimensions: tuple[Dimension, ...] = ()
    """Its columns of the report's scorecard, in order."""
    scorecard: Callable[[list[Run]], list[DimensionScore]] | None = None
    """Its scores on those dimensions, per model, from its runs (all of them, aggregates
    included)."""
    examples: Callable[[EvalLog], list[Example]] | None = None
    """A few items of one complete log of one of its tasks where the model failed, for the
    report (none when it failed on none)."""

    def task_names(self) -> list[str]:
        """Its tasks' short names (``mmtrust/`` omitted)."""
        return [task.__name__ for task in self.tasks]
