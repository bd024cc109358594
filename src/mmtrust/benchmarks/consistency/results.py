"""Consistency runs from Inspect logs: MM-R3's metrics on the raw replies, and exact-match
metrics on the extracted answers (closed-form TrustWorld answers)."""

from __future__ import annotations

from collections import defaultdict
from statistics import fmean
from typing import Any

from inspect_ai.log import EvalLog

from mmtrust.metrics.consistency import (
    ConsistencyGroup,
    closed_form_means,
    exact_match_consistency,
    summarise_groups,
)
from mmtrust.metrics.embedding import SentenceEmbedder
from mmtrust.report.runs import Run, run_of_log

SCORER = "variant_answers"


def consistency_runs(log: EvalLog) -> list[Run]:
    fields = consistency_run_fields(log)
    if fields is None:
        return []
    name, n, metrics = fields
    run = run_of_log(log, "consistency", name, n, metrics)
    run.item_values = group_consistencies(log)
    return [run]


def group_consistencies(log: EvalLog) -> dict[str, float]:
    """Per scored closed-form group (keyed by sample id), the exact-match consistency of its
    variants' answers (groups with fewer than two read answers have none)."""
    values = {}
    for sample in log.samples or []:
        score = (sample.scores or {}).get(SCORER)
        if score is None or score.value != "scored":
            continue
        metadata = score.metadata or {}
        if not metadata.get("closed_form", True):
            continue
        value = exact_match_consistency(metadata["answers"])
        if value is not None:
            values[str(sample.id)] = value
    return values


def consistency_run_fields(log: EvalLog) -> tuple[str, int, dict[str, Any]] | None:
    """``(task name, n groups, metrics)`` of a consistency log, or None for other logs."""
    kind = (log.eval.metadata or {}).get("consistency_task")
    scores = [
        sample.scores[SCORER]
        for sample in log.samples or []
        if sample.scores is not None and SCORER in sample.scores
    ]
    if kind is None or not scores:
        return None
    scored = [s.metadata or {} for s in scores if s.value == "scored"]
    metrics: dict[str, Any] = {}
    if scored:
        groups = [
            ConsistencyGroup(ground_truths=tuple(m["ground_truths"]), answers=tuple(m["replies"]))
            for m in scored
        ]
        summary = summarise_groups(groups, SentenceEmbedder(), kind)
        metrics.update({k: v for k, v in summary.as_dict().items() if k != "task"})
        closed = [m for m in scored if m.get("closed_form", True)]
        if closed:
            metrics.update(_closed_form(closed))
    metrics["outcomes"] = {
        "groups_scored": len(scored),
        "groups_input_error": sum(s.value == "input_error" for s in scores),
        "variants_failed": sum(e is not None for m in scored for e in m["errors"]),
        "variants_empty": sum(sum(_empty_flags(m)) for m in scored),
        # an open answer (MM-R3's own data) has no option to extract: not "unparsed"
        "variants_unparsed": sum(
            a is None and e is None and not empty
            for m in scored
            if m.get("closed_form", True)
            for a, e, empty in zip(m["answers"], m["errors"], _empty_flags(m), strict=True)
        ),
        "rephraser_failures": sum(bool(m.get("rephraser_error")) for m in scored),
    }
    return f"consistency_{kind}", len(scores), metrics


def _empty_flags(metadata: dict[str, Any]) -> list[bool]:
    """Which variants got an empty reply (logs written before empty replies were told apart
    have no such list: none of theirs is known to be empty)."""
    return list(metadata.get("empty") or [False] * len(metadata["answers"]))


def _closed_form(scored: list[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy and exact-match consistency of the extracted answers (item means), and the
    accuracy of each variant (original, each rephrasing, style or mask)."""
    accuracy, consistency = closed_form_means(
        [(metadata["gold"], metadata["answers"]) for metadata in scored]
    )
    by_variant: dict[str, list[bool]] = defaultdict(list)
    for metadata in scored:
        for label, answer in zip(metadata["labels"], metadata["answers"], strict=True):
            if answer is not None:
                by_variant[label].append(answer == metadata["gold"])
    return {
        "closed_accuracy": accuracy,
        "closed_consistency": consistency,
        "accuracy_by_variant": {label: fmean(v) for label, v in sorted(by_variant.items())},
    }
