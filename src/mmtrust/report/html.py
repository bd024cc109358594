"""A self-contained HTML report (no scripts, no network): each benchmark's section (its record
says how), then what is not in the numbers. The markup is the template
``report/templates/page.html.j2``; each section renders its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mmtrust.benchmarks import BENCHMARKS
from mmtrust.report.log_selection import LogSelection
from mmtrust.report.runs import Run
from mmtrust.report.templating import SHARED, render


def render_report(
    runs: list[Run], title: str = "mmtrust trust report", selection: LogSelection | None = None
) -> str:
    sections = []
    if runs:
        for benchmark in BENCHMARKS:
            own = [run for run in runs if run.details.get("benchmark") in benchmark.run_kinds]
            sections.append(benchmark.report_section(own))
    return render(
        SHARED,
        "page.html.j2",
        title=title,
        has_runs=bool(runs),
        sections=[section for section in sections if section],
        **_not_reported(runs, selection),
    )


def write_report(runs: list[Run], path: Path, selection: LogSelection | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(runs, selection=selection), encoding="utf-8")


def _not_reported(runs: list[Run], selection: LogSelection | None) -> dict[str, Any]:
    """Failed samples, incomplete runs and unreadable logs: apart from the results, and in no
    number above."""
    failed = [
        {
            "task": run.task,
            "model": run.model,
            "samples_failed": run.details["samples_failed"],
            "log": str(run.details.get("provenance", {}).get("log", "")),
        }
        for run in runs
        if run.details.get("samples_failed")
    ]
    return {
        "failed": failed,
        "incomplete": selection.incomplete if selection else [],
        "problems": selection.problems if selection else [],
    }
