"""The MUB two-stage solver: ask clean once, then mislead (explicit and/or implicit).

Stage 1 is asked once per item and shared by every stage-2 mode; stage-2 requests of one item
are sent together (so a local model batches them) and each is a fresh conversation. Every
prompt, reply and failure is kept in the sample's store as a ``MisleadingRecord``, the typed
field of ``MubStore`` (store key ``MubStore:record``).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from typing import Literal

from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageUser,
    ContentImage,
    GenerateConfig,
    Model,
    get_model,
    model_roles,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import LimitExceededError, StoreModel, store_as

from mmtrust.datasets.schema import ItemMetadata
from mmtrust.metrics.misleading import StageOutcome
from mmtrust.models.provider_faults import ProviderFaultError, with_fault_retries
from mmtrust.perturb.hints import trustworld_hints
from mmtrust.perturb.misleading import (
    DEFAULT_EXPLICIT_TEMPLATE,
    clean_prompt,
    explicit_prompt,
    implicit_prompt,
    misleading_target,
    split_notes,
)
from mmtrust.perturb.note_generator import note_request
from mmtrust.scoring.answer import extract_stage_answer, stage_outcome
from mmtrust.scoring.misleading_record import MisleadingMode, MisleadingRecord, StageReply
from mmtrust.solving import GENERATOR_ROLE, first_image, generate_or_failure, image_and_text

NoteSource = Literal["auto", "dataset", "generator", "offline"]


class MubStore(StoreModel):
    """The sample's store as the MUB pipeline keeps it: one ``MisleadingRecord`` (the plain
    model the scorers, and the reference model's code, share), written once it is complete."""

    record: MisleadingRecord | None = None
    """None until the pipeline has run."""


@solver
def misleading_pipeline(
    modes: Sequence[MisleadingMode] = ("explicit", "implicit"),
    explicit_template: str = DEFAULT_EXPLICIT_TEMPLATE,
    notes_per_item: int = 3,
    note_source: NoteSource = "auto",
    seed: int = 0,
) -> Solver:
    """Two-stage misleading evaluation of MUB (see shared/spec/mub.md)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        item = state.metadata_as(ItemMetadata)
        record = MisleadingRecord(input_error=item.input_error)
        image = first_image(state)
        if record.input_error is None and image is None and item.image is not None:
            record.input_error = f"no image content in sample {item.item_id}"
        if record.input_error is not None:
            store_as(MubStore).record = record
            return state

        model = get_model()
        record.clean = await _ask(model, image, clean_prompt(item), item)
        state.messages = [
            ChatMessageUser(content=image_and_text(image, record.clean.prompt)),
            ChatMessageAssistant(content=record.clean.reply or ""),
        ]
        # an unparseable clean reply is misled towards the truth too: the paper's convention
        # counts it as wrong (the default one excludes it, so it costs requests, not numbers)
        if record.clean.outcome in ("correct", "wrong", "unparseable"):
            rng = random.Random(f"{seed}:{item.item_id}")
            target = misleading_target(item, record.clean.outcome == "correct", rng)
            jobs = []
            if "explicit" in modes:
                jobs.append(_explicit(model, image, item, target, explicit_template, record))
            if "implicit" in modes:
                jobs.append(
                    _implicit(model, image, item, target, notes_per_item, note_source, seed, record)
                )
            await asyncio.gather(*jobs)
        store_as(MubStore).record = record
        return state

    return solve


async def _explicit(
    model: Model,
    image: ContentImage | None,
    item: ItemMetadata,
    target: str,
    template: str,
    record: MisleadingRecord,
) -> None:
    reply = await _ask(model, image, explicit_prompt(item, target, template), item)
    record.explicit = reply.model_copy(update={"target": target})


async def _implicit(
    model: Model,
    image: ContentImage | None,
    item: ItemMetadata,
    target: str,
    count: int,
    source: NoteSource,
    seed: int,
    record: MisleadingRecord,
) -> None:
    assert record.clean is not None
    towards_truth = record.clean.outcome != "correct"
    try:
        notes, used = await _notes(item, target, towards_truth, count, source, seed, image)
    except NoteUnavailableError as error:
        record.note_error = str(error)
        return
    record.note_source = used
    replies = await asyncio.gather(
        *(_ask(model, image, implicit_prompt(item, note), item) for note in notes)
    )
    record.implicit = [
        reply.model_copy(update={"target": target, "note": note})
        for reply, note in zip(replies, notes, strict=True)
    ]


class NoteUnavailableError(RuntimeError):
    """No implicit note could be had for an item (recorded, not raised out of the sample)."""


async def _notes(
    item: ItemMetadata,
    target: str,
    towards_truth: bool,
    count: int,
    source: NoteSource,
    seed: int,
    image: ContentImage | None,
) -> tuple[list[str], str]:
    """Up to ``count`` distinct notes, and which source gave them."""
    dataset_notes = item.extra.get("notes_to_true" if towards_truth else "notes_to_false")
    has_generator = GENERATOR_ROLE in model_roles()
    if source == "dataset" or (source == "auto" and dataset_notes):
        if not dataset_notes:
            raise NoteUnavailableError(f"item {item.item_id} carries no implicit notes")
        return _distinct(list(dataset_notes), count), "dataset"
    if source == "generator" or (source == "auto" and has_generator):
        if not has_generator:
            raise NoteUnavailableError(
                "note_source='generator' needs a generator model role "
                "(mmtrust run --generator MODEL, or inspect eval --model-role generator=MODEL)"
            )
        generator = get_model(role=GENERATOR_ROLE)
        prompt = note_request(item, towards_truth, count)
        try:
            output = await with_fault_retries(
                lambda: generator.generate([ChatMessageUser(content=image_and_text(image, prompt))])
            )
        except (LimitExceededError, ProviderFaultError):
            raise
        except Exception as error:
            raise NoteUnavailableError(f"generator model failed: {_describe(error)}") from error
        notes = _distinct(split_notes(output.completion), count)
        if not notes:
            raise NoteUnavailableError(f"generator reply held no notes: {output.completion!r}")
        return notes, "generator"
    if item.source == "trustworld":
        return _distinct(trustworld_hints(item, target, count, seed), count), "offline"
    raise NoteUnavailableError(
        f"no implicit notes for {item.source} item {item.item_id}: load the MUB implicit file, "
        "or give a generator model role"
    )


def _distinct(notes: list[str], count: int) -> list[str]:
    """First ``count`` notes without repeats (an identical request is never sent twice)."""
    return list(dict.fromkeys(notes))[:count]


async def _ask(
    model: Model, image: ContentImage | None, prompt: str, item: ItemMetadata
) -> StageReply:
    """One fresh single-turn conversation; failures become outcomes, not exceptions."""
    reply = StageReply(prompt=prompt)
    output = await generate_or_failure(
        model, [ChatMessageUser(content=image_and_text(image, prompt))]
    )
    if isinstance(output, str):
        return reply.model_copy(update={"outcome": "model_error", "error": output})
    extracted = extract_stage_answer(output.completion, item)
    outcome: StageOutcome = stage_outcome(extracted, item)
    return reply.model_copy(
        update={
            "reply": output.completion,
            "answer": extracted.answer,
            "extraction": extracted.method + (f": {extracted.detail}" if extracted.detail else ""),
            "outcome": outcome,
        }
    )


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


DEFAULT_MISLEADING_CONFIG = GenerateConfig(temperature=0.0, max_tokens=32)
"""Greedy decoding: a reproducible default (the paper sampled; record what was used)."""
