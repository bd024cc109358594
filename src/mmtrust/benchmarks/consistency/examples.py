"""Items of a consistency log where the model failed, for the report
(``mmtrust.report.examples``): groups whose variants (rephrasings, styles, masks) got different
answers, the least consistent first. Only closed-form groups: an open answer (MM-R3's own
data) differs in wording from variant to variant whether or not its meaning does, so no
single reply shows an inconsistency there. Shown: each variant's answer and reply, and the
variants' prompts with what they share written once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from inspect_ai.log import EvalLog, EvalSample

from mmtrust.benchmarks.consistency.results import SCORER
from mmtrust.benchmarks.consistency.tasks import ConsistencyRecord
from mmtrust.metrics.answer_normalisation import normalise_closed_form
from mmtrust.metrics.consistency import exact_match_consistency
from mmtrust.report.examples import (
    Example,
    answered_samples,
    example,
    expected_answer,
    pick_varied,
    sample_prompt,
    stored,
)


def failure_examples(log: EvalLog) -> list[Example]:
    kind = (log.eval.metadata or {}).get("consistency_task")
    if kind is None:
        return []
    inconsistent = [
        (sample, value, metadata)
        for sample in answered_samples(log)
        if (metadata := _scored_metadata(sample)) is not None
        and (value := exact_match_consistency(metadata["answers"])) is not None
        and value < 1
    ]
    inconsistent.sort(key=lambda group: group[1])  # stable: ties keep the samples' order
    chosen = pick_varied(inconsistent, lambda group: group[2].get("category"))
    return [_example(log, sample, metadata, str(kind)) for sample, _, metadata in chosen]


def _scored_metadata(sample: EvalSample) -> dict[str, Any] | None:
    """The metadata of a scored closed-form group's score (None for any other sample)."""
    score = (sample.scores or {}).get(SCORER)
    if score is None or score.value != "scored" or not score.metadata:
        return None
    return score.metadata if score.metadata.get("closed_form", True) else None


def _example(log: EvalLog, sample: EvalSample, metadata: dict[str, Any], kind: str) -> Example:
    labels: list[str] = metadata["labels"]
    answers: list[str | None] = metadata["answers"]
    replies: list[str | None] = metadata["replies"]
    prompts = [str(r.get("prompt", "")) for r in stored(sample, ConsistencyRecord, "replies") or []]
    return example(
        log,
        sample,
        task=f"consistency_{kind}",
        failure=f"different answers across the {kind} variants: {_split(labels, answers)}",
        prompt=_prompts(labels, prompts) if len(prompts) == len(labels) else sample_prompt(sample),
        reply="\n".join(
            f"{label}: {_answer(answer)}   reply: {reply or ''}"
            for label, answer, reply in zip(labels, answers, replies, strict=True)
        ),
        expected=expected_answer(sample.metadata or {}),
    )


def _answer(answer: str | None) -> str:
    return answer if answer is not None else "(no answer read)"


def _split(labels: Sequence[str], answers: Sequence[str | None]) -> str:
    """Which variants gave which answer: "No (original, rephrasing 1) vs Yes (rephrasing 2)"."""
    by_answer: dict[str, list[str]] = defaultdict(list)
    shown: dict[str, str] = {}
    for label, answer in zip(labels, answers, strict=True):
        if answer is not None:
            key = normalise_closed_form(answer)
            by_answer[key].append(label)
            shown.setdefault(key, answer)
    return " vs ".join(f"{shown[key]} ({', '.join(names)})" for key, names in by_answer.items())


def _prompts(labels: Sequence[str], prompts: Sequence[str]) -> str:
    """The variants' prompts: once when they are the same (styles and masks change the image
    only), else the lines they all open with (the instructions) once, then each variant's
    own rest."""
    if len(set(prompts)) == 1:
        return prompts[0]
    lines = [prompt.split("\n") for prompt in prompts]
    shared = 0
    while all(len(each) > shared + 1 and each[shared] == lines[0][shared] for each in lines):
        shared += 1
    head = "".join(line + "\n" for line in lines[0][:shared])
    rests = (
        f"[{label}] " + "\n".join(each[shared:]) for label, each in zip(labels, lines, strict=True)
    )
    return head + "\n".join(rests)
