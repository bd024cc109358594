"""MUB's runs from Inspect logs: one run per misleading scorer (explicit, implicit), rates and
strata recomputed from the per-sample scores with ``metrics.misleading``. Each metrics block
(the run's and every stratum's) holds the default convention's rates and, under
``paper_convention``, the paper's (every reply that is not correct is wrong); a run on MUB's
files also records what the load found in them (``data_load``: size, cut, records kept)."""

from __future__ import annotations

from typing import Any

from inspect_ai.log import EvalLog
from inspect_ai.scorer import SampleScore

from mmtrust.benchmarks.mub.scorer import outcome_from_score
from mmtrust.metrics.misleading import (
    ANSWERED,
    MisleadingOutcome,
    MisleadingSummary,
    summarise,
    summarise_by,
)
from mmtrust.report.runs import Run, provenance, samples_failed

MISLEADING_SCORERS = {"explicit_misleading": "mub_explicit", "implicit_misleading": "mub_implicit"}
MISLEADING_STRATA = ("difficulty", "source", "question_type", "category")
RATES = ("accuracy", "misleading_rate_t2f", "misleading_rate_f2t", "coverage")
PAPER_RATES = ("accuracy", "misleading_rate_t2f", "misleading_rate_f2t")
"""Coverage is left out: under the paper's convention every askable item is answered."""


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
        default = [outcome_from_score(score) for score in scores]
        paper = [outcome_from_score(score, "paper") for score in scores]
        strata = {key: _stratum_metrics(default, paper, key) for key in MISLEADING_STRATA}
        metadata = log.eval.metadata or {}
        details: dict[str, Any] = {
            "benchmark": "mub",
            "dataset": metadata.get("dataset", log.eval.dataset.name),
            "split": metadata.get("split"),
            "strata": strata,
            "samples_failed": samples_failed(log),
            "provenance": provenance(log),
        }
        if metadata.get("data_load"):
            details["data_load"] = metadata["data_load"]
        runs.append(
            Run(
                model=log.eval.model,
                task=task_name,
                n=len(default),
                metrics=both_conventions(summarise(default), summarise(paper)),
                details=details,
                item_values=held_answers(scores, default),
            )
        )
    return runs


def held_answers(scores: list[SampleScore], outcomes: list[MisleadingOutcome]) -> dict[str, float]:
    """Per item answered right without the hint and answered again once misled: 1 when the
    answer held, 0 when it turned wrong (the items of MR(T→F), the scorecard's measure)."""
    return {
        str(score.sample_id): float(outcome.stage2 == "correct")
        for score, outcome in zip(scores, outcomes, strict=True)
        if outcome.stage1 == "correct" and outcome.stage2 in ANSWERED
    }


def _stratum_metrics(
    default: list[MisleadingOutcome], paper: list[MisleadingOutcome], key: str
) -> dict[str, dict[str, Any]]:
    papers = summarise_by(paper, key)
    return {
        label: both_conventions(summary, papers[label])
        for label, summary in summarise_by(default, key).items()
    }


def both_conventions(default: MisleadingSummary, paper: MisleadingSummary) -> dict[str, Any]:
    """The default convention's metrics, with the paper's under ``paper_convention``."""
    metrics = summary_metrics(default)
    metrics["paper_convention"] = summary_metrics(paper, PAPER_RATES)
    return metrics


def summary_metrics(summary: MisleadingSummary, rates: tuple[str, ...] = RATES) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    for name in rates:
        metrics.update(getattr(summary, name).fields(name))
    metrics["outcomes"] = summary.counts
    return metrics
