"""The oversensitivity parts of the HTML report: TrustWorld's refusal rates with and without the
hazard sign, and MOSSBench's per stimulus type and flag; each run names its judge and how far
that judge agrees with people. The markup is ``templates/oversensitivity.html.j2`` and
``templates/mossbench.html.j2`` (their shared table: ``templates/refusal_table.html.j2``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mmtrust.report.runs import Run
from mmtrust.report.templating import render

PACKAGE = "mmtrust.benchmarks.mossbench"

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
        "mossbench.html.j2",
        runs,
        _MOSSBENCH_COLUMNS,
        lambda run: "harmful (contrast)" if run.task.endswith("contrast") else "benign",
    )


def oversensitivity_section(runs: list[Run]) -> str:
    """TrustWorld requests: one row per run, benign and harmful with and without the sign."""
    return _section(
        "oversensitivity.html.j2",
        runs,
        _TRUSTWORLD_COLUMNS,
        lambda run: (
            f"{run.details.get('split')}"
            + (", held-out wording" if run.task.endswith("held_out") else "")
        ),
    )


def _section(template: str, runs: list[Run], columns: Columns, label: Callable[[Run], str]) -> str:
    if not runs:
        return ""
    rows = [
        {
            "model": run.model,
            "set": label(run),
            "n": run.n,
            "rates": [
                {"value": run.metrics.get(key), "count": run.metrics.get(key + "_count")}
                for key, _ in columns
            ],
            "judge": judge(run.details.get("judge")),
            "outcomes": run.metrics.get("outcomes") or {},
        }
        for run in runs
    ]
    return render(PACKAGE, template, titles=[title for _, title in columns], rows=rows)


def judge(card: Any) -> dict[str, Any] | None:
    """What the report says of a run's judge (its name, its measured agreement when it has one,
    its failed judgements); None when the run names no judge."""
    if not isinstance(card, dict):
        return None
    agreement = card.get("agreement")
    failures = [
        f"{card[key]} {label}"
        for key, label in (("unparseable", "unreadable"), ("judge_errors", "failed"))
        if card.get(key)
    ]
    return {
        "name": str(card.get("judge")),
        "grader": str(card["grader"]) if card.get("grader") else None,
        "note": str(card.get("note", "")),
        "agreement": (
            {
                "xstest_f1": agreement["xstest"]["f1"],
                "worst_setup": str(agreement["xstest_worst_setup"]["setup"]),
                "worst_f1": agreement["xstest_worst_setup"]["f1"],
                "precision": agreement["own_held_out"]["precision"],
                "recall": agreement["own_held_out"]["recall"],
            }
            if agreement
            else None
        ),
        "failures": ", ".join(failures),
    }
