"""MultiTrust's section of the HTML report: per-task scores with their coverage, and the
sub-aspect scores beside the published ones (marked as different data when the run is a
TrustWorld analogue). The markup is ``templates/multitrust.html.j2``."""

from __future__ import annotations

from typing import Any

from mmtrust.benchmarks.multitrust.aggregate import SUB_ASPECT_TITLES
from mmtrust.benchmarks.multitrust.published import PUBLISHED, REPORTED_MODELS
from mmtrust.benchmarks.multitrust.results import RUN_KIND, SUB_ASPECT_KIND
from mmtrust.report.runs import Run, of_kind
from mmtrust.report.templating import render

PACKAGE = "mmtrust.benchmarks.multitrust"


def multitrust_section(runs: list[Run]) -> str:
    tasks = of_kind(runs, RUN_KIND)
    aspects = of_kind(runs, SUB_ASPECT_KIND)
    if not tasks and not aspects:
        return ""
    return render(
        PACKAGE,
        "multitrust.html.j2",
        task_rows=[_task_row(run) for run in sorted(tasks, key=_order)],
        aspect_rows=[_aspect_row(run) for run in aspects],
        sub_aspects=list(SUB_ASPECT_TITLES.items()),
        published=[{"model": model, **PUBLISHED[model]} for model in REPORTED_MODELS],
    )


def _order(run: Run) -> tuple[str, str, str]:
    return (run.model, str(run.details.get("dataset")), str(run.details.get("task_id")))


def _task_row(run: Run) -> dict[str, Any]:
    m = run.metrics
    return {
        "model": run.model,
        "task_id": run.details.get("task_id"),
        "title": run.details.get("title"),
        "data": "TrustWorld analogue" if run.details.get("analogue") else "MultiTrust",
        "score": m.get("score"),
        "status": m.get("status"),
        "groups": m.get("groups", {}),
        "missing": run.details.get("groups_missing", []),
        "coverage_notes": run.details.get("coverage_notes", []),
        "outcomes": {k: v for k, v in m.get("outcomes", {}).items() if v},
        "judges": run.details.get("judges", {}),
        "refusal_judges": [_card_line(name, card) for name, card in _cards(run)],
        "n": run.n,
    }


def _cards(run: Run) -> list[tuple[str, dict[str, Any]]]:
    return sorted(run.details.get("refusal_judges", {}).items())


def _card_line(name: str, card: dict[str, Any]) -> str:
    """A refusal judge and how far it agrees with people (its card)."""
    xstest = (card.get("agreement") or {}).get("xstest") or {}
    f1 = xstest.get("f1")
    measured = "not measured" if f1 is None else f"F1 {f1:.2f} on XSTest's people-labelled replies"
    return f"refusal judge {name}: {measured}"


def _aspect_row(run: Run) -> dict[str, Any]:
    return {
        "model": run.model,
        "data": "TrustWorld analogue" if run.details.get("analogue") else "MultiTrust",
        "sub_aspects": run.metrics.get("sub_aspects", {}),
        "overall": run.metrics.get("overall"),
    }
