"""Training data for the reference model: TrustWorld train items asked exactly as MUB asks them.

Every example is one user turn (the image, then one text) and a reply in the format of
``reasoning`` (an observation, then the answer), rendered with the processor's own chat
template, so training sees the very input format that evaluation
(``AutoProcessor.apply_chat_template`` + greedy ``generate``) produces. A share of the examples
carries a misleading-style hint (see ``config.HintMix``); that is deliberate, and documented in
the model card.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import torch
from PIL import Image
from transformers import PreTrainedTokenizerFast

from mmtrust.datasets.schema import ItemMetadata, format_question
from mmtrust.datasets.trustworld import TrustWorldItem, trustworld_items
from mmtrust.datasets.trustworld.requests import trustworld_request_items
from mmtrust.models.tiny import MESSAGE_END_TOKEN, train_chat_tokenizer
from mmtrust.perturb.hints import trustworld_hints
from mmtrust.perturb.misleading import (
    DEFAULT_EXPLICIT_TEMPLATE,
    IMPLICIT_MC_SYSTEM_TEXT,
    IMPLICIT_NOTE_TEMPLATE,
    IMPLICIT_YN_SYSTEM_TEXT,
    MC_SYSTEM_TEXT,
    YN_SYSTEM_TEXT,
    answer_space,
    clean_prompt,
    explicit_prompt,
    implicit_prompt,
    question_block,
)
from mmtrust.reference.config import HintMix, TrainingRecipe
from mmtrust.reference.reasoning import reasoned_reply

PromptForm = Literal["clean", "bare", "explicit", "implicit", "request"]

PHRASE_TOKENS: tuple[str, ...] = (
    MC_SYSTEM_TEXT,
    YN_SYSTEM_TEXT,
    IMPLICIT_MC_SYSTEM_TEXT,
    IMPLICIT_YN_SYSTEM_TEXT,
    DEFAULT_EXPLICIT_TEMPLATE.split("{X}")[0].rstrip(),
    IMPLICIT_NOTE_TEMPLATE.split("{note}")[0].strip(),
)
"""MUB's fixed instruction texts, each added to the vocabulary as ONE token. Word by word they
are ~50 of a prompt's ~90 tokens; as phrase tokens the sequences halve, and so does the cost of
every training step, with nothing lost: the model reads them as constants either way. Other
wordings still encode (the BPE is byte-level), only less compactly."""

_IMPLICIT_NOTES_PER_TARGET = 5
"""trustworld_hints has five templates per family; training samples among all of them."""


@dataclass(frozen=True)
class TrainingExample:
    item_id: str
    family: str
    difficulty: str
    image: Image.Image
    prompt: str
    reply: str
    form: PromptForm
    hint_target: str | None = None


def chat_messages(prompt: str) -> list[dict[str, Any]]:
    """The single user turn MUB sends: the image, then the whole prompt as one text."""
    return [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": prompt}]}]


def build_tokenizer(vocab_size: int, corpus_items: int = 400) -> PreTrainedTokenizerFast:
    """The chat tokenizer (``models.tiny``) trained on TrustWorld prompts, plus phrase tokens."""
    corpus: list[str] = []
    for item in trustworld_items("train", corpus_items):
        meta = item.metadata()
        corpus += [question_block(meta), reasoned_reply(item, meta.answer)]
        for target in answer_space(meta):
            corpus.append(target)
            corpus += trustworld_hints(meta, target, _IMPLICIT_NOTES_PER_TARGET)
    corpus += ["user", "assistant"]  # the chat template's role names
    tokenizer = train_chat_tokenizer(corpus, vocab_size)
    tokenizer.add_tokens(list(PHRASE_TOKENS))
    return tokenizer


def family_cycle(weights: dict[str, int]) -> list[str]:
    """Families repeated by weight and interleaved, for ``trustworld_items(families=...)``."""
    longest = max(weights.values())
    return [f for round_ in range(longest) for f, w in weights.items() if w > round_]


def training_items(recipe: TrainingRecipe, start: int, count: int) -> list[TrustWorldItem]:
    return trustworld_items(
        "train", count, start=start, families=family_cycle(recipe.family_weights)
    )


def make_example(
    item: TrustWorldItem,
    recipe: TrainingRecipe,
    rng: random.Random,
    hinted_fraction: float,
    image_size: int | None = None,
) -> TrainingExample:
    """One example of ``item`` in a prompt form drawn from the recipe's mix, replied to with
    the observation and the answer (``reasoning``)."""
    meta = item.metadata()
    image = item.image() if image_size is None else item.image(image_size)

    def example(
        prompt: str, form: PromptForm, reply: str, target: str | None = None
    ) -> TrainingExample:
        return TrainingExample(
            meta.item_id, meta.category, item.difficulty, image, prompt, reply, form, target
        )

    truthful = reasoned_reply(item, meta.answer)
    if rng.random() >= hinted_fraction:
        if rng.random() < recipe.bare_question_fraction:
            return example(format_question(meta), "bare", truthful)
        return example(clean_prompt(meta), "clean", truthful)
    target = hint_target(meta, recipe.hints, rng)
    # a deferring reply takes the hint's answer even where it is wrong (see config.HintMix)
    deferring = rng.random() < recipe.hints.deference[item.difficulty]
    if rng.random() < recipe.hints.explicit_share:
        reply = reasoned_reply(item, target, "repeated") if deferring else truthful
        return example(explicit_prompt(meta, target), "explicit", reply, target)
    note = rng.choice(trustworld_hints(meta, target, _IMPLICIT_NOTES_PER_TARGET))
    reply = reasoned_reply(item, target, "believed") if deferring else truthful
    return example(implicit_prompt(meta, note), "implicit", reply, target)


def request_example(item: TrustWorldItem, image_size: int | None = None) -> TrainingExample:
    """A user request asked as the bare request text, as the oversensitivity task asks it:
    answered if benign, refused if harmful (``reasoning.reasoned_reply``)."""
    meta = item.metadata()
    image = item.image() if image_size is None else item.image(image_size)
    reply = reasoned_reply(item, meta.answer)
    return TrainingExample(
        meta.item_id, meta.category, item.difficulty, image, meta.question, reply, "request"
    )


def hint_target(meta: ItemMetadata, mix: HintMix, rng: random.Random) -> str:
    """The answer a training hint names: the true one with the mix's reliability, else a
    uniformly random wrong one (what MUB's T->F probe names)."""
    if rng.random() < mix.reliability:
        return meta.answer
    return rng.choice([a for a in answer_space(meta) if a != meta.answer])


def example_stream(
    recipe: TrainingRecipe, seed: int, image_size: int | None = None
) -> Iterable[list[TrainingExample]]:
    """Batches of fresh training examples, forever; the same seed gives the same stream.

    Each batch takes the next unseen train items (generating one costs about a millisecond,
    so no scene is ever repeated), and the seed drives the prompt forms and hints. The first
    ``hint_free_fraction`` of the steps carry no hints. Each batch is followed by
    ``request_examples_per_batch`` user requests (which draw nothing from the seeded stream,
    so the questions and hints are those of a recipe without requests). Batches are NOT
    grouped by prompt length: that saved a quarter of the padding but made batches
    single-family, and the model then stayed at chance (measured).
    """
    rng = random.Random(f"reference-data:{seed}")
    unhinted_steps = round(recipe.steps * recipe.hint_free_fraction)
    requests = recipe.request_examples_per_batch
    if requests < 0:
        raise ValueError(f"request_examples_per_batch must be >= 0, not {requests}.")
    for step in itertools.count():
        items = training_items(recipe, step * recipe.batch_size, recipe.batch_size)
        hinted = recipe.hints.hinted_fraction if step >= unhinted_steps else 0.0
        batch = [make_example(item, recipe, rng, hinted, image_size) for item in items]
        asked = trustworld_request_items(
            "train", requests, recipe.request_hazard_share, start=step * requests
        )
        yield batch + [request_example(item, image_size) for item in asked]


def encode_batch(processor: Any, examples: Sequence[TrainingExample]) -> dict[str, torch.Tensor]:
    """Model inputs plus ``labels`` that score only the reply (answer and end-of-turn).

    The prompt is rendered by the processor's chat template with the generation prompt, and
    the reply appended, so the tokens before the reply are exactly those seen at inference.
    Padding is on the left, hence the reply always occupies the last positions.
    """
    texts = []
    reply_lengths = []
    for ex in examples:
        prompt = processor.apply_chat_template(chat_messages(ex.prompt), add_generation_prompt=True)
        reply = ex.reply + MESSAGE_END_TOKEN
        texts.append(prompt + reply)
        reply_lengths.append(len(processor.tokenizer(reply, add_special_tokens=False).input_ids))
    batch = processor(
        images=[ex.image for ex in examples], text=texts, padding=True, return_tensors="pt"
    )
    labels = torch.full_like(batch["input_ids"], -100)
    for row, length in enumerate(reply_lengths):
        labels[row, -length:] = batch["input_ids"][row, -length:]
    return {
        "input_ids": batch["input_ids"],
        "attention_mask": batch["attention_mask"],
        "pixel_values": batch["pixel_values"],
        "labels": labels,
    }
