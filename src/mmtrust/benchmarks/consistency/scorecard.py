"""MM-R3's dimension of the report's scorecard: the same answer across rephrased, restyled
and masked variants of a question (``mmtrust.report.scorecard``)."""

from __future__ import annotations

from statistics import fmean

from mmtrust.report.runs import Run, of_kind
from mmtrust.report.scorecard import Dimension, DimensionScore, items_of_runs, mean_interval

CONSISTENCY = Dimension("consistency", "consistency")


def scorecard_scores(runs: list[Run]) -> list[DimensionScore]:
    """Per model, 100 × the mean exact-match consistency over every group of its consistency
    runs (rephrasing, restyling, masking pooled)."""
    by_model: dict[str, list[Run]] = {}
    for run in of_kind(runs, "consistency"):
        if run.item_values:
            by_model.setdefault(run.model, []).append(run)
    return [_consistency(own) for own in by_model.values()]


def _consistency(runs: list[Run]) -> DimensionScore:
    values = items_of_runs(runs)
    asked = sum(run.n for run in runs)
    parts = "; ".join(
        f"{run.task.removeprefix('consistency_')} {fmean(run.item_values.values()):.3f} "
        f"({len(run.item_values)} groups)"
        for run in runs
    )
    return DimensionScore(
        model=runs[0].model,
        dimension=CONSISTENCY.key,
        title=CONSISTENCY.title,
        score=100 * fmean(values.values()),
        interval=mean_interval(list(values.values())),
        coverage=len(values) / asked if asked else None,
        n=len(values),
        how=(
            "100 × the mean exact-match consistency of a question's variants (the share of "
            f"variant pairs giving the same answer), over every group: {parts}; "
            "normal-approximation 95% interval. Coverage: share of asked groups with two or "
            "more read answers."
        ),
        item_values=values,
    )
