"""MM-R3 consistency tasks: the same answer under rephrasing, restyling and masking?

Each sample is an item group (``groups``): every variant is asked in its own
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
from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, metric, scorer
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import StoreModel, materialize_media, store_as
from pydantic import BaseModel

from mmtrust.benchmarks.consistency.groups import (
    DEFAULT_STYLES,
    ConsistencyKind,
    masking_groups,
    rephrasing_groups,
    restyling_groups,
)
from mmtrust.benchmarks.consistency.mmr3 import load_mmr3
from mmtrust.benchmarks.consistency.rephraser import Rephraser, generated_variants
from mmtrust.datasets.schema import ItemMetadata, format_question
from mmtrust.metrics.consistency import closed_form_means
from mmtrust.perturb.misleading import clean_prompt
from mmtrust.scoring.answer import extract_answer
from mmtrust.solving import generate_or_failure, image_and_text

CONSISTENCY_TASK_VERSION = 1
ConsistencyPrompt = Literal["mmr3", "mub", "bare"]
MMR3_TEMPLATE = "Question: Please answer the question with a very-short answer. {question} Answer:"
"""MM-R3's prompt for rephrasing and masking, verbatim (benchmark data)."""


def _task(
    samples: list[Sample], kind: ConsistencyKind, prompt: ConsistencyPrompt, generated: int = 0
) -> Task:
    if prompt not in ("mmr3", "mub", "bare"):
        raise ValueError(f"Unknown prompt {prompt!r}; use mmr3, mub or bare")
    return Task(
        dataset=MemoryDataset(samples, name=f"consistency-{kind}"),
        solver=variant_probe(prompt, generated),
        scorer=variant_answers(),
        config=GenerateConfig(temperature=0.0, max_tokens=100),
        epochs=Epochs(1, "mode"),
        version=CONSISTENCY_TASK_VERSION,
        fail_on_error=False,
        metadata={"benchmark": "consistency", "consistency_task": kind, "prompt": prompt},
    )


@task
def consistency_rephrasing(
    split: str = "test",
    n: int = 100,
    variants: int = 3,
    prompt: ConsistencyPrompt = "mmr3",
    rephraser: Rephraser = "offline",
    mmr3_file: str | None = None,
    images_dir: str | None = None,
) -> Task:
    """Same answer when the question is rephrased? (MM-R3 question rephrasing.)

    Args:
        split: TrustWorld split.
        n: Number of item groups.
        variants: Rephrasings per question (the original is asked too).
        prompt: "mmr3" (MM-R3's very-short-answer prompt), "mub" (MUB's clean prompt with the
            options) or "bare" (question and options).
        rephraser: "offline" (TrustWorld templates) or "generator" (the generator model role
            rephrases each question; works for any dataset).
        mmr3_file: MM-R3-style rephrasing file (see the README) instead of TrustWorld.
        images_dir: Folder its image paths are relative to.
    """
    if rephraser not in ("offline", "generator"):
        raise ValueError(f"Unknown rephraser {rephraser!r}; use offline or generator")
    if mmr3_file is not None:
        samples = load_mmr3(mmr3_file, "rephrasing", images_dir)[:n]
    else:
        samples = rephrasing_groups(split, n, 0 if rephraser == "generator" else variants)
    generated = variants if rephraser == "generator" else 0
    return _task(samples, "rephrasing", prompt, generated)


@task
def consistency_restyling(
    split: str = "test",
    n: int = 100,
    styles: str = ",".join(DEFAULT_STYLES),
    prompt: ConsistencyPrompt = "mmr3",
    mmr3_file: str | None = None,
    images_dir: str | None = None,
) -> Task:
    """Same answer when the image is restyled? (MM-R3 image restyling, classical styles.)

    Args:
        split: TrustWorld split.
        n: Number of item groups.
        styles: Comma-separated restyles (grayscale, posterise, edge_sketch, colour_shift, blur,
            jpeg, noise) or "module.path:function" for your own.
        prompt: "mmr3", "mub" or "bare" (see consistency_rephrasing).
        mmr3_file: MM-R3-style restyling file (see the README) instead of TrustWorld.
        images_dir: Folder its image paths are relative to.
    """
    if mmr3_file is not None:
        return _task(load_mmr3(mmr3_file, "restyling", images_dir)[:n], "restyling", prompt)
    chosen = tuple(style.strip() for style in styles.split(",") if style.strip())
    if not chosen:
        raise ValueError("styles must name at least one restyle")
    return _task(restyling_groups(split, n, chosen), "restyling", prompt)


@task
def consistency_masking(
    split: str = "test",
    n: int = 100,
    masks: int = 3,
    prompt: ConsistencyPrompt = "mmr3",
    mmr3_file: str | None = None,
    images_dir: str | None = None,
) -> Task:
    """Same answer about a masked object under different masks? (MM-R3 context reasoning.)

    Args:
        split: TrustWorld split.
        n: Number of item groups (one masked object each).
        masks: Mask variants per object (colour, line width, ellipse or rectangle).
        prompt: "mmr3", "mub" or "bare" (see consistency_rephrasing).
        mmr3_file: MM-R3-style masking file (see the README) instead of TrustWorld.
        images_dir: Folder its image paths are relative to.
    """
    if mmr3_file is not None:
        return _task(load_mmr3(mmr3_file, "masking", images_dir)[:n], "masking", prompt)
    return _task(masking_groups(split, n, masks), "masking", prompt)


def variant_prompt(item: ItemMetadata, question: str, style: ConsistencyPrompt) -> str:
    asked = item.model_copy(update={"question": question})
    if style == "mub":
        return clean_prompt(asked)
    if style == "bare":
        return format_question(asked)
    if "mmr3_prompt" in item.extra:  # MM-R3's restyling prompt has no separate question
        return str(item.extra["mmr3_prompt"])
    return MMR3_TEMPLATE.format(question=question)


class VariantReply(BaseModel):
    """One variant's request and what came of it."""

    label: str
    prompt: str
    reply: str | None = None
    answer: str | None = None
    error: str | None = None
    """Why the variant has no reply (its image could not be read, the model call failed)."""
    empty: bool = False
    """The model replied with nothing (left out of every answer and pair, counted as empty)."""


class ConsistencyRecord(StoreModel):
    """What ``variant_probe`` did for a group (store keys ``ConsistencyRecord:<field>``): every
    variant's reply, or the group's input error."""

    input_error: str | None = None
    replies: list[VariantReply] | None = None
    """None until the solver has run (or when the group could not be asked)."""
    rephraser_error: str | None = None


@solver
def variant_probe(style: ConsistencyPrompt = "mmr3", generated_rephrasings: int = 0) -> Solver:
    """Ask every variant of the group in a fresh conversation; keep replies and failures.
    With ``generated_rephrasings``, the generator model role first rephrases the question."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        item = state.metadata_as(ItemMetadata)
        record = store_as(ConsistencyRecord)
        if item.input_error is not None:
            record.input_error = item.input_error
            return state
        variants: list[dict[str, Any]] = list(item.extra["variants"])
        if generated_rephrasings:
            rephrased, error = await generated_variants(item, variants[0], generated_rephrasings)
            variants += rephrased
            record.rephraser_error = error
        model = get_model()
        record.replies = await asyncio.gather(*(_ask(model, item, v, style) for v in variants))
        return state

    return solve


async def _ask(
    model: Model, item: ItemMetadata, variant: dict[str, Any], style: ConsistencyPrompt
) -> VariantReply:
    prompt = variant_prompt(item, variant["question"], style)
    reply = VariantReply(label=variant["label"], prompt=prompt)
    try:
        # an image file of a loaded dataset is read only now, when its variant is asked
        image = await materialize_media(variant["image"])
    except Exception as error:
        return reply.model_copy(update={"error": f"{type(error).__name__}: {error}"})
    message = ChatMessageUser(content=image_and_text(ContentImage(image=image), prompt))
    output = await generate_or_failure(model, [message])
    if isinstance(output, str):
        return reply.model_copy(update={"error": output})
    if not output.completion.strip():
        # nothing to compare: left out of every answer and pair, counted as empty
        return reply.model_copy(update={"empty": True})
    extracted = extract_answer(output.completion, item)
    return reply.model_copy(update={"reply": output.completion, "answer": extracted.answer})


def _closed_form_metric(which: Literal["accuracy", "consistency"]) -> Metric:
    """Exact-match accuracy or consistency of the extracted answers over the closed-form
    groups (item means), as results.json's ``closed_*``; NaN when no group counts. MM-R3's
    embedding consistency needs the sentence embedder and is computed by ``mmtrust report``."""

    @metric(name=f"closed_{which}")
    def build() -> Metric:
        def compute(scores: list[SampleScore]) -> float:
            groups = [
                (s.score.metadata["gold"], s.score.metadata["answers"])
                for s in scores
                if s.score.value == "scored"
                and s.score.metadata
                and s.score.metadata.get("closed_form", True)
            ]
            accuracy, consistency = closed_form_means(groups)
            value = accuracy if which == "accuracy" else consistency
            return float("nan") if value is None else value

        return compute

    return build()


CLOSED_FORM_METRICS = [_closed_form_metric("accuracy"), _closed_form_metric("consistency")]


@scorer(metrics=CLOSED_FORM_METRICS)
def variant_answers() -> Scorer:
    """The group's replies, extracted answers and ground truth, for the report's metrics."""

    async def score(state: TaskState, target: Target) -> Score:
        record = store_as(ConsistencyRecord)
        item = state.metadata_as(ItemMetadata)
        if record.input_error is not None:
            return Score(value="input_error", explanation=record.input_error)
        replies = record.replies
        if replies is None:
            raise RuntimeError("variant_answers needs the variant_probe solver")
        answered = [r.answer for r in replies]
        explanation = "; ".join(
            f"{r.label}: {(r.reply if r.error is None else r.error)!r}" for r in replies
        )
        if record.rephraser_error:
            explanation = f"rephraser failed: {record.rephraser_error}; {explanation}"
        return Score(
            value="scored",
            answer=" | ".join(str(a) for a in answered),
            explanation=explanation,
            metadata={
                "ground_truths": item.extra.get("answers") or [item.answer_text],
                "closed_form": item.question_type == "yn" or bool(item.options),
                "rephraser_error": record.rephraser_error,
                "gold": item.answer,
                "replies": [r.reply for r in replies],
                "answers": answered,
                "labels": [r.label for r in replies],
                "errors": [r.error for r in replies],
                "empty": [r.empty for r in replies],
                "category": item.category,
            },
        )

    return score
