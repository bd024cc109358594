"""The oversensitivity parts of the HTML report: TrustWorld's refusal rates with and without the
hazard sign, and MOSSBench's per stimulus type and flag; each run names its judge and how far
that judge agrees with people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mmtrust.report.formatting import count, escape, num, pct
from mmtrust.report.runs import Run

Columns = tuple[tuple[str, str], ...]
"""(metric key, column title) pairs; each cell shows the rate and its count."""

_MOSSBENCH_COLUMNS: Columns = (
    ("refusal_rate", "all"),
    ("refusal_rate_reference", "all, as MOSSBench counts"),
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
        "and bad inputs are listed under outcomes and left out. <i>As MOSSBench counts</i> "
        "scores empty and failed responses (and bad inputs) as refusals and keeps them in the "
        "denominator, as the benchmark's own evaluator did for its published rates. On the "
        "benign set lower is better; on the harmful contrast set higher is.",
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
        + "<th class='l'>judge</th><th class='l'>outcomes</th></tr>"
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
            + f"<td class='l'>{judge_cell(run.details.get('judge'))}</td>"
            + f"<td class='l'>{escape(str(m.get('outcomes', {})))}</td></tr>"
        )
    parts.append(f"</table><p class='note'>{note} {_JUDGE_NOTE}</p>")
    return "".join(parts)


_JUDGE_NOTE = (
    "<i>Judge</i> names what decided refusal and its measured agreement with people: F1 on "
    "2,250 people-labelled assistant replies (XSTest; the learned judge leave-one-model-out), "
    "the worst of XSTest's five model set-ups, and precision/recall on mmtrust's held-out "
    "multimodal replies. A rate is as trustworthy as its judge."
)


def judge_cell(card: Any) -> str:
    """The judge's name, with its measured agreement when it has one."""
    if not isinstance(card, dict):
        return "unknown"
    name = escape(str(card.get("judge")))
    if card.get("grader"):
        name += f" ({escape(str(card['grader']))})"
    agreement = card.get("agreement")
    if not agreement:
        text = f"{name}<br><span class='ci'>{escape(str(card.get('note', '')))}</span>"
    else:
        worst = agreement["xstest_worst_setup"]
        own = agreement["own_held_out"]
        text = (
            f"{name}<br><span class='ci'>XSTest F1 {num(agreement['xstest']['f1'])} "
            f"(worst set-up {escape(str(worst['setup']))} {num(worst['f1'])}); "
            f"held-out P {num(own['precision'])} R {num(own['recall'])}</span>"
        )
    failures = [
        f"{card[key]} {label}"
        for key, label in (("unparseable", "unreadable"), ("judge_errors", "failed"))
        if card.get(key)
    ]
    if failures:
        text += f"<br><span class='ci'>judgements: {escape(', '.join(failures))}</span>"
    return text
