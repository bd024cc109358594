"""The calibration part of the HTML report: a metrics table and reliability diagrams. The
markup is ``templates/calibration.html.j2``; this module chooses the rows and computes the
diagrams' geometry."""

from __future__ import annotations

from typing import Any

from mmtrust.report.runs import Run
from mmtrust.report.templating import render

PACKAGE = "mmtrust.benchmarks.calibration"

_COLUMNS = (
    # (metric key, column title, with its 95% interval)
    ("accuracy", "accuracy", False),
    ("mean_confidence", "mean confidence", False),
    ("ece", "ECE", True),
    ("ece_scaled", "ECE scaled", True),
    ("mce", "MCE", False),
    ("brier", "Brier", False),
    ("auroc", "AUROC", False),
    ("aurc", "AURC", False),
    ("coverage", "coverage", False),
)

_EXPLANATIONS = [
    (
        "ECE",
        "expected calibration error: the gap between confidence and accuracy, averaged over "
        "10 equal-width confidence bins weighted by their items. 0 is perfect.",
    ),
    (
        "ECE scaled",
        "the same after temperature scaling, one temperature per answer format (multiple "
        "choice, yes/no) fitted on the calib split with the same prompts and images.",
    ),
    ("MCE", "the largest gap of any bin."),
    ("Brier", "mean squared gap between confidence and correctness (0 is perfect)."),
    (
        "AUROC",
        "how well confidence separates right from wrong answers (0.5: not at all, 1: fully).",
    ),
    (
        "AURC",
        "area under the risk-coverage curve: the error rate when only the most confident "
        "answers are kept, averaged over every coverage (lower is better).",
    ),
]


def calibration_section(runs: list[Run]) -> str:
    if not runs:
        return ""
    return render(
        PACKAGE,
        "calibration.html.j2",
        titles=[title for _, title, _ in _COLUMNS],
        rows=[_row(run) for run in runs],
        explanations=_EXPLANATIONS,
        reliability=[_reliability(run) for run in runs],
        conditions=[table for run in runs if (table := _conditions(run)) is not None],
        condition_explanations=_CONDITION_EXPLANATIONS,
    )


_CONDITION_NAMES = {
    "shown": "image shown",
    "none": "no image (text only)",
    "blank": "blank grey image, same size",
    "noise": "random-noise image, same size",
}

_CONDITION_EXPLANATIONS = [
    (
        "confidence shift",
        "the mean, over the items answered in both conditions with a confidence, of the "
        "confidence in this condition minus with the image shown (paired: the same items), "
        "with its Student-t 95% interval; an interval that excludes 0 is a clear shift.",
    ),
    (
        "accuracy shift",
        "accuracy in this condition minus with the image, on the items answered in both; "
        "right → wrong and wrong → right count those items, and the exact McNemar p-value "
        "says whether the change is more than chance.",
    ),
]


def _conditions(run: Run) -> dict[str, Any] | None:
    """The run's image conditions side by side (None: asked in one condition only)."""
    table = run.metrics.get("image_conditions")
    if not table:
        return None
    rows = []
    for condition, entry in table.items():
        shift = entry.get("shift") or {}
        rows.append(
            {
                "condition": _CONDITION_NAMES.get(condition, condition),
                "reference": not shift,
                "n": entry["n"],
                "accuracy": entry.get("accuracy"),
                "mean_confidence": entry.get("mean_confidence"),
                "ece": entry.get("ece"),
                "ece_ci95": entry.get("ece_ci95"),
                "auroc": entry.get("auroc"),
                "coverage": entry.get("coverage"),
                "shift": shift,
            }
        )
    return {"model": run.model, "rows": rows}


def _row(run: Run) -> dict[str, Any]:
    m = run.metrics
    return {
        "model": run.model,
        "data": f"{run.details.get('dataset')} {run.details.get('split')}",
        "prompt": str(run.details.get("prompt")),
        "n": run.n,
        "cells": [
            {"value": m.get(key), "interval": m.get(key + "_ci95") if ci else None}
            for key, _, ci in _COLUMNS
        ],
    }


def _reliability(run: Run) -> dict[str, Any]:
    """The run's diagrams (before scaling, and after when it was scaled) and its fits."""
    diagrams = [_diagram(run.details.get("reliability", []), "before scaling")]
    if run.details.get("reliability_scaled"):
        diagrams.append(_diagram(run.details["reliability_scaled"], "after scaling"))
    fit = run.details.get("temperature_fit") or {}
    return {
        "model": run.model,
        "diagrams": diagrams,
        "fits": [
            {
                "kind": kind,
                "temperature": f"{f['temperature']:.3g}",
                "grid_temperature": f"{f['grid_temperature']:.3g}",
                "fit_items": f["fit_items"],
                "nll_before": f"{f['option_nll_before']:.3f}",
                "nll_after": f"{f['option_nll_after']:.3f}",
            }
            for kind, f in fit.items()
        ],
    }


def _diagram(bins: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """Accuracy per confidence bin as bars against the diagonal of perfect calibration (the
    SVG's geometry); bar labels give the bin's item count."""
    size, margin = 220, 34
    width = size / max(1, len(bins))
    bars = []
    for index, b in enumerate(bins):
        if not b.get("count"):
            continue
        height = size * float(b["accuracy"])
        x = margin + index * width
        bars.append(
            {
                "x": round(x + 1, 1),
                "y": round(margin + size - height, 1),
                "width": round(width - 2, 1),
                "height": round(height, 1),
                "label_x": round(x + 2, 1),
                "label_y": round(margin + size - height - 3, 1),
                "count": b["count"],
            }
        )
    return {
        "title": title,
        "size": size + 2 * margin,
        "frame": {"x": margin, "y": margin, "size": size},
        "diagonal": {"x1": margin, "y1": margin + size, "x2": margin + size, "y2": margin},
        "title_at": {"x": margin, "y": 16},
        "zero_at": {"x": margin, "y": margin + size + 16},
        "conf_at": {"x": margin + size - 18, "y": margin + size + 16},
        "acc_at": {"x": 2, "y": margin + 8},
        "bars": bars,
    }
