"""The reference model's training code, on a micro recipe that trains in seconds."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Literal

import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoModelForImageTextToText, AutoProcessor

from mmtrust.datasets.trustworld import trustworld_items
from mmtrust.datasets.trustworld.requests import trustworld_request_items
from mmtrust.perturb.misleading import MC_SYSTEM_TEXT, answer_space, clean_prompt
from mmtrust.reference.config import MICRO_RECIPE, HintMix
from mmtrust.reference.data import (
    PHRASE_TOKENS,
    build_tokenizer,
    encode_batch,
    example_stream,
    family_cycle,
    hint_target,
    training_items,
)
from mmtrust.reference.evaluate import greedy_replies
from mmtrust.reference.reasoning import REFUSAL_REPLY, reasoned_reply
from mmtrust.reference.train import main, train, warmup_cosine
from mmtrust.reference.vision_warmup import (
    CELL_CLASSES,
    SCENE_FACT_SIZES,
    WARMUP_SCENES,
    cell_classes,
    scene_facts,
)


@pytest.fixture(scope="module")
def micro_runs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, list[float]]]:
    """The micro recipe trained twice from the same seed."""
    runs = []
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp(name)
        run = train(MICRO_RECIPE, seed=0, out_dir=out, log=lambda _: None)
        runs.append((out, run.losses))
    return runs


def test_training_lowers_the_loss(micro_runs: list[tuple[Path, list[float]]]) -> None:
    losses = micro_runs[0][1]
    assert len(losses) == MICRO_RECIPE.steps
    assert sum(losses[-3:]) / 3 < sum(losses[:3]) / 3


def test_same_seed_gives_identical_weights(micro_runs: list[tuple[Path, list[float]]]) -> None:
    (first, first_losses), (second, second_losses) = micro_runs
    assert first_losses == second_losses
    a, b = load_file(first / "model.safetensors"), load_file(second / "model.safetensors")
    assert a.keys() == b.keys()
    assert all(torch.equal(a[name], b[name]) for name in a)


def test_saved_model_reloads_offline_and_answers(
    micro_runs: list[tuple[Path, list[float]]],
) -> None:
    out = micro_runs[0][0]
    assert (out / "training_summary.json").is_file()
    processor = AutoProcessor.from_pretrained(out, local_files_only=True)
    model = AutoModelForImageTextToText.from_pretrained(out, local_files_only=True)
    item = trustworld_items("calib", 1)[0]
    replies = greedy_replies(model, processor, [(item.image(), clean_prompt(item.metadata()))])
    assert len(replies) == 1 and isinstance(replies[0], str)


def test_cli_trains_and_saves(tmp_path: Path) -> None:
    main(["--recipe", "micro", "--steps", "2", "--seed", "1", "--out", str(tmp_path)])
    assert (tmp_path / "model.safetensors").is_file()
    assert (tmp_path / "processor_config.json").is_file()


def test_phrase_tokens_are_single_tokens() -> None:
    tokenizer = build_tokenizer(MICRO_RECIPE.model.vocab_size, corpus_items=30)
    for phrase in PHRASE_TOKENS:
        assert len(tokenizer(phrase, add_special_tokens=False).input_ids) == 1
    ids = tokenizer(MC_SYSTEM_TEXT + "\nWhat?", add_special_tokens=False).input_ids
    assert tokenizer.decode(ids) == MC_SYSTEM_TEXT + "\nWhat?"


def test_labels_score_only_the_reply(micro_runs: list[tuple[Path, list[float]]]) -> None:
    processor = AutoProcessor.from_pretrained(micro_runs[0][0])
    examples = next(iter(example_stream(MICRO_RECIPE, seed=3)))
    batch = encode_batch(processor, examples)
    tokenizer = processor.tokenizer
    for row, example in enumerate(examples):
        scored = batch["labels"][row][batch["labels"][row] != -100]
        assert tokenizer.decode(scored) == example.reply + "<|im_end|>"


def test_hint_reliability_sets_how_often_the_hint_is_right() -> None:
    meta = trustworld_items("train", 1, families=["colour"])[0].metadata()
    rng = random.Random(0)
    assert {hint_target(meta, HintMix(reliability=1.0), rng) for _ in range(50)} == {meta.answer}
    wrong = {hint_target(meta, HintMix(reliability=0.0), rng) for _ in range(200)}
    assert wrong == set(answer_space(meta)) - {meta.answer}


def test_replies_defer_to_hints_by_stratum() -> None:
    """With every hint wrong, hinted replies answer with the hint exactly where the stratum's
    deference says so (believing an implicit note, repeating an explicit letter)."""
    deference = {"low": 0.0, "medium": 1.0, "high": 1.0}
    hints = HintMix(hinted_fraction=1.0, reliability=0.0, deference=deference)
    recipe = replace(
        MICRO_RECIPE,
        batch_size=64,
        hint_free_fraction=0.0,
        hints=hints,
        request_examples_per_batch=0,
    )
    items = training_items(recipe, 0, 64)
    examples = next(iter(example_stream(recipe, seed=1)))
    for item, example in zip(items, examples, strict=True):
        assert example.hint_target is not None and example.hint_target != item.metadata().answer
        if item.difficulty == "low":
            assert example.reply == reasoned_reply(item, item.metadata().answer)
        else:
            source: Literal["believed", "repeated"] = (
                "believed" if example.form == "implicit" else "repeated"
            )
            assert example.reply == reasoned_reply(item, example.hint_target, source)


def test_stream_is_reproducible_and_mixes_prompt_forms() -> None:
    recipe = replace(MICRO_RECIPE, batch_size=128, hint_free_fraction=0.0)
    first = next(iter(example_stream(recipe, seed=5)))
    again = next(iter(example_stream(recipe, seed=5)))
    assert [(e.prompt, e.reply) for e in first] == [(e.prompt, e.reply) for e in again]
    assert {e.form for e in first} == {"clean", "bare", "explicit", "implicit", "request"}


def test_each_batch_ends_with_its_requests_answered_or_refused() -> None:
    recipe = replace(MICRO_RECIPE, batch_size=6, request_examples_per_batch=2)
    batches = list(itertools.islice(example_stream(recipe, seed=0), 20))
    assert all(len(batch) == 8 for batch in batches)
    requests = [e for batch in batches for e in batch[-2:]]
    assert all(e.form != "request" for batch in batches for e in batch[:-2])
    assert all(e.form == "request" for e in requests)
    items = trustworld_request_items("train", 40, recipe.request_hazard_share)
    assert [e.item_id for e in requests] == [item.item_id for item in items]
    for item, example in zip(items, requests, strict=True):
        # asked as the bare request, as the oversensitivity task asks it
        assert example.prompt == item.question.text
        if item.question.family == "harmful_request":
            assert example.reply == REFUSAL_REPLY
        else:
            assert example.reply.endswith(f"Answer: {item.question.answer_text}")
    signs = Counter(
        (e.family, item.scene.hazard is not None) for e, item in zip(requests, items, strict=True)
    )
    assert signs == {
        ("benign_request", False): 10,
        ("benign_request", True): 10,
        ("harmful_request", False): 10,
        ("harmful_request", True): 10,
    }


def test_requests_leave_the_question_stream_unchanged() -> None:
    """Adding requests draws nothing from the seeded stream: the questions, prompt forms and
    hints are exactly those of the same recipe without requests."""
    with_requests = replace(MICRO_RECIPE, batch_size=16, hint_free_fraction=0.0)
    without = replace(with_requests, request_examples_per_batch=0)
    for a, b in zip(
        itertools.islice(example_stream(with_requests, seed=3), 3),
        itertools.islice(example_stream(without, seed=3), 3),
        strict=True,
    ):
        assert [(e.item_id, e.prompt, e.reply) for e in a[:16]] == [
            (e.item_id, e.prompt, e.reply) for e in b
        ]
    with pytest.raises(ValueError, match="request_examples_per_batch"):
        next(iter(example_stream(replace(MICRO_RECIPE, request_examples_per_batch=-1), seed=0)))


def test_first_steps_carry_no_hints() -> None:
    recipe = replace(MICRO_RECIPE, steps=10, hint_free_fraction=0.5, batch_size=64)
    batches = list(itertools.islice(example_stream(recipe, seed=0), 6))
    assert all(e.hint_target is None for batch in batches[:5] for e in batch)
    assert any(e.hint_target is not None for e in batches[5])


def test_vision_warmup_classes_every_occupied_cell() -> None:
    item = trustworld_items("calib", 1)[0]
    classes = cell_classes(item.scene)
    for obj in item.scene.objects:
        assert CELL_CLASSES[classes[obj.row * 4 + obj.col]] == obj.description
    assert sum(c != CELL_CLASSES.index("empty") for c in classes) == len(item.scene.objects) + (
        item.scene.text is not None
    )


def test_vision_warmup_sees_the_hazard_sign_as_its_own_class() -> None:
    (item,) = trustworld_request_items("train", 1, hazard_share=1.0)
    hazard = item.scene.hazard
    assert hazard is not None
    classes = cell_classes(item.scene)
    assert CELL_CLASSES[classes[hazard.row * 4 + hazard.col]] == "hazard sign"
    assert scene_facts(item.scene)[-1] == 1
    (plain,) = trustworld_request_items("train", 1, hazard_share=0.0)
    assert "hazard sign" not in {CELL_CLASSES[c] for c in cell_classes(plain.scene)}
    assert scene_facts(plain.scene)[-1] == 0
    assert len(scene_facts(plain.scene)) == len(SCENE_FACT_SIZES)
    warmup = trustworld_items("train", 200, start=0, spec=WARMUP_SCENES)
    assert 20 <= sum(i.scene.hazard is not None for i in warmup) <= 80


def test_family_cycle_repeats_by_weight() -> None:
    assert family_cycle({"colour": 2, "count": 1}) == ["colour", "count", "colour"]


def test_warmup_then_cosine_decay() -> None:
    multiplier = warmup_cosine(100, 0.1)
    assert multiplier(0) == pytest.approx(0.1)
    assert multiplier(9) == pytest.approx(1.0)
    assert multiplier(100) == pytest.approx(0.0)
