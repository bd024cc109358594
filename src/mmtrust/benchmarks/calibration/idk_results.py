"""IDK runs from Inspect logs: one run per abstain condition, rates from ``metrics.idk``."""

from __future__ import annotations

from typing import Any

from inspect_ai.log import EvalLog

from mmtrust.metrics.idk import DECIDED, IdkItem, summarise_idk
from mmtrust.report.runs import Run, run_of_log

CONDITIONS = ("none", "option", "instruction")


def idk_runs(log: EvalLog) -> list[Run]:
    runs = [run_of_log(log, "idk", name, n, metrics) for name, n, metrics in idk_run_fields(log)]
    for run in runs:
        run.item_values = right_abstentions(log, run.task)
    return runs


def right_abstentions(log: EvalLog, name: str) -> dict[str, float]:
    """Per decided item of condition ``name``: 1 when it abstained exactly when it should (an
    unanswerable item: "I don't know"; an answerable one: an option), else 0."""
    values = {}
    for sample in log.samples or []:
        score = (sample.scores or {}).get(name)
        if score is None:
            continue
        item = IdkItem.of_score(score.value, score.metadata)
        if item.outcome in DECIDED:
            values[str(sample.id)] = float((item.outcome == "idk") != item.answerable)
    return values


def idk_run_fields(log: EvalLog) -> list[tuple[str, int, dict[str, Any]]]:
    """``(task name, n, metrics)`` per condition asked in the log (none for other logs)."""
    runs = []
    for condition in CONDITIONS:
        name = f"idk_{condition}"
        scores = [
            sample.scores[name]
            for sample in log.samples or []
            if sample.scores is not None and name in sample.scores
        ]
        if not scores:
            continue
        items = [IdkItem.of_score(score.value, score.metadata) for score in scores]
        runs.append((name, len(items), summarise_idk(items)))
    return runs
