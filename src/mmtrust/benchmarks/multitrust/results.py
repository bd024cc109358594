"""MultiTrust runs from Inspect logs, and the sub-aspect scores over them.

One run per log: the task's score (0-100, higher is more trustworthy, by the toolbox's formula),
whether it is complete or partial (and which sub-datasets it lacks), every group's mean with
its count and interval, the outcome counts (input errors, failed requests, unreadable replies,
items that need a grader, failed or unreadable judgements) and who judged (rules, the offline
judge, the grader). ``sub_aspect_runs`` then forms T.I, T.M, R.O and R.A per model and data
source as the plain mean of their tasks' scores (``scripts/compute_rank.py``), marked partial
when a task is missing or partial itself.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from inspect_ai.log import EvalLog

from mmtrust.benchmarks.multitrust.metrics import group_values, score_of_task
from mmtrust.benchmarks.multitrust.scoring import OUTCOMES
from mmtrust.benchmarks.multitrust.table import (
    SUB_ASPECT_TITLES,
    SUB_ASPECTS,
    TASKS,
    task_spec,
)
from mmtrust.metrics.proportion import Proportion
from mmtrust.report.runs import Run, run_of_log

SCORER = "multitrust_evaluator"
RUN_KIND = "multitrust"
SUB_ASPECT_KIND = "multitrust_sub_aspects"


def multitrust_runs(log: EvalLog) -> list[Run]:
    metadata = log.eval.metadata or {}
    spec = task_spec(str(metadata.get("task_id") or log.eval.task))
    scored: list[tuple[float, dict[str, Any]]] = []
    outcomes: Counter[str] = Counter()
    judges: Counter[str] = Counter()
    no_box = 0
    for sample in log.samples or []:
        score = (sample.scores or {}).get(SCORER)
        if score is None:
            continue  # a sample that errored: counted by samples_failed
        meta = dict(score.metadata or {})
        value = score.as_float()
        if math.isnan(value):
            outcomes[str(score.reason or "judge_request_failed")] += 1
        else:
            outcomes["scored"] += 1
            scored.append((value, meta))
        if meta.get("judge"):
            judges[str(meta["judge"])] += 1
        no_box += bool(meta.get("no_box"))
    string_max = metadata.get("mode") == "faithful"
    values = group_values(scored)
    means = {group: sum(v) / len(v) for group, v in values.items()}
    result = score_of_task(spec.task_id, means, string_max=string_max)
    metrics: dict[str, Any] = {
        "score": result.value,
        "status": result.status,
        "groups": {group: _group(v) for group, v in sorted(values.items())},
        "outcomes": {k: outcomes.get(k, 0) for k in ("scored", *OUTCOMES)},
    }
    details = {
        "task_id": spec.task_id,
        "title": spec.title,
        "aspect": spec.aspect,
        "sub_aspect": spec.sub_aspect,
        "analogue": metadata.get("dataset") == "trustworld",
        "mode": metadata.get("mode", "mmtrust"),
        "judges": dict(sorted(judges.items())),
        "no_box_replies": no_box,
        "groups_used": list(result.groups_used),
        "groups_missing": list(result.groups_missing),
        "subsets_run": metadata.get("subsets", []),
        "subsets_skipped": metadata.get("subsets_skipped", {}),
    }
    n = sum(outcomes.values())
    return [run_of_log(log, RUN_KIND, spec.task_name, n, metrics, details)]


def _group(values: list[float]) -> dict[str, Any]:
    """A group's mean with its count; a 0/1 group also gets its Wilson interval."""
    mean = sum(values) / len(values)
    group: dict[str, Any] = {"n": len(values), "mean": round(mean, 6)}
    if all(v in (0.0, 1.0) for v in values):
        interval = Proportion(int(sum(values)), len(values)).interval
        group["ci95"] = list(interval) if interval else None
    return group


def sub_aspect_runs(runs: list[Run]) -> list[Run]:
    """T.I, T.M, R.O and R.A per (model, data source), from the task runs among ``runs``."""
    by_key: dict[tuple[str, str], dict[str, Run]] = defaultdict(dict)
    for run in runs:
        if run.details.get("benchmark") == RUN_KIND:
            key = (run.model, str(run.details.get("dataset")))
            by_key[key][str(run.details["task_id"])] = run
    aggregates = []
    for (model, dataset), tasks in sorted(by_key.items()):
        scores: dict[str, Any] = {}
        for sub_aspect, task_ids in SUB_ASPECTS.items():
            present = {t: tasks[t].metrics["score"] for t in task_ids if t in tasks}
            measured = {t: v for t, v in present.items() if v is not None}
            partial = [
                t for t in task_ids if t in measured and tasks[t].metrics["status"] != "complete"
            ]
            scores[sub_aspect] = {
                "title": SUB_ASPECT_TITLES[sub_aspect],
                "score": round(sum(measured.values()) / len(measured), 4) if measured else None,
                "status": _status(task_ids, measured, partial),
                "tasks": measured,
                "tasks_missing": [t for t in task_ids if t not in measured],
                "tasks_partial": partial,
            }
        aggregates.append(
            Run(
                model=model,
                task="multitrust_sub_aspects",
                n=len(tasks),
                metrics={"sub_aspects": scores},
                details={
                    "benchmark": SUB_ASPECT_KIND,
                    "dataset": dataset,
                    "analogue": dataset == "trustworld",
                    "tasks_total": len(TASKS),
                },
            )
        )
    return aggregates


def _status(task_ids: tuple[str, ...], measured: dict[str, Any], partial: list[str]) -> str:
    if not measured:
        return "not_measured"
    return "complete" if len(measured) == len(task_ids) and not partial else "partial"
