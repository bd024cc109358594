"""Training data for fine-tuning on misleading data (MUB's mitigation, spec: mub.md).

MUB fine-tunes on ~2,000 mixed explicit and implicit misleading samples whose target stays the
correct answer. Here every example is one item asked in one of three forms, and its reply always
gives the item's true answer:

- explicit: MUB's line ("And the true answer is : X") naming a hint answer;
- implicit: a hint note appended to the question (TrustWorld's offline notes, or the notes a
  MUB-format file carries in ``closed_model_response_F`` / ``_T``);
- clean: no hint, so that the model keeps answering plainly.

The hint names a random WRONG answer with probability ``wrong_hint_share`` and the true answer
otherwise. Hints towards the truth are kept on purpose: trained on wrong hints alone, a model
learns "answer anything but the hinted option", which is no less misleadable (a true hint would
then push it off the right answer).
"""

from __future__ import annotations

import base64
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import torch
from PIL import Image

from mmtrust.benchmarks.mub.finetune_settings import DataMix
from mmtrust.datasets.schema import ItemMetadata
from mmtrust.datasets.trustworld import TrustWorldItem, trustworld_items
from mmtrust.perturb.hints import trustworld_hints
from mmtrust.perturb.misleading import answer_space, clean_prompt, explicit_prompt, implicit_prompt
from mmtrust.reference.data import chat_messages
from mmtrust.reference.reasoning import reasoned_reply

ExampleForm = Literal["clean", "explicit", "implicit"]
_NOTES_PER_TARGET = 5


@dataclass(frozen=True)
class SourceItem:
    """One item to train on: its metadata, image, the reply that answers it, and its notes."""

    meta: ItemMetadata
    image: Image.Image
    reply: str
    notes_to_false: tuple[str, ...] = ()
    notes_to_true: tuple[str, ...] = ()


@dataclass(frozen=True)
class FinetuneExample:
    item_id: str
    image: Image.Image
    prompt: str
    reply: str
    form: ExampleForm
    hint: str | None = None


def trustworld_source(count: int, start: int = 0) -> list[SourceItem]:
    """TrustWorld train items; the reply states what the image shows, then the true answer,
    in the format the reference model answers in (``reference.reasoning``)."""
    return [_trustworld_source(item) for item in trustworld_items("train", count, start=start)]


def _trustworld_source(item: TrustWorldItem) -> SourceItem:
    meta = item.metadata()
    return SourceItem(meta, item.image(), reasoned_reply(item, meta.answer))


def mub_file_source(path: Path | str, images_dir: Path | str) -> list[SourceItem]:
    """Items of a MUB-format file with usable images; the reply is the bare answer, as MUB's
    system text asks ("only output A"). Items with an input error are skipped here: they
    cannot be trained on, and the loader has already said why."""
    from mmtrust.datasets.mub import load_mub

    sources: list[SourceItem] = []
    for sample in load_mub(path, images_dir):
        meta = ItemMetadata.model_validate(sample.metadata)
        if meta.input_error is not None or not isinstance(sample.input, list):
            continue
        image = _sample_image(sample.input)
        if image is None:
            continue
        sources.append(
            SourceItem(
                meta,
                image,
                meta.answer,
                tuple(meta.extra.get("notes_to_false") or ()),
                tuple(meta.extra.get("notes_to_true") or ()),
            )
        )
    return sources


def _sample_image(messages: Sequence[Any]) -> Image.Image | None:
    for message in messages:
        for part in getattr(message, "content", []) or []:
            if getattr(part, "type", None) == "image" and isinstance(part.image, str):
                return _open_image(part.image)
    return None


def _open_image(reference: str) -> Image.Image:
    """A file path, or the data URI the loader inlines for a mislabelled file."""
    if reference.startswith("data:"):
        encoded = reference.split(",", 1)[1]
        with Image.open(io.BytesIO(base64.b64decode(encoded))) as image:
            return image.convert("RGB")
    with Image.open(reference) as image:
        return image.convert("RGB")


def build_examples(
    sources: Sequence[SourceItem], count: int, mix: DataMix, seed: int
) -> list[FinetuneExample]:
    """``count`` examples cycling over ``sources``; the same seed gives the same set."""
    if not sources:
        raise ValueError("No items to build misleading training examples from.")
    rng = random.Random(f"mub-finetune:{seed}")
    return [make_example(sources[i % len(sources)], mix, rng) for i in range(count)]


def make_example(source: SourceItem, mix: DataMix, rng: random.Random) -> FinetuneExample:
    meta = source.meta
    if rng.random() >= mix.misleading_share:
        return FinetuneExample(
            meta.item_id, source.image, clean_prompt(meta), source.reply, "clean"
        )
    wrong = [a for a in answer_space(meta) if a != meta.answer]
    towards_wrong = bool(wrong) and rng.random() < mix.wrong_hint_share
    hint = rng.choice(wrong) if towards_wrong else meta.answer
    note = _note(source, hint, towards_wrong, rng) if rng.random() >= mix.explicit_share else None
    if note is None:
        prompt = explicit_prompt(meta, hint)
        form: ExampleForm = "explicit"
    else:
        prompt = implicit_prompt(meta, note)
        form = "implicit"
    return FinetuneExample(meta.item_id, source.image, prompt, source.reply, form, hint)


def _note(source: SourceItem, hint: str, towards_wrong: bool, rng: random.Random) -> str | None:
    """An implicit note towards ``hint``: the file's own notes, else TrustWorld's offline
    writer; None when neither has one (the example is then explicit)."""
    notes = source.notes_to_false if towards_wrong else source.notes_to_true
    if notes:
        return rng.choice(notes)
    if source.meta.source == "trustworld":
        return rng.choice(trustworld_hints(source.meta, hint, _NOTES_PER_TARGET))
    return None


def reply_suffix(processor: Any, prompt: str, reply: str) -> tuple[str, str]:
    """The rendered prompt (with the generation prompt) and what the chat template appends for
    the assistant's ``reply``, end-of-turn marker included.

    The suffix comes from the model's own template, so any chat model is trained on exactly
    the text it would produce; a template that cannot render an assistant turn after the
    prompt falls back to the reply plus the tokenizer's end-of-sequence token.
    """
    messages = chat_messages(prompt)
    rendered_prompt = processor.apply_chat_template(messages, add_generation_prompt=True)
    full = processor.apply_chat_template(
        [*messages, {"role": "assistant", "content": [{"type": "text", "text": reply}]}]
    )
    if isinstance(full, str) and full.startswith(rendered_prompt) and reply in full:
        return rendered_prompt, full[len(rendered_prompt) :]
    return rendered_prompt, reply + (processor.tokenizer.eos_token or "")


def encode_examples(processor: Any, examples: Sequence[FinetuneExample]) -> dict[str, torch.Tensor]:
    """Left-padded model inputs plus ``labels`` scoring only the reply tokens."""
    texts: list[str] = []
    reply_lengths: list[int] = []
    for example in examples:
        prompt, suffix = reply_suffix(processor, example.prompt, example.reply)
        texts.append(prompt + suffix)
        reply_lengths.append(len(processor.tokenizer(suffix, add_special_tokens=False).input_ids))
    tokenizer = processor.tokenizer
    side = tokenizer.padding_side
    tokenizer.padding_side = "left"  # replies then occupy the last positions of every row
    try:
        batch = processor(
            images=[example.image for example in examples],
            text=texts,
            padding=True,
            return_tensors="pt",
        )
    finally:
        tokenizer.padding_side = side
    labels = torch.full_like(batch["input_ids"], -100)
    for row, length in enumerate(reply_lengths):
        labels[row, -length:] = batch["input_ids"][row, -length:]
    labels[batch["attention_mask"] == 0] = -100
    return {**{key: batch[key] for key in batch}, "labels": labels}
