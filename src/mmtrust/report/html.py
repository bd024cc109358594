"""A self-contained HTML report (no scripts, no network): each benchmark's section (its record
says how), then what is not in the numbers."""

from __future__ import annotations

from pathlib import Path

from mmtrust.benchmarks import BENCHMARKS
from mmtrust.report.formatting import count, escape
from mmtrust.report.log_selection import LogSelection
from mmtrust.report.runs import Run

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;
color:#1d2330;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #dde;
padding-bottom:.2rem}h3{margin-bottom:.3rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.92rem}
th,td{border:1px solid #d6d9e0;padding:.3rem .6rem;text-align:right}
th{background:#f2f4f8}td.l,th.l{text-align:left}
.note{color:#555;font-size:.9rem}.ci{color:#777;font-size:.8rem}
.legend span{display:inline-block;width:.9rem;height:.9rem;margin:0 .3rem 0 1rem;
vertical-align:middle}
"""


def render_report(
    runs: list[Run], title: str = "mmtrust trust report", selection: LogSelection | None = None
) -> str:
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        "<p class='note'>Every number is measured from the Inspect logs named at the bottom; "
        "intervals are 95% Wilson intervals.</p>",
    ]
    if not runs:
        parts.append("<p>No complete mmtrust runs were found in the logs.</p>")
        parts.append(_not_reported_section(runs, selection) + "</body></html>")
        return "".join(parts)
    for benchmark in BENCHMARKS:
        own = [run for run in runs if run.details.get("benchmark") in benchmark.run_kinds]
        parts.append(benchmark.report_section(own))
    parts.append(_not_reported_section(runs, selection))
    parts.append("</body></html>")
    return "".join(parts)


def write_report(runs: list[Run], path: Path, selection: LogSelection | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(runs, selection=selection), encoding="utf-8")


def _not_reported_section(runs: list[Run], selection: LogSelection | None) -> str:
    """Failed samples, incomplete runs and unreadable logs: apart from the results, and in no
    number above."""
    failed = [run for run in runs if run.details.get("samples_failed")]
    if not failed and (selection is None or not (selection.incomplete or selection.problems)):
        return ""
    parts = ["<h2 id='not-reported'>What is not in the numbers</h2>"]
    if failed:
        parts.append(
            "<p class='note'>Samples that failed (e.g. provider faults on every attempt): left "
            "out of their run's numbers. The same <code>mmtrust run</code> command asks them "
            "again.</p><table><tr><th class='l'>task</th><th class='l'>model</th>"
            "<th>samples failed</th><th class='l'>log</th></tr>"
        )
        parts += [
            f"<tr><td class='l'>{escape(run.task)}</td><td class='l'>{escape(run.model)}</td>"
            f"<td>{count(run.details['samples_failed'])}</td>"
            f"<td class='l'>{escape(str(run.details.get('provenance', {}).get('log', '')))}</td>"
            "</tr>"
            for run in failed
        ]
        parts.append("</table>")
    if selection is None:
        return "".join(parts)
    if selection.incomplete:
        parts.append(
            "<p class='note'>Incomplete runs (interrupted, failed or cancelled, with no complete "
            "log of the same task): left out of every number above. Running the same "
            "<code>mmtrust run</code> command again finishes them.</p><table><tr>"
            "<th class='l'>task</th><th class='l'>model</th><th class='l'>status</th>"
            "<th>samples logged</th><th>samples planned</th><th class='l'>error</th>"
            "<th class='l'>log</th></tr>"
        )
        parts += [
            f"<tr><td class='l'>{escape(r.task)}</td><td class='l'>{escape(r.model)}</td>"
            f"<td class='l'>incomplete ({escape(r.status)})</td><td>{r.samples_logged}</td>"
            f"<td>{count(r.samples_planned)}</td><td class='l'>{escape(r.error or '')}</td>"
            f"<td class='l'>{escape(r.log)}</td></tr>"
            for r in selection.incomplete
        ]
        parts.append("</table>")
    if selection.problems:
        parts.append("<p class='note'>Logs that gave no result:</p><table><tr>")
        parts.append("<th class='l'>log</th><th class='l'>why</th></tr>")
        parts += [
            f"<tr><td class='l'>{escape(p.log)}</td><td class='l'>{escape(p.reason)}</td></tr>"
            for p in selection.problems
        ]
        parts.append("</table>")
    return "".join(parts)
