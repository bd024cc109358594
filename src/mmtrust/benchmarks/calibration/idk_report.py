"""The IDK part of the HTML report: abstention rates per condition."""

from __future__ import annotations

from mmtrust.report.formatting import count, escape, pct, pct_interval
from mmtrust.report.runs import Run

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
            f"<tr><td class='l'>{escape(run.model)}</td>"
            f"<td class='l'>{escape(_CONDITIONS.get(run.task, run.task))}<br><span class='ci'>"
            f"prompt: {escape(str(run.details.get('prompt')))}</span></td><td>{run.n}</td>"
            + "".join(
                f"<td>{pct(m.get(k))}<br><span class='ci'>{pct_interval(m.get(k + '_ci95'))} "
                f"({count(m.get(k + '_count'))})</span></td>"
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
    rows += [f"<li><b>{escape(name)}</b>: {escape(text)}</li>" for name, text in _EXPLANATIONS]
    rows.append("</ul>")
    return "".join(rows)
