"""The IDK part of the HTML report: abstention rates per condition."""

from __future__ import annotations

import html
from typing import Any

from mmtrust.report.results import Run

_EXPLANATIONS = [
    ("IDK rate", "share of unanswerable items on which the model abstains (higher is better)."),
    ("false IDK", "share of answerable items on which it abstains (lower is better)."),
    ("accuracy", "share of answered answerable items it gets right."),
    (
        "abstention-aware accuracy",
        "right answers on answerable items plus abstentions on unanswerable ones, over all.",
    ),
]
_CONDITIONS = {
    "idk_none": "no way to abstain offered",
    "idk_option": 'abstain option ("I don\'t know") added',
    "idk_instruction": "instruction to abstain when the image cannot tell",
}


def idk_section(runs: list[Run]) -> str:
    if not runs:
        return ""
    rows = [
        "<h2>I don't know (IDK)</h2><table><tr><th class='l'>model</th><th class='l'>condition"
        "</th><th>n</th><th>IDK rate</th><th>false IDK</th><th>accuracy</th>"
        "<th>abstention-aware accuracy</th><th>coverage</th></tr>"
    ]
    for run in runs:
        m = run.metrics
        rows.append(
            f"<tr><td class='l'>{_e(run.model)}</td>"
            f"<td class='l'>{_e(_CONDITIONS.get(run.task, run.task))}</td><td>{run.n}</td>"
            + "".join(
                f"<td>{_pct(m.get(k))}<br><span class='ci'>{_ci(m.get(k + '_ci95'))} "
                f"({_count(m.get(k + '_count'))})</span></td>"
                for k in (
                    "idk_rate",
                    "false_idk_rate",
                    "accuracy",
                    "abstention_aware_accuracy",
                    "coverage",
                )
            )
            + "</tr>"
        )
    rows.append("</table><ul>")
    rows += [f"<li><b>{_e(name)}</b>: {_e(text)}</li>" for name, text in _EXPLANATIONS]
    rows.append("</ul>")
    return "".join(rows)


def _pct(value: Any) -> str:
    return "n/a" if value is None else f"{100 * float(value):.1f}%"


def _ci(interval: Any) -> str:
    return f"[{100 * interval[0]:.1f}, {100 * interval[1]:.1f}]" if interval else ""


def _count(count: Any) -> str:
    return f"{count[0]}/{count[1]}" if count else ""


def _e(text: str) -> str:
    return html.escape(text, quote=True)
