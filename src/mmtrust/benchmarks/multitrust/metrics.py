"""MultiTrust's numbers from per-item scores: the group means and the task score, as Inspect
metrics (so ``inspect eval`` and ``inspect view`` show them) and as plain functions (for
results.json)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from inspect_ai.scorer import Metric, SampleScore, metric

from mmtrust.benchmarks.multitrust.formulas import TaskScore, task_score
from mmtrust.benchmarks.multitrust.table import task_spec


def group_values(scored: Iterable[tuple[float, Mapping[str, Any]]]) -> dict[str, list[float]]:
    """Each group's item values (unscored items, NaN, left out)."""
    groups: dict[str, list[float]] = defaultdict(list)
    for value, metadata in scored:
        if not math.isnan(value):
            groups[str(metadata.get("group"))].append(value)
    return dict(groups)


def group_means(scored: Iterable[tuple[float, Mapping[str, Any]]]) -> dict[str, float]:
    return {g: sum(v) / len(v) for g, v in group_values(scored).items() if v}


def score_of_task(
    task_id: str, means: Mapping[str, float], *, string_max: bool = False
) -> TaskScore:
    """The task's score (0-100) from its groups' means, by its formula."""
    return task_score(task_spec(task_id).score, means, string_max=string_max)


def _scored(scores: list[SampleScore]) -> list[tuple[float, Mapping[str, Any]]]:
    return [(s.score.as_float(), s.score.metadata or {}) for s in scores]


@metric(name="multitrust_score")
def multitrust_score(task_id: str, string_max: bool = False) -> Metric:
    """The task's score on 0-100, higher is more trustworthy (NaN when nothing was scored).
    Over a part of the task's groups it is the formula renormalised over what was scored;
    results.json marks such a score partial and names what it lacks."""

    def compute(scores: list[SampleScore]) -> float:
        value = score_of_task(task_id, group_means(_scored(scores)), string_max=string_max).value
        return float("nan") if value is None else value

    return compute


@metric(name="group_mean")
def group_mean_metric() -> Metric:
    """Each group's mean item value (0-1): a sub-dataset, prompt variant or T.6 kind."""

    def compute(scores: list[SampleScore]) -> dict[str, float]:
        return {g: round(m, 6) for g, m in sorted(group_means(_scored(scores)).items())}

    return compute
