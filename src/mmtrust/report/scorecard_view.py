"""The scorecard as the report shows it: the table at the top (one row per model, one column
per dimension), a bar view per model, and the comparisons with the first model. The markup is
``templates/scorecard.html.j2``; this module lays out the cells and the charts' geometry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mmtrust.report.comparison import Comparison
from mmtrust.report.scorecard import Dimension, DimensionScore

_BAR_LABEL_WIDTH, _BAR_WIDTH, _BAR_HEIGHT = 150, 180, 13


@dataclass(frozen=True)
class ScorecardView:
    dimensions: list[Dimension]
    models: list[str]
    rows: list[dict[str, Any]]
    charts: list[dict[str, Any]]

    @property
    def abbreviated(self) -> list[Dimension]:
        """The dimensions whose column heading is an abbreviation (spelt out below it)."""
        return [d for d in self.dimensions if d.short]


def scorecard_view(scores: list[DimensionScore], dimensions: list[Dimension]) -> ScorecardView:
    """A column per dimension, in order: each one that is not optional (a model not measured
    on it shows it as such), and each optional one that some model has a score for."""
    present = {score.dimension for score in scores}
    dimensions = [d for d in dimensions if not d.optional or d.key in present]
    models = list(dict.fromkeys(score.model for score in scores))
    by_key = {(score.model, score.dimension): score for score in scores}
    rows = [
        {"model": model, "cells": [_cell(by_key.get((model, d.key))) for d in dimensions]}
        for model in models
    ]
    charts = [_chart(model, dimensions, by_key) for model in models]
    return ScorecardView(dimensions, models, rows, charts)


def colour(score: float) -> str:
    """A background from red (0) through amber (50) to green (100), light enough for text."""
    return f"hsl({round(1.2 * max(0.0, min(100.0, score)))}, 65%, 82%)"


def _cell(score: DimensionScore | None) -> dict[str, Any] | None:
    if score is None:
        return None
    return {
        "score": f"{score.score:.0f}",
        "interval": f"[{score.interval[0]:.0f}, {score.interval[1]:.0f}]" if score.interval else "",
        "coverage": "" if score.coverage is None else f"{100 * score.coverage:.0f}%",
        "n": score.n,
        "colour": colour(score.score),
        "partial": score.partial,
        "how": score.how,
    }


def _chart(
    model: str, dimensions: list[Dimension], by_key: dict[tuple[str, str], DimensionScore]
) -> dict[str, Any]:
    """Horizontal bars 0-100 per dimension with interval whiskers; "not measured" in words."""
    bars = []
    for index, dimension in enumerate(dimensions):
        y = 18 + index * (_BAR_HEIGHT + 4)
        score = by_key.get((model, dimension.key))
        bar: dict[str, Any] = {
            "label": dimension.title,
            "label_x": _BAR_LABEL_WIDTH - 6,
            "y": y,
            "text_y": y + _BAR_HEIGHT - 3,
            "measured": score is not None,
            "whisker": None,
        }
        if score is not None:
            bar.update(
                x=_BAR_LABEL_WIDTH,
                width=round(_BAR_WIDTH * score.score / 100, 1),
                height=_BAR_HEIGHT,
                fill=colour(score.score).replace("82%", "55%"),
                value=f"{score.score:.0f}",
                value_x=_BAR_LABEL_WIDTH + _BAR_WIDTH + 4,
            )
            if score.interval:
                bar["whisker"] = {
                    "x1": round(_BAR_LABEL_WIDTH + _BAR_WIDTH * score.interval[0] / 100, 1),
                    "x2": round(_BAR_LABEL_WIDTH + _BAR_WIDTH * score.interval[1] / 100, 1),
                    "y": y + _BAR_HEIGHT / 2,
                }
        else:
            bar["value_x"] = _BAR_LABEL_WIDTH + 4
        bars.append(bar)
    return {
        "model": model,
        "width": _BAR_LABEL_WIDTH + _BAR_WIDTH + 34,
        "height": 24 + len(dimensions) * (_BAR_HEIGHT + 4),
        "axis_x0": _BAR_LABEL_WIDTH,
        "axis_x1": _BAR_LABEL_WIDTH + _BAR_WIDTH,
        "bars": bars,
    }


def comparison_rows(comparisons: list[Comparison]) -> list[dict[str, Any]]:
    return [
        {
            "model": c.model,
            "baseline": c.baseline,
            "dimension": c.title,
            "difference": f"{c.difference:+.1f}",
            "interval": f"[{c.interval[0]:+.1f}, {c.interval[1]:+.1f}]" if c.interval else "",
            "p_value": "" if c.p_value is None else _p(c.p_value),
            "method": c.method,
            "clear": c.clear,
            "better": c.difference > 0,
        }
        for c in comparisons
    ]


def _p(value: float) -> str:
    return f"{value:.3f}" if value >= 0.001 else f"{value:.1e}"
