"""MultiTrust's dimensions of the report's scorecard: its ten sub-aspect scores, already 0-100
and higher-is-more-trustworthy by the toolbox's formulas (``mmtrust.report.scorecard``)."""

from __future__ import annotations

from typing import Any

from mmtrust.benchmarks.multitrust.aggregate import SUB_ASPECT_TITLES, SUB_ASPECTS
from mmtrust.benchmarks.multitrust.results import SUB_ASPECT_KIND
from mmtrust.benchmarks.multitrust.table import SubAspect
from mmtrust.report.runs import Run, of_kind
from mmtrust.report.scorecard import Dimension, DimensionScore

DIMENSIONS: dict[SubAspect, Dimension] = {
    key: Dimension(
        f"multitrust_{key}",
        f"{key} {SUB_ASPECT_TITLES[key].split(': ', 1)[1]}",
        short=key,
        optional=True,
    )
    for key in SUB_ASPECTS
}


def scorecard_scores(runs: list[Run]) -> list[DimensionScore]:
    """Per model, each sub-aspect it has a score for, from its sub-aspect run on MultiTrust's
    own data where there is one, else on the TrustWorld analogues."""
    chosen: dict[str, Run] = {}
    for run in of_kind(runs, SUB_ASPECT_KIND):
        if run.model not in chosen or chosen[run.model].details.get("analogue"):
            chosen[run.model] = run
    return [
        score
        for run in chosen.values()
        for key, dimension in DIMENSIONS.items()
        if (score := _sub_aspect(run, key, dimension)) is not None
    ]


def _sub_aspect(run: Run, key: SubAspect, dimension: Dimension) -> DimensionScore | None:
    entry: dict[str, Any] = run.metrics["sub_aspects"].get(key) or {}
    if entry.get("score") is None:
        return None  # not measured: the scorecard says so
    tasks = SUB_ASPECTS[key]
    used = entry.get("tasks", {})
    interval = entry.get("ci95")
    source = "TrustWorld analogues" if run.details.get("analogue") else run.details.get("dataset")
    parts = ", ".join(f"{task} {float(score):.1f}" for task, score in used.items())
    missing = ", ".join(entry.get("tasks_missing", []))
    return DimensionScore(
        model=run.model,
        dimension=dimension.key,
        title=dimension.title,
        score=float(entry["score"]),
        interval=(float(interval[0]), float(interval[1])) if interval else None,
        coverage=len(used) / len(tasks),
        n=len(used),
        how=(
            f"MultiTrust's {SUB_ASPECT_TITLES[key]} (its toolbox's weighted mean of its tasks' "
            f"0-100 scores) on {source}: {parts}"
            + (f"; not run: {missing}" if missing else "")
            + ". Bootstrap 95% interval over the items. Coverage: share of its tasks run."
        ),
        partial=entry.get("status") == "partial",
    )
