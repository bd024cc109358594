"""MultiTrust runs from Inspect logs, and the sub-aspect scores over them.

One run per log: the task's score (0-100, higher is more trustworthy, by the toolbox's formula),
whether it is complete or partial (and which sub-datasets it lacks), every group's mean with
its count and interval, the outcome counts (input errors, failed requests, unreadable replies,
items that need a grader, failed or unreadable judgements) and who judged (rules, the offline
judge, the grader). ``sub_aspect_runs`` then forms the ten sub-aspects and the overall score per
model and data source (``aggregate``), marked partial when a task is missing or partial.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from inspect_ai.log import EvalLog

from mmtrust.benchmarks.multitrust.aggregate import (
    SUB_ASPECT_TITLES,
    SUB_ASPECTS,
    TaskItems,
    bootstrap_intervals,
    overall_score,
    sub_aspect_score,
)
from mmtrust.benchmarks.multitrust.evaluation import OUTCOMES
from mmtrust.benchmarks.multitrust.metrics import group_statistics, group_values, score_of_task
from mmtrust.benchmarks.multitrust.scoring_safety import REFUSAL_JUDGES
from mmtrust.benchmarks.multitrust.table import task_spec
from mmtrust.metrics.proportion import Proportion
from mmtrust.report.runs import Run, run_of_log
from mmtrust.scoring.refusal.card import judge_card

SCORER = "multitrust_evaluator"
REFUSAL_JUDGE_NAMES = frozenset(REFUSAL_JUDGES.values())
RUN_KIND = "multitrust"
SUB_ASPECT_KIND = "multitrust_sub_aspects"


def multitrust_runs(log: EvalLog) -> list[Run]:
    metadata = log.eval.metadata or {}
    spec = task_spec(str(metadata.get("task_id") or log.eval.task))
    scored: list[tuple[float, dict[str, Any]]] = []
    outcomes: Counter[str] = Counter()
    judges: Counter[str] = Counter()
    no_box = 0
    leaks: list[bool] = []
    components = ComponentCoverage()
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
        if meta.get("leaked") is not None:
            leaks.append(bool(meta["leaked"]))
        components.add(meta)
    string_max = metadata.get("mode") == "faithful"
    values = group_values(scored)
    statistics = group_statistics(scored, spec.statistic)
    result = score_of_task(spec.task_id, statistics, string_max=string_max)
    groups = {
        group: _group(v) if spec.statistic == "mean" else _other_group(v, statistics[group])
        for group, v in sorted(values.items())
    }
    metrics: dict[str, Any] = {
        "score": result.value,
        "status": result.status,
        "statistic": spec.statistic,
        "groups": groups,
        "outcomes": {k: outcomes.get(k, 0) for k in ("scored", *OUTCOMES)},
    }
    if spec.components:
        metrics["components"] = components.summary(spec.components)
    if leaks:
        # the personal information appears in the reply (reported, not in the score, as the
        # toolbox reports its acc_rate)
        metrics |= Proportion(sum(leaks), len(leaks)).fields("leakage_rate")
    details = {
        "task_id": spec.task_id,
        "title": spec.title,
        "aspect": spec.aspect,
        "sub_aspect": spec.sub_aspect,
        "analogue": metadata.get("dataset") == "trustworld",
        "mode": metadata.get("mode", "mmtrust"),
        "judges": dict(sorted(judges.items())),
        # every refusal rate carries its judge's measured agreement with people
        "refusal_judges": {
            judge: judge_card(judge) for judge in sorted(judges) if judge in REFUSAL_JUDGE_NAMES
        },
        "no_box_replies": no_box,
        "coverage_notes": components.notes(spec.task_id, spec.components),
        "groups_used": list(result.groups_used),
        "groups_missing": list(result.groups_missing),
        "subsets_run": metadata.get("subsets", []),
        "subsets_skipped": metadata.get("subsets_skipped", {}),
    }
    n = sum(outcomes.values())
    return [run_of_log(log, RUN_KIND, spec.task_name, n, metrics, details)]


class ComponentCoverage:
    """Which components of the safety items were measured, by whom, and why not."""

    def __init__(self) -> None:
        self.measured: Counter[str] = Counter()
        self.missing: dict[str, Counter[str]] = defaultdict(Counter)
        self.by: dict[str, Counter[str]] = defaultdict(Counter)
        self.rta_unchecked = 0

    def add(self, metadata: dict[str, Any]) -> None:
        self.measured.update(metadata.get("components") or {})
        for component, why in (metadata.get("components_missing") or {}).items():
            # "not_measured: no toxicity scorer given" counts as its reason
            self.missing[component][str(why).split(":")[0]] += 1
        for component, who in (metadata.get("measured_by") or {}).items():
            self.by[component][str(who)] += 1
        self.rta_unchecked += bool(metadata.get("rta_unchecked"))

    def summary(self, components: tuple[str, ...]) -> dict[str, Any]:
        return {
            component: {
                "measured": self.measured.get(component, 0),
                "missing": dict(self.missing.get(component, {})),
                "measured_by": dict(self.by.get(component, {})),
            }
            for component in components
        }

    def notes(self, task_id: str, components: tuple[str, ...]) -> list[str]:
        """What a reader must know about the score's coverage, in words."""
        notes = []
        for component in components:
            missing = sum(self.missing.get(component, {}).values())
            if not missing:
                continue
            reasons = ", ".join(f"{r} {c}" for r, c in sorted(self.missing[component].items()))
            measured = self.measured.get(component, 0)
            if measured == 0:
                notes.append(f"{task_id}: {component} not measured ({reasons})")
            else:
                notes.append(
                    f"{task_id}: {component} measured for {measured} of "
                    f"{measured + missing} items ({reasons})"
                )
        if self.rta_unchecked:
            notes.append(
                f"{task_id}: RtA counts refusals alone for {self.rta_unchecked} items (the "
                "toolbox's RtA also requires 'not jailbroken', which needs the harm classifier)"
            )
        return notes


def _other_group(values: list[float], statistic: float) -> dict[str, Any]:
    """A group whose number is not its items' mean (a correlation, a share of independence
    tests): no value counts, so no bootstrap interval either (``aggregate``)."""
    return {"n": len(values), "mean": round(statistic, 6)}


def _group(values: list[float]) -> dict[str, Any]:
    """A group's mean with its count; a 0/1 group also gets its Wilson interval."""
    mean = sum(values) / len(values)
    group: dict[str, Any] = {
        "n": len(values),
        "mean": round(mean, 6),
        # every value's count: what the bootstrap of the sub-aspect scores resamples
        "counts": {str(v): c for v, c in sorted(Counter(values).items())},
    }
    if all(v in (0.0, 1.0) for v in values):
        interval = Proportion(int(sum(values)), len(values)).interval
        group["ci95"] = list(interval) if interval else None
    return group


def sub_aspect_runs(runs: list[Run]) -> list[Run]:
    """The ten sub-aspects and the overall score per (model, data source), from the task runs
    among ``runs``, each with its bootstrap interval and what it covered."""
    by_key: dict[tuple[str, str], dict[str, Run]] = defaultdict(dict)
    for run in runs:
        if run.details.get("benchmark") == RUN_KIND:
            key = (run.model, str(run.details.get("dataset")))
            by_key[key][str(run.details["task_id"])] = run
    return [_aggregate(model, dataset, tasks) for (model, dataset), tasks in sorted(by_key.items())]


def _aggregate(model: str, dataset: str, tasks: dict[str, Run]) -> Run:
    task_scores = {task_id: run.metrics["score"] for task_id, run in tasks.items()}
    partial_tasks = [t for t, run in tasks.items() if run.metrics["status"] != "complete"]
    intervals = bootstrap_intervals(
        [
            TaskItems(
                task_id,
                _counts(run),
                string_max=run.details.get("mode") == "faithful",
                resampled=run.metrics.get("statistic", "mean") == "mean",
                score=run.metrics["score"],
            )
            for task_id, run in sorted(tasks.items())
        ]
    )
    aspects: dict[str, Any] = {}
    for sub_aspect in SUB_ASPECTS:
        combined = sub_aspect_score(sub_aspect, task_scores, partial_tasks)
        aspects[sub_aspect] = {
            "title": SUB_ASPECT_TITLES[sub_aspect],
            "score": _rounded(combined.value),
            "ci95": intervals.get(sub_aspect),
            "status": combined.status,
            "tasks": {t: task_scores[t] for t in combined.used},
            "tasks_missing": list(combined.missing),
            "tasks_partial": list(combined.partial),
        }
    partial_aspects = [a for a, v in aspects.items() if v["status"] == "partial"]
    overall = overall_score({a: v["score"] for a, v in aspects.items()}, partial_aspects)
    coverage = Counter[str]()
    for run in tasks.values():
        coverage.update(run.metrics.get("outcomes", {}))
    return Run(
        model=model,
        task="multitrust_sub_aspects",
        n=len(tasks),
        metrics={
            "sub_aspects": aspects,
            "overall": {
                "score": _rounded(overall.value),
                "ci95": intervals.get("overall") if overall.value is not None else None,
                "status": overall.status,
                "sub_aspects_missing": list(overall.missing),
                "sub_aspects_partial": list(overall.partial),
            },
            "items": dict(coverage),
        },
        details={
            "benchmark": SUB_ASPECT_KIND,
            "dataset": dataset,
            "analogue": dataset == "trustworld",
            "tasks_run": sorted(tasks),
            "tasks_total": sum(len(t) for t in SUB_ASPECTS.values()),
        },
    )


def _counts(run: Run) -> dict[str, dict[float, int]]:
    return {
        group: {float(value): count for value, count in g.get("counts", {}).items()}
        for group, g in run.metrics.get("groups", {}).items()
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
