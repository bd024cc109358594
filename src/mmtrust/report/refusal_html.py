"""The oversensitivity part of the HTML report: refusal rates per stimulus type and flag."""

from __future__ import annotations

from mmtrust.report.formatting import count, escape, pct
from mmtrust.report.results import Run

_COLUMNS = (
    ("refusal_rate", "all"),
    ("refusal_rate_type1", "exaggerated risk"),
    ("refusal_rate_type2", "negated harm"),
    ("refusal_rate_type3", "counterintuitive"),
    ("refusal_rate_human", "human"),
    ("refusal_rate_child", "child"),
    ("refusal_rate_syn", "synthetic"),
    ("refusal_rate_ocr", "OCR"),
)


def refusal_section(runs: list[Run]) -> str:
    if not runs:
        return ""
    parts = [
        "<h2>Oversensitivity (MOSSBench)</h2><table><tr><th class='l'>model</th>"
        "<th class='l'>set</th><th>n</th>"
        + "".join(f"<th>{escape(title)}</th>" for _, title in _COLUMNS)
        + "<th class='l'>outcomes</th></tr>"
    ]
    for run in runs:
        m = run.metrics
        label = "harmful (contrast)" if run.task.endswith("contrast") else "benign"
        parts.append(
            f"<tr><td class='l'>{escape(run.model)}</td><td class='l'>{label}</td><td>{run.n}</td>"
            + "".join(
                f"<td>{pct(m.get(key))}<br><span class='ci'>{count(m.get(key + '_count'))}"
                "</span></td>"
                for key, _ in _COLUMNS
            )
            + f"<td class='l'>{escape(str(m.get('outcomes', {})))}</td></tr>"
        )
    parts.append(
        "</table><p class='note'>Refusal rates count verdicts only: empty or failed responses, "
        "unreadable judgements and bad inputs are listed under outcomes and left out. On the "
        "benign set lower is better; on the harmful contrast set higher is.</p>"
    )
    return "".join(parts)
