"""Every mmtrust benchmark, one record each (``mmtrust.benchmark.Benchmark``): the list the
registry, ``mmtrust list``, the suites, results.json, the report and the CLI read.

A new benchmark is a folder here with its record in its ``__init__.py``, and one line below.
The order is the order of the default suite, the report and the CLI summary.
"""

from collections.abc import Callable

from inspect_ai import Task

from mmtrust.benchmark import Benchmark
from mmtrust.benchmarks import calibration, consistency, mossbench, mub, multitrust

BENCHMARKS: tuple[Benchmark, ...] = (
    mub.BENCHMARK,
    calibration.BENCHMARK,
    consistency.BENCHMARK,
    mossbench.BENCHMARK,
    multitrust.BENCHMARK,
)


def all_tasks() -> dict[str, Callable[..., Task]]:
    """Every benchmark's tasks by short name (``mmtrust/`` omitted)."""
    return {task.__name__: task for benchmark in BENCHMARKS for task in benchmark.tasks}


def benchmark_of_task(task_name: str) -> Benchmark | None:
    """The benchmark a task (``mmtrust/name`` or ``name``) belongs to; None for a task that is
    not mmtrust's."""
    short = task_name.removeprefix("mmtrust/")
    return next((b for b in BENCHMARKS if short in b.task_names()), None)


def benchmark_of_run(kind: str | None) -> Benchmark | None:
    """The benchmark whose runs carry ``kind`` in results.json's ``benchmark`` field."""
    return next((b for b in BENCHMARKS if kind in b.run_kinds), None)
