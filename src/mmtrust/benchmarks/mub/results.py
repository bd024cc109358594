"""MUB's runs from Inspect logs: one run per misleading scorer (explicit, implicit), rates and
strata recomputed from the per-sample scores with ``metrics.misleading``."""

from __future__ import annotations

from typing import Any

from inspect_ai.log import EvalLog
from inspect_ai.scorer import SampleScore

from mmtrust.benchmarks.mub.scorer import outcome_from_score
from mmtrust.metrics.misleading import MisleadingSummary, summarise, summarise_by
from mmtrust.report.runs import Run, provenance, samples_failed

MISLEADING_SCORERS = {"explicit_misleading": "mub_explicit", "implicit_misleading": "mub_implicit"}
MISLEADING_STRATA = ("difficulty", "source", "question_type", "category")
RATES = ("accuracy", "misleading_rate_t2f", "misleading_rate_f2t", "coverage")


def misleading_runs(log: EvalLog) -> list[Run]:
    if not log.samples:
        return []
    runs = []
    for scorer_name, task_name in MISLEADING_SCORERS.items():
        scores = [
            SampleScore(score=sample.scores[scorer_name], sample_id=sample.id)
            for sample in log.samples
            if sample.scores and scorer_name in sample.scores
        ]
        if not scores:
            continue
        outcomes = [outcome_from_score(score) for score in scores]
        summary = summarise(outcomes)
        strata = {
            key: {label: summary_metrics(s) for label, s in summarise_by(outcomes, key).items()}
            for key in MISLEADING_STRATA
        }
        runs.append(
            Run(
                model=log.eval.model,
                task=task_name,
                n=summary.n,
                metrics=summary_metrics(summary),
                details={
                    "benchmark": "mub",
                    "dataset": (log.eval.metadata or {}).get("dataset", log.eval.dataset.name),
                    "split": (log.eval.metadata or {}).get("split"),
                    "strata": strata,
                    "samples_failed": samples_failed(log),
                    "provenance": provenance(log),
                },
            )
        )
    return runs


def summary_metrics(summary: MisleadingSummary) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    for name in RATES:
        metrics.update(getattr(summary, name).fields(name))
    metrics["outcomes"] = summary.counts
    return metrics
