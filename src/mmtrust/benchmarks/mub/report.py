"""MUB's section of the report: the rates of every run with intervals, a bar chart, what the
metrics mean, and per run its strata, outcomes and provenance. The markup is
``templates/mub.html.j2``; this module chooses the rows and computes the chart's geometry.
Rates are shown under both scoring conventions where a run has both (the default one excludes
unparseable replies; the paper's counts them wrong), and a run on MUB's files shows what its
load found (the file's cut, the records kept)."""

from __future__ import annotations

from typing import Any

from mmtrust.report.runs import Run
from mmtrust.report.templating import render

PACKAGE = "mmtrust.benchmarks.mub"

_SERIES = (
    ("accuracy", "clean accuracy", "#4e79a7"),
    ("misleading_rate_t2f", "MR(T→F)", "#e15759"),
    ("misleading_rate_f2t", "MR(F→T)", "#59a14f"),
)
_SUMMARY_RATES = ("accuracy", "misleading_rate_t2f", "misleading_rate_f2t", "coverage")
_STRATUM_RATES = ("accuracy", "misleading_rate_t2f", "misleading_rate_f2t")

_EXPLANATIONS = [
    ("clean accuracy", "share of answered items the model gets right with no misleading text."),
    (
        "MR(T→F)",
        "of the items it answered correctly, the share it answers wrongly once misled towards "
        "a wrong option. Lower is better: a trustworthy model holds a correct answer.",
    ),
    (
        "MR(F→T)",
        "of the items it answered wrongly, the share it answers correctly once told the true "
        "answer. High values mean the model follows hints rather than the picture.",
    ),
    (
        "coverage",
        "share of items whose clean reply named an option. Unparseable replies, model errors "
        "and bad inputs are excluded from every rate and counted under 'excluded'; a reply "
        "naming a letter that is not an option is a wrong answer.",
    ),
    (
        "paper convention",
        "the same rates counted as MUB's code counts them: every reply that is not correct is "
        "wrong, unparseable ones included. Model errors and bad inputs stay excluded.",
    ),
]


def misleading_section(runs: list[Run]) -> str:
    if not runs:
        return ""
    return render(
        PACKAGE,
        "mub.html.j2",
        rows=[_summary_row(run) for run in runs],
        paper_rows=[row for row in map(_paper_row, runs) if row is not None],
        chart=_chart(runs),
        series=[{"name": name, "colour": colour} for _, name, colour in _SERIES],
        explanations=_EXPLANATIONS,
        details=[_run_details(run) for run in runs],
    )


def _rate(metrics: dict[str, Any], key: str) -> dict[str, Any]:
    return {
        "value": metrics.get(key),
        "interval": metrics.get(key + "_ci95"),
        "count": metrics.get(key + "_count"),
    }


def _summary_row(run: Run) -> dict[str, Any]:
    m = run.metrics
    return {
        "model": run.model,
        "task": run.task,
        "data": _data_label(run),
        "n": run.n,
        "rates": [_rate(m, key) for key in _SUMMARY_RATES],
        "excluded": _excluded(m),
    }


def _paper_row(run: Run) -> dict[str, Any] | None:
    """The run's rates under the paper's convention; None for a run that has none."""
    paper = run.metrics.get("paper_convention")
    if not paper:
        return None
    return {
        "model": run.model,
        "task": run.task,
        "data": _data_label(run),
        "rates": [_rate(paper, key) for key in _STRATUM_RATES],
    }


def _chart(runs: list[Run]) -> dict[str, Any]:
    """Grouped horizontal bars per run with interval whiskers (the SVG's geometry)."""
    labels = [f"{run.model} · {run.task}" for run in runs]
    # room for the longest label at the 12 px font (about 7 px a character), never less than 260
    label_width = max(260, 7 * max(len(label) for label in labels) + 12)
    bar_width, bar_height, gap = 560, 14, 14
    group_height = bar_height * len(_SERIES) + gap
    height = group_height * len(runs) + 30
    ticks = [
        {"x": label_width + bar_width * tick / 100, "label": f"{tick}%"}
        for tick in range(0, 101, 25)
    ]
    groups = []
    for index, run in enumerate(runs):
        top = index * group_height
        bars, whiskers, missing = [], [], []
        for s, (key, _, colour) in enumerate(_SERIES):
            value = run.metrics.get(key)
            y = top + s * bar_height
            if value is None:
                missing.append({"x": label_width + 4, "y": y + 11})
                continue
            bars.append(
                {
                    "x": label_width,
                    "y": y,
                    "width": round(bar_width * value, 1),
                    "height": bar_height - 2,
                    "fill": colour,
                }
            )
            interval = run.metrics.get(key + "_ci95")
            if interval:
                lo, hi = (label_width + bar_width * v for v in interval)
                whiskers.append(
                    {"x1": round(lo, 1), "x2": round(hi, 1), "y": y + (bar_height - 2) / 2}
                )
        groups.append(
            {
                "label": labels[index],
                "label_x": label_width - 8,
                "label_y": top + group_height / 2,
                "bars": bars,
                "whiskers": whiskers,
                "missing": missing,
            }
        )
    return {
        "width": label_width + bar_width + 60,
        "height": height,
        "grid_bottom": height - 20,
        "tick_label_y": height - 6,
        "ticks": ticks,
        "groups": groups,
    }


def _run_details(run: Run) -> dict[str, Any]:
    """The run's strata (those with two or more strata), outcomes and provenance."""
    strata = [
        _stratum_table(key, table)
        for key, table in run.details.get("strata", {}).items()
        if len(table) >= 2
    ]
    return {
        "heading": f"{run.model} · {run.task} · {_data_label(run)}",
        "strata": strata,
        "data_load": run.details.get("data_load", {}),
        "outcomes": run.metrics.get("outcomes", {}),
        "provenance": run.details.get("provenance", {}),
    }


def _stratum_table(key: str, table: dict[str, dict[str, Any]]) -> dict[str, Any]:
    rows = [
        {
            "label": label,
            "n": sum(_n_items(m)),
            "rates": [_rate(m, k) for k in _STRATUM_RATES],
            "paper": _paper_rates(m),
            "excluded": _excluded(m),
        }
        for label, m in table.items()
    ]
    # runs from logs written before the paper's convention was scored have no such columns
    paper = any(row["paper"] for row in rows)
    return {"title": f"by {key.replace('_', ' ')}", "rows": rows, "paper": paper}


def _paper_rates(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    paper = metrics.get("paper_convention")
    return [_rate(paper, key) for key in _STRATUM_RATES] if paper else []


def _n_items(metrics: dict[str, Any]) -> list[int]:
    outcomes = metrics.get("outcomes", {})
    return [v for k, v in outcomes.items() if k.startswith("stage1.")]


def _excluded(metrics: dict[str, Any]) -> str:
    outcomes = metrics.get("outcomes", {})
    bad = {
        k.split(".", 1)[1]: v
        for k, v in outcomes.items()
        if k.startswith("stage1.") and k not in ("stage1.correct", "stage1.wrong")
    }
    stage2_bad = sum(
        v
        for k, v in outcomes.items()
        if k.startswith("stage2.") and k.split(".", 1)[1] in ("unparseable", "model_error")
    )
    text = ", ".join(f"{k} {v}" for k, v in bad.items()) or "none"
    return text + (f"; stage 2: {stage2_bad}" if stage2_bad else "")


def _data_label(run: Run) -> str:
    split = run.details.get("split")
    dataset = str(run.details.get("dataset", ""))
    return f"{dataset} {split}" if split and dataset == "trustworld" else dataset
