"""A self-contained HTML report (no scripts, no network): the scorecard of every model, then
each benchmark's section (its record says how) with its models compared and a few items where
they failed, then what is not in the numbers. The markup is ``report/templates/``
(``page.html.j2``, ``scorecard.html.j2``, ``examples.html.j2``); each section renders its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mmtrust.benchmark import Benchmark
from mmtrust.benchmarks import BENCHMARKS
from mmtrust.report.comparison import compare
from mmtrust.report.examples import Example
from mmtrust.report.log_selection import LogSelection
from mmtrust.report.runs import Run
from mmtrust.report.scorecard import DimensionScore
from mmtrust.report.scorecard_view import comparison_rows, scorecard_view
from mmtrust.report.templating import SHARED, render

INSPECT_VIEW = "http://127.0.0.1:7575/"
"""Where ``inspect view --log-dir LOG_DIR`` serves the logs (its default host and port)."""


def render_report(
    runs: list[Run],
    title: str = "mmtrust trust report",
    selection: LogSelection | None = None,
    examples: Iterable[Example] = (),
    log_dir: Path | str | None = None,
) -> str:
    sections = []
    every_score: list[DimensionScore] = []
    chosen = list(examples)
    if runs:
        for benchmark in BENCHMARKS:
            own = [run for run in runs if run.details.get("benchmark") in benchmark.run_kinds]
            scores = benchmark.scorecard(own) if benchmark.scorecard else []
            every_score += scores
            section = benchmark.report_section(own)
            if section:
                sections.append(section + _compared(scores) + _examples(benchmark, chosen, log_dir))
    view = scorecard_view(every_score, [d for b in BENCHMARKS for d in b.dimensions])
    scorecard = (
        render(
            SHARED,
            "scorecard.html.j2",
            view=view,
            comparisons=comparison_rows(compare(every_score)),
        )
        if runs
        else ""
    )
    return render(
        SHARED,
        "page.html.j2",
        title=title,
        has_runs=bool(runs),
        scorecard=scorecard,
        sections=sections,
        log_dir=str(log_dir) if log_dir else None,
        **_not_reported(runs, selection),
    )


def write_report(
    runs: list[Run],
    path: Path,
    selection: LogSelection | None = None,
    examples: Iterable[Example] = (),
    log_dir: Path | str | None = None,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    html = render_report(runs, selection=selection, examples=examples, log_dir=log_dir)
    path.write_text(html, encoding="utf-8")


def _compared(scores: list[DimensionScore]) -> str:
    """The section's dimensions compared across its models (nothing for a single model)."""
    rows = comparison_rows(compare(scores))
    return render(SHARED, "compared.html.j2", comparisons=rows) if rows else ""


def _examples(benchmark: Benchmark, examples: list[Example], log_dir: Path | str | None) -> str:
    own = [e for e in examples if e.benchmark == benchmark.name]
    if not own:
        return ""
    return render(
        SHARED,
        "examples.html.j2",
        title=benchmark.title,
        examples=[{**vars(e), "viewer_url": viewer_url(e, log_dir)} for e in own],
    )


def viewer_url(example: Example, log_dir: Path | str | None) -> str:
    """The sample in Inspect View (``inspect view --log-dir LOG_DIR``), whose routes name a
    log by its path under the log folder."""
    log = example.log.removeprefix("file://")
    relative = os.path.relpath(log, log_dir) if log_dir else os.path.basename(log)
    return (
        f"{INSPECT_VIEW}#/logs/{quote(relative)}/samples/sample/"
        f"{quote(str(example.sample_id), safe='')}/{example.epoch}"
    )


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
