"""MM-R3 consistency tasks: the same answer under rephrasing, restyling and masking?

Each sample is an item group (``datasets.consistency``): every variant is asked in its own
fresh conversation (concurrently, so a local model batches them), and the scorer keeps every
reply and its extracted answer. ``mmtrust report`` then computes MM-R3's metrics over the
groups (accuracy, soft accuracy, SS_gt, consistency, SS, Hmean; spec: mmr3.md) with the
all-MiniLM-L6-v2 sentence embedding, and the exact-match consistency of the extracted answers,
the right measure for closed-form answers (an option, yes/no, a number).
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageUser, ContentImage, GenerateConfig, Model, get_model
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import LimitExceededError

from mmtrust.datasets.consistency import (
    DEFAULT_STYLES,
    ConsistencyKind,
    masking_groups,
    rephrasing_groups,
    restyling_groups,
)
from mmtrust.datasets.schema import ItemMetadata, format_question
from mmtrust.perturb.misleading import clean_prompt
from mmtrust.scoring.answer import extract_answer
from mmtrust.tasks.content import image_and_text

CONSISTENCY_TASK_VERSION = 1
STORE_KEY = "consistency"
ConsistencyPrompt = Literal["mmr3", "mub", "bare"]
MMR3_TEMPLATE = "Question: Please answer the question with a very-short answer. {question} Answer:"
"""MM-R3's prompt for rephrasing and masking, verbatim (benchmark data)."""


def _task(samples: list[Sample], kind: ConsistencyKind, prompt: ConsistencyPrompt) -> Task:
    if prompt not in ("mmr3", "mub", "bare"):
        raise ValueError(f"Unknown prompt {prompt!r}; use mmr3, mub or bare")
    return Task(
        dataset=MemoryDataset(samples, name=f"trustworld-{kind}"),
        solver=variant_probe(prompt),
        scorer=variant_answers(),
        config=GenerateConfig(temperature=0.0, max_tokens=100),
        epochs=Epochs(1, "mode"),
        version=CONSISTENCY_TASK_VERSION,
        fail_on_error=False,
        metadata={"benchmark": "consistency", "consistency_task": kind, "prompt": prompt},
    )


@task
def consistency_rephrasing(
    split: str = "test", n: int = 100, variants: int = 3, prompt: ConsistencyPrompt = "mmr3"
) -> Task:
    """Same answer when the question is rephrased? (MM-R3 question rephrasing.)

    Args:
        split: TrustWorld split.
        n: Number of item groups.
        variants: Rephrasings per question (the original is asked too).
        prompt: "mmr3" (MM-R3's very-short-answer prompt), "mub" (MUB's clean prompt with the
            options) or "bare" (question and options).
    """
    return _task(rephrasing_groups(split, n, variants), "rephrasing", prompt)


@task
def consistency_restyling(
    split: str = "test",
    n: int = 100,
    styles: str = ",".join(DEFAULT_STYLES),
    prompt: ConsistencyPrompt = "mmr3",
) -> Task:
    """Same answer when the image is restyled? (MM-R3 image restyling, classical styles.)

    Args:
        split: TrustWorld split.
        n: Number of item groups.
        styles: Comma-separated restyles (grayscale, posterise, edge_sketch, colour_shift, blur,
            jpeg, noise) or "module.path:function" for your own.
        prompt: "mmr3", "mub" or "bare" (see consistency_rephrasing).
    """
    chosen = tuple(style.strip() for style in styles.split(",") if style.strip())
    if not chosen:
        raise ValueError("styles must name at least one restyle")
    return _task(restyling_groups(split, n, chosen), "restyling", prompt)


@task
def consistency_masking(
    split: str = "test", n: int = 100, masks: int = 3, prompt: ConsistencyPrompt = "mmr3"
) -> Task:
    """Same answer about a masked object under different masks? (MM-R3 context reasoning.)

    Args:
        split: TrustWorld split.
        n: Number of item groups (one masked object each).
        masks: Mask variants per object (colour, line width, ellipse or rectangle).
        prompt: "mmr3", "mub" or "bare" (see consistency_rephrasing).
    """
    return _task(masking_groups(split, n, masks), "masking", prompt)


def variant_prompt(item: ItemMetadata, question: str, style: ConsistencyPrompt) -> str:
    asked = item.model_copy(update={"question": question})
    if style == "mub":
        return clean_prompt(asked)
    if style == "bare":
        return format_question(asked)
    return MMR3_TEMPLATE.format(question=question)


@solver
def variant_probe(style: ConsistencyPrompt = "mmr3") -> Solver:
    """Ask every variant of the group in a fresh conversation; keep replies and failures."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        item = state.metadata_as(ItemMetadata)
        if item.input_error is not None:
            state.store.set(STORE_KEY, {"input_error": item.input_error})
            return state
        model = get_model()
        variants: list[dict[str, Any]] = item.extra["variants"]
        replies = await asyncio.gather(*(_ask(model, item, v, style) for v in variants))
        state.store.set(STORE_KEY, {"replies": replies})
        return state

    return solve


async def _ask(
    model: Model, item: ItemMetadata, variant: dict[str, Any], style: ConsistencyPrompt
) -> dict[str, Any]:
    prompt = variant_prompt(item, variant["question"], style)
    record: dict[str, Any] = {"label": variant["label"], "prompt": prompt}
    try:
        output = await model.generate(
            [ChatMessageUser(content=image_and_text(ContentImage(image=variant["image"]), prompt))]
        )
    except LimitExceededError:
        raise
    except Exception as error:
        return {**record, "error": f"{type(error).__name__}: {error}"}
    if output.error:
        return {**record, "error": output.error}
    extracted = extract_answer(output.completion, item)
    return {**record, "reply": output.completion, "answer": extracted.answer}


@scorer(metrics=[])
def variant_answers() -> Scorer:
    """The group's replies, extracted answers and ground truth, for the report's metrics."""

    async def score(state: TaskState, target: Target) -> Score:
        record = state.store.get(STORE_KEY)
        if record is None:
            raise RuntimeError("variant_answers needs the variant_probe solver")
        item = state.metadata_as(ItemMetadata)
        if "input_error" in record:
            return Score(value="input_error", explanation=record["input_error"])
        replies: list[dict[str, Any]] = record["replies"]
        answered = [r.get("answer") for r in replies]
        return Score(
            value="scored",
            answer=" | ".join(str(a) for a in answered),
            explanation="; ".join(
                f"{r['label']}: {r.get('reply', r.get('error'))!r}" for r in replies
            ),
            metadata={
                "ground_truth": item.answer_text,
                "gold": item.answer,
                "replies": [r.get("reply") for r in replies],
                "answers": answered,
                "labels": [r["label"] for r in replies],
                "errors": [r.get("error") for r in replies],
                "category": item.category,
            },
        )

    return score
