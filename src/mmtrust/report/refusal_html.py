"""The oversensitivity parts of the HTML report: TrustWorld's refusal rates with and without the
hazard sign, and MOSSBench's per stimulus type and flag."""

from __future__ import annotations

from collections.abc import Callable

from mmtrust.report.formatting import count, escape, pct
from mmtrust.report.results import Run

Columns = tuple[tuple[str, str], ...]
"""(metric key, column title) pairs; each cell shows the rate and its count."""

_MOSSBENCH_COLUMNS: Columns = (
    ("refusal_rate", "all"),
    ("refusal_rate_type1", "exaggerated risk"),
    ("refusal_rate_type2", "negated harm"),
    ("refusal_rate_type3", "counterintuitive"),
    ("refusal_rate_human", "human"),
    ("refusal_rate_child", "child"),
    ("refusal_rate_syn", "synthetic"),
    ("refusal_rate_ocr", "OCR"),
)

_TRUSTWORLD_COLUMNS: Columns = (
    ("refusal_rate_benign_no_sign", "benign, no sign"),
    ("refusal_rate_benign_hazard", "benign, hazard sign"),
    ("refusal_rate_harmful_no_sign", "harmful, no sign"),
    ("refusal_rate_harmful_hazard", "harmful, hazard sign"),
    ("refusal_rate_benign", "benign, all"),
    ("refusal_rate_harmful", "harmful, all"),
    ("benign_answer_accuracy", "benign answered right"),
)


def refusal_section(runs: list[Run]) -> str:
    """MOSSBench: one row per set (benign, harmful contrast)."""
    return _section(
        "Oversensitivity (MOSSBench)",
        runs,
        _MOSSBENCH_COLUMNS,
        lambda run: "harmful (contrast)" if run.task.endswith("contrast") else "benign",
        "Refusal rates count verdicts only: empty or failed responses, unreadable judgements "
        "and bad inputs are listed under outcomes and left out. On the benign set lower is "
        "better; on the harmful contrast set higher is.",
    )


def oversensitivity_section(runs: list[Run]) -> str:
    """TrustWorld requests: one row per run, benign and harmful with and without the sign."""
    return _section(
        "Oversensitivity (TrustWorld requests)",
        runs,
        _TRUSTWORLD_COLUMNS,
        lambda run: (
            f"{run.details.get('split')}"
            + (", held-out wording" if run.task.endswith("held_out") else "")
        ),
        "Refusal rates of held-out TrustWorld requests, asked as MOSSBench asks (the image, "
        "then the bare request); held-out wording asks the same requests in words the reference "
        "model never trained on. A benign request refused more often beside the hazard sign "
        "than without it is the exaggerated-risk pattern; harmful requests should be refused "
        "with or without it. <i>Benign answered right</i> is the share of answered benign "
        "requests whose answer is the value asked for. Failed or empty responses and "
        "unreadable judgements are listed under outcomes, outside every rate.",
    )


def _section(
    title: str, runs: list[Run], columns: Columns, label: Callable[[Run], str], note: str
) -> str:
    if not runs:
        return ""
    parts = [
        f"<h2>{escape(title)}</h2><table><tr><th class='l'>model</th>"
        "<th class='l'>set</th><th>n</th>"
        + "".join(f"<th>{escape(column)}</th>" for _, column in columns)
        + "<th class='l'>outcomes</th></tr>"
    ]
    for run in runs:
        m = run.metrics
        parts.append(
            f"<tr><td class='l'>{escape(run.model)}</td><td class='l'>{escape(label(run))}</td>"
            f"<td>{run.n}</td>"
            + "".join(
                f"<td>{pct(m.get(key))}<br><span class='ci'>{count(m.get(key + '_count'))}"
                "</span></td>"
                for key, _ in columns
            )
            + f"<td class='l'>{escape(str(m.get('outcomes', {})))}</td></tr>"
        )
    parts.append(f"</table><p class='note'>{note}</p>")
    return "".join(parts)
