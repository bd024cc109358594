"""Validation of the reference model: clean accuracy and MUB misleading rates on TrustWorld.

This is the recipe's own yardstick (used during training on ``calib``, and on ``test`` for the
model card); it asks with the exact MUB prompts of ``perturb.misleading`` and greedy decoding,
as the toolkit's MUB task does, but runs in-process with no Inspect machinery so that a training
run can call it every few hundred steps.

Replies are read with the toolkit's own answer extraction (``scoring.answer``: the model states
what it sees, then "Answer: X"); a reply it reads no answer from is counted in ``unparsed`` and
excluded from the rates, as the MUB task does.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from PIL import Image

from mmtrust.datasets.schema import ItemMetadata
from mmtrust.datasets.trustworld import TrustWorldItem, trustworld_items
from mmtrust.metrics.misleading import (
    MisleadingOutcome,
    StageOutcome,
    accuracy,
    any_note_outcome,
    misleading_rate_f2t,
    misleading_rate_t2f,
    summarise_by,
)
from mmtrust.perturb.hints import trustworld_hints
from mmtrust.perturb.misleading import (
    clean_prompt,
    explicit_prompt,
    implicit_prompt,
    misleading_target,
)
from mmtrust.reference.data import chat_messages
from mmtrust.scoring.answer import extract_answer
from mmtrust.scoring.misleading_record import MisleadingMode

REPLY_TOKENS = 32
"""As the toolkit's MUB task allows (``DEFAULT_MISLEADING_CONFIG``): room for the observation
the model states before its answer."""
IMPLICIT_NOTES = 3
"""Notes tried per item in the implicit stage (MUB's SP = 3): misled if ANY note flips it."""


@dataclass(frozen=True)
class ItemOutcome:
    item_id: str
    family: str
    difficulty: str
    answer: str
    clean_answer: str | None
    """What the toolkit's extraction read from each reply; None where it read no answer."""
    explicit_target: str
    explicit_answer: str | None
    implicit_answers: tuple[str | None, ...] = ()

    def misleading(self, mode: MisleadingMode) -> MisleadingOutcome:
        """This item as the project's metrics see it, for the explicit or implicit stage."""
        clean = self._stage(self.clean_answer)
        if mode == "explicit":
            misled = self._stage(self.explicit_answer)
        else:
            misled = any_note_outcome(clean, [self._stage(a) for a in self.implicit_answers])
        strata = (("family", self.family), ("difficulty", self.difficulty))
        return MisleadingOutcome(clean, misled, strata)

    def _stage(self, answer: str | None) -> StageOutcome:
        if answer is None:
            return "unparseable"
        return "correct" if answer == self.answer else "wrong"


@dataclass
class MubReport:
    """Outcomes of one evaluation and the rates derived from them (by the pure functions of
    ``mmtrust.metrics.misleading``: unparsed replies are excluded from rates, and counted)."""

    outcomes: list[ItemOutcome] = field(default_factory=list)
    unparsed: int = 0

    def summary(self) -> dict[str, Any]:
        explicit = [o.misleading("explicit") for o in self.outcomes]
        with_implicit = any(o.implicit_answers for o in self.outcomes)
        by_family = summarise_by(explicit, "family")
        by_difficulty = summarise_by(explicit, "difficulty")
        return {
            "items": len(self.outcomes),
            "accuracy": accuracy(explicit).value,
            "accuracy_by_family": {k: v.accuracy.value for k, v in by_family.items()},
            "explicit": _misleading_rates(explicit),
            "explicit_t_to_f_by_family": {
                k: v.misleading_rate_t2f.value for k, v in by_family.items()
            },
            "explicit_t_to_f_by_difficulty": {
                k: v.misleading_rate_t2f.value for k, v in by_difficulty.items()
            },
            "implicit": _misleading_rates([o.misleading("implicit") for o in self.outcomes])
            if with_implicit
            else None,
            "unparsed_replies": self.unparsed,
        }


def _misleading_rates(outcomes: Sequence[MisleadingOutcome]) -> dict[str, Any]:
    clean = accuracy(outcomes)
    return {
        "misleading_rate_t2f": misleading_rate_t2f(outcomes).value,
        "misleading_rate_f2t": misleading_rate_f2t(outcomes).value,
        "clean_correct": clean.successes,
        "clean_wrong": clean.total - clean.successes,
    }


def greedy_replies(
    model: Any,
    processor: Any,
    requests: Sequence[tuple[Image.Image, str]],
    batch_size: int = 64,
    max_new_tokens: int = REPLY_TOKENS,
) -> list[str]:
    """Greedy replies to (image, prompt) pairs, asked as the toolkit asks: chat template with
    the generation prompt, left-padded batches on the model's device, special tokens stripped
    from the reply."""
    was_training = model.training
    model.eval()
    tokenizer = processor.tokenizer
    side = tokenizer.padding_side
    replies: list[str] = []
    try:
        tokenizer.padding_side = "left"  # every row must end where its generation starts
        for start in range(0, len(requests), batch_size):
            chunk = requests[start : start + batch_size]
            texts = [
                processor.apply_chat_template(chat_messages(prompt), add_generation_prompt=True)
                for _, prompt in chunk
            ]
            batch = processor(
                images=[image for image, _ in chunk], text=texts, padding=True, return_tensors="pt"
            ).to(model.device)
            batch = batch.to(model.dtype)  # floating tensors (pixels) only
            with torch.no_grad():
                generated = model.generate(**batch, max_new_tokens=max_new_tokens, do_sample=False)
            new_tokens = generated[:, batch["input_ids"].shape[1] :]
            replies += [
                text.strip()
                for text in tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
            ]
    finally:
        tokenizer.padding_side = side
        model.train(was_training)
    return replies


def evaluate_mub(
    model: Any,
    processor: Any,
    items: Sequence[TrustWorldItem],
    *,
    implicit: bool = True,
    seed: int = 0,
    batch_size: int = 64,
) -> MubReport:
    """Two-stage MUB on ``items``: clean, then explicit (and implicit) misleading towards a
    random wrong answer after a right reply, towards the true answer after a wrong one."""
    metas = [item.metadata() for item in items]
    images = [item.image() for item in items]
    clean = _answers(
        greedy_replies(
            model,
            processor,
            [(im, clean_prompt(m)) for im, m in zip(images, metas, strict=True)],
            batch_size,
        ),
        metas,
    )
    targets = [
        misleading_target(m, answer == m.answer, random.Random(f"mub:{seed}:{m.item_id}"))
        for m, answer in zip(metas, clean, strict=True)
    ]
    explicit = _answers(
        greedy_replies(
            model,
            processor,
            [(im, explicit_prompt(m, t)) for im, m, t in zip(images, metas, targets, strict=True)],
            batch_size,
        ),
        metas,
    )
    implicit_answers: list[tuple[str | None, ...]] = [() for _ in items]
    if implicit:
        implicit_answers = _implicit_stage(
            model, processor, images, metas, targets, seed, batch_size
        )
    report = MubReport()
    for item, meta, *answers in zip(
        items, metas, clean, targets, explicit, implicit_answers, strict=True
    ):
        clean_answer, target, explicit_answer, notes_answers = answers
        report.outcomes.append(
            ItemOutcome(
                meta.item_id,
                meta.category,
                item.difficulty,
                meta.answer,
                clean_answer,
                target,
                explicit_answer,
                notes_answers,
            )
        )
        report.unparsed += sum(a is None for a in (clean_answer, explicit_answer, *notes_answers))
    return report


def _implicit_stage(
    model: Any,
    processor: Any,
    images: Sequence[Image.Image],
    metas: Sequence[ItemMetadata],
    targets: Sequence[str],
    seed: int,
    batch_size: int,
) -> list[tuple[str | None, ...]]:
    requests: list[tuple[Image.Image, str]] = []
    owners: list[int] = []
    for index, (image, meta, target) in enumerate(zip(images, metas, targets, strict=True)):
        for note in trustworld_hints(meta, target, IMPLICIT_NOTES, seed=seed):
            requests.append((image, implicit_prompt(meta, note)))
            owners.append(index)
    replies = greedy_replies(model, processor, requests, batch_size)
    grouped: list[list[str | None]] = [[] for _ in metas]
    for owner, reply in zip(owners, replies, strict=True):
        grouped[owner].append(extract_answer(reply, metas[owner]).answer)
    return [tuple(group) for group in grouped]


def _answers(replies: Sequence[str], metas: Sequence[ItemMetadata]) -> list[str | None]:
    """What the toolkit's extraction reads from each reply (None: no answer)."""
    return [extract_answer(r, m).answer for r, m in zip(replies, metas, strict=True)]


def evaluate_saved_model(
    model_dir: str | Path, split: str = "test", n: int | None = None, seed: int = 0
) -> MubReport:
    """Evaluate a saved directory through the loading path the toolkit uses."""
    from transformers import AutoModelForImageTextToText, AutoProcessor

    processor = AutoProcessor.from_pretrained(model_dir)
    model = AutoModelForImageTextToText.from_pretrained(model_dir)
    return evaluate_mub(model, processor, trustworld_items(split, n), seed=seed)
