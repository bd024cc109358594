"""The consistency part of the HTML report: MM-R3 metrics per task, accuracy per variant and
the outcome counts per task. The markup is ``templates/consistency.html.j2``."""

from __future__ import annotations

from typing import Any

from mmtrust.report.runs import Run
from mmtrust.report.templating import render

PACKAGE = "mmtrust.benchmarks.consistency"

_COLUMNS = (
    ("accuracy", "accuracy"),
    ("soft_accuracy", "soft accuracy"),
    ("ss_gt", "SS_gt"),
    ("consistency", "consistency"),
    ("semantic_similarity", "SS"),
    ("hmean", "Hmean"),
    ("closed_consistency", "exact-match consistency"),
    ("closed_accuracy", "exact-match accuracy"),
)


def consistency_section(runs: list[Run]) -> str:
    if not runs:
        return ""
    # every outcome any run counts, in first-seen order: one column each
    keys = list(dict.fromkeys(key for run in runs for key in run.metrics.get("outcomes") or {}))
    return render(
        PACKAGE,
        "consistency.html.j2",
        titles=[title for _, title in _COLUMNS],
        rows=[
            {
                "model": run.model,
                "task": run.task,
                "prompt": str(run.details.get("prompt")),
                "n": run.n,
                "cells": [run.metrics.get(key) for key, _ in _COLUMNS],
            }
            for run in runs
        ],
        by_variant=[
            {"task": run.task, "accuracies": list(by_variant.items())}
            for run in runs
            if (by_variant := run.metrics.get("accuracy_by_variant") or {})
        ],
        outcome_titles=[key.replace("_", " ") for key in keys],
        outcome_rows=_outcome_rows(runs, keys),
    )


def _outcome_rows(runs: list[Run], keys: list[str]) -> list[dict[str, Any]]:
    """Per run its count of each outcome ("" where the run does not count it)."""
    rows = []
    for run in runs:
        counts = run.metrics.get("outcomes") or {}
        if counts:
            rows.append(
                {
                    "model": run.model,
                    "task": run.task,
                    "counts": [counts.get(key, "") for key in keys],
                }
            )
    return rows
