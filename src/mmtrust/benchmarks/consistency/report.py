"""The consistency part of the HTML report: MM-R3 metrics per task, accuracy per variant."""

from __future__ import annotations

from mmtrust.report.formatting import escape, num
from mmtrust.report.runs import Run

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
_NOTE = (
    "MM-R3 metrics (spec: mmr3.md) on the raw replies: accuracy = the truth is a substring of "
    "the reply; consistency = share of variant pairs whose sentence embeddings "
    "(all-MiniLM-L6-v2) have cosine similarity above 0.7; SS = their mean similarity; SS_gt = "
    "similarity to the truth; Hmean combines them. Exact-match metrics compare the answers "
    "extracted from the replies (an option, yes/no): the right measure for closed-form answers. "
    "On TrustWorld a masked shape cannot be inferred from the rest of the scene, so masking "
    "accuracy near chance is expected there; its consistency is what the task measures."
)


def consistency_section(runs: list[Run]) -> str:
    if not runs:
        return ""
    parts = [
        "<h2>Consistency (MM-R3)</h2><table><tr><th class='l'>model</th><th class='l'>task</th>"
        "<th>groups</th>" + "".join(f"<th>{escape(title)}</th>" for _, title in _COLUMNS) + "</tr>"
    ]
    for run in runs:
        m = run.metrics
        parts.append(
            f"<tr><td class='l'>{escape(run.model)}</td><td class='l'>{escape(run.task)}"
            f"<br><span class='ci'>prompt: {escape(str(run.details.get('prompt')))}</span></td>"
            f"<td>{run.n}</td>"
            + "".join(f"<td>{num(m.get(key))}</td>" for key, _ in _COLUMNS)
            + "</tr>"
        )
    parts.append(f"</table><p class='note'>{escape(_NOTE)}</p>")
    for run in runs:
        by_variant = run.metrics.get("accuracy_by_variant") or {}
        if by_variant:
            parts.append(
                f"<p class='note'><b>{escape(run.task)}</b> accuracy per variant: "
                + ", ".join(f"{escape(label)} {num(value)}" for label, value in by_variant.items())
                + f"; outcomes: {escape(str(run.metrics.get('outcomes', {})))}</p>"
            )
    return "".join(parts)
