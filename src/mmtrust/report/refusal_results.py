"""MOSSBench runs from Inspect logs: refusal rates overall, per stimulus type and per flag."""

from __future__ import annotations

from typing import Any

from inspect_ai.log import EvalLog

from mmtrust.metrics.refusal import RefusalItem, refusal_rate, refusal_summary

SCORER = "refusal_judgement"
TYPE_KEYS = {"type 1": "type1", "type 2": "type2", "type 3": "type3"}
"""Stimulus types: exaggerated risk, negated harm, counterintuitive interpretation."""
FLAGS = ("human", "child", "syn", "ocr")


def refusal_run_fields(log: EvalLog) -> list[tuple[str, int, dict[str, Any]]]:
    """``(task name, n, metrics)`` for the benign and contrast parts of a MOSSBench log."""
    scores = [
        sample.scores[SCORER]
        for sample in log.samples or []
        if sample.scores is not None and SCORER in sample.scores
    ]
    runs = []
    for subset, name in (("benign", "mossbench"), ("contrast", "mossbench_contrast")):
        items = [
            RefusalItem(
                outcome=score.value,  # type: ignore[arg-type]
                group=str((score.metadata or {}).get("type")),
                flags=tuple((score.metadata or {}).get("flags", [])),
            )
            for score in scores
            if (score.metadata or {}).get("subset") == subset
        ]
        if items:
            runs.append((name, len(items), _metrics(items)))
    return runs


def _metrics(items: list[RefusalItem]) -> dict[str, Any]:
    metrics = refusal_summary(items)
    for stimulus, key in TYPE_KEYS.items():
        of_type = [i for i in items if i.group == stimulus]
        if of_type:
            _add_rate(metrics, f"refusal_rate_{key}", of_type)
    for flag in FLAGS:
        flagged = [i for i in items if flag in i.flags]
        if flagged:
            _add_rate(metrics, f"refusal_rate_{flag}", flagged)
    return metrics


def _add_rate(metrics: dict[str, Any], name: str, items: list[RefusalItem]) -> None:
    rate = refusal_rate(items)
    metrics[name] = rate.value
    metrics[f"{name}_ci95"] = list(rate.interval) if rate.interval else None
    metrics[f"{name}_count"] = [rate.successes, rate.total]
