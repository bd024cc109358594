"""PGD adversarial images on the packaged reference model (a tiny LLaVA) and on tiny models
of real architectures built offline: the budget holds after quantisation, the attack moves
the loss the way it should and changes the greedy answer, and what it cannot reproduce in
torch (Qwen2-VL's patchified pixels) is refused."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import pytest
import torch
from PIL import Image

from mmtrust.benchmarks.multitrust.adversarial import (
    AttackConfig,
    AttackResult,
    UnsupportedModelError,
    attack_images,
    save_png,
)
from mmtrust.datasets.trustworld import TrustWorldItem, trustworld_items
from mmtrust.models.loading import LoadedModel, load_vision_language_model
from mmtrust.models.tiny import build_tiny_llava, build_tiny_qwen2_vl, train_chat_tokenizer
from mmtrust.perturb.misleading import clean_prompt, misleading_target
from mmtrust.reference import reference_model_dir
from mmtrust.reference.evaluate import greedy_replies
from mmtrust.reference.reasoning import reasoned_reply
from mmtrust.scoring.answer import extract_answer

FAMILIES = ["colour", "count", "shape", "text"]
"""The families the reference model answers well (test accuracy 0.74 to 1.0)."""
EPSILON = 16 / 255


@pytest.fixture(autouse=True)
def two_torch_threads() -> Iterator[None]:
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(previous)


def _load(directory: Path) -> LoadedModel:
    return load_vision_language_model(
        directory, device=torch.device("cpu"), dtype=torch.float32, trust_remote_code=False
    )


@pytest.fixture(scope="module")
def reference() -> LoadedModel:
    return _load(reference_model_dir())


@pytest.fixture(scope="module")
def items() -> list[TrustWorldItem]:
    return trustworld_items("test", 8, families=FAMILIES)


def _prompts(items: list[TrustWorldItem]) -> list[str]:
    return [clean_prompt(item.metadata()) for item in items]


def _replies(loaded: LoadedModel, images: list[Image.Image], prompts: list[str]) -> list[str]:
    return greedy_replies(loaded.model, loaded.processor, list(zip(images, prompts, strict=True)))


def _answers(replies: list[str], items: list[TrustWorldItem]) -> list[str | None]:
    return [extract_answer(r, i.metadata()).answer for r, i in zip(replies, items, strict=True)]


def _levels(image: Image.Image) -> np.ndarray[Any, Any]:
    return np.asarray(image, dtype=np.int16)


@pytest.fixture(scope="module")
def untargeted(
    reference: LoadedModel, items: list[TrustWorldItem]
) -> tuple[list[str], list[AttackResult]]:
    images, prompts = [item.image() for item in items], _prompts(items)
    clean = _replies(reference, images, prompts)
    results = attack_images(
        reference.model, reference.processor, images, prompts, clean, targeted=False
    )
    return clean, results


def test_config_is_validated() -> None:
    assert AttackConfig().alpha == pytest.approx(2.5 * EPSILON / 10)
    assert AttackConfig(step_size=0.01).alpha == 0.01
    for bad in ({"epsilon": 0.0}, {"epsilon": 1.5}, {"steps": 0}, {"step_size": 0.0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            AttackConfig(**bad)  # type: ignore[arg-type]


def test_untargeted_stays_in_budget_on_the_processor_grid(
    reference: LoadedModel, untargeted: tuple[list[str], list[AttackResult]]
) -> None:
    crop = reference.processor.image_processor.crop_size
    for result in untargeted[1]:
        assert result.image.size == result.clean_image.size == (crop["width"], crop["height"])
        assert result.image.mode == "RGB"
        distance = np.abs(_levels(result.image) - _levels(result.clean_image)).max() / 255
        assert distance == pytest.approx(result.linf)
        assert result.linf <= EPSILON + 1 / 255
        assert result.linf > EPSILON / 2  # it did use the budget


def test_untargeted_pushes_the_model_off_its_answer(
    reference: LoadedModel,
    items: list[TrustWorldItem],
    untargeted: tuple[list[str], list[AttackResult]],
) -> None:
    clean, results = untargeted
    assert all(r.loss_end > r.loss_start for r in results)
    # the clean grid image is what the model saw all along: same replies as the original
    prompts = _prompts(items)
    assert _replies(reference, [r.clean_image for r in results], prompts) == clean
    attacked = _answers(_replies(reference, [r.image for r in results], prompts), items)
    changed = sum(a != c for a, c in zip(attacked, _answers(clean, items), strict=True))
    assert changed >= len(items) // 2, (changed, attacked)


def test_targeted_pulls_the_model_to_the_target(
    reference: LoadedModel, items: list[TrustWorldItem]
) -> None:
    metas = [item.metadata() for item in items]
    targets = [misleading_target(m, True, random.Random(m.item_id)) for m in metas]
    # the reply the model gives when it sees the target's value
    wanted = [reasoned_reply(i, t, "believed") for i, t in zip(items, targets, strict=True)]
    prompts = _prompts(items)
    results = attack_images(
        reference.model,
        reference.processor,
        [item.image() for item in items],
        prompts,
        wanted,
        targeted=True,
    )
    assert all(r.loss_end < r.loss_start for r in results)
    replies = _replies(reference, [r.image for r in results], prompts)
    hits = sum(a == t for a, t in zip(_answers(replies, items), targets, strict=True))
    # 0.85 over 48 items (benchmarks/adversarial_speed.py); chance is about 0.25
    assert hits >= len(items) // 2, (hits, replies)


def test_deterministic_for_a_seed_and_independent_of_batching(
    reference: LoadedModel, items: list[TrustWorldItem]
) -> None:
    images, prompts = [item.image() for item in items[:4]], _prompts(items[:4])
    answers = ["shapes: 9. Answer: 9"] * 4

    def run(seed: int, batch_size: int) -> list[AttackResult]:
        config = AttackConfig(steps=2, seed=seed)
        return attack_images(
            reference.model,
            reference.processor,
            images,
            prompts,
            answers,
            targeted=True,
            config=config,
            batch_size=batch_size,
        )

    first, again, other, single = run(0, 4), run(0, 4), run(1, 4), run(0, 1)
    same = [
        np.array_equal(_levels(a.image), _levels(b.image))
        for a, b in zip(first, again, strict=True)
    ]
    assert all(same)
    assert not any(
        np.array_equal(_levels(a.image), _levels(b.image))
        for a, b in zip(first, other, strict=True)
    )
    # prompts of different lengths are padded in a batch: the loss must not see it
    for batched, alone in zip(first, single, strict=True):
        assert batched.loss_start == pytest.approx(alone.loss_start, abs=1e-4)


def test_png_replays_the_attack_and_the_model_is_left_as_it_was(
    reference: LoadedModel, untargeted: tuple[list[str], list[AttackResult]], tmp_path: Path
) -> None:
    result = untargeted[1][0]
    path = save_png(result, tmp_path / "adversarial" / "0.png")
    with Image.open(path) as replayed:
        assert np.array_equal(np.asarray(replayed.convert("RGB")), np.asarray(result.image))
    assert reference.processor.tokenizer.padding_side == "left"
    assert all(p.requires_grad for p in reference.model.parameters())
    assert not reference.model.training


@pytest.fixture(scope="module")
def tiny_tokenizer() -> Any:
    corpus = [f"The {s} is {c}." for s in ("square", "circle") for c in ("red", "blue")]
    return train_chat_tokenizer([*corpus, "What colour is the shape?"], vocab_size=300)


def test_a_clip_style_processor_is_followed_exactly(tmp_path: Path, tiny_tokenizer: Any) -> None:
    """Resize + centre crop of a non-square image, CLIP's mean and std, and a caller whose
    tokenizer pads on the right: the attack sees what the processor gives the model."""
    loaded = _load(build_tiny_llava(tmp_path / "llava", tokenizer=tiny_tokenizer))
    image_processor = loaded.processor.image_processor
    image_processor.image_mean = [0.48145466, 0.4578275, 0.40821073]
    image_processor.image_std = [0.26862954, 0.26130258, 0.27577711]
    loaded.processor.tokenizer.padding_side = "right"
    rng = np.random.default_rng(0)
    image = Image.fromarray(rng.integers(0, 256, (56, 40, 3), dtype=np.uint8))
    (result,) = attack_images(
        loaded.model,
        loaded.processor,
        [image],
        ["What colour is the shape?"],
        ["The square is red."],
        targeted=False,
        config=AttackConfig(epsilon=8 / 255, steps=3),
    )
    assert result.image.size == (32, 32)
    seen = image_processor(image, return_tensors="pt")["pixel_values"]
    assert torch.equal(
        seen, image_processor(result.clean_image, return_tensors="pt")["pixel_values"]
    )
    assert result.linf <= 8 / 255 + 1 / 255
    assert result.loss_end > result.loss_start
    assert loaded.processor.tokenizer.padding_side == "right"


def test_patchified_pixels_are_refused(tmp_path: Path, tiny_tokenizer: Any) -> None:
    loaded = _load(build_tiny_qwen2_vl(tmp_path / "qwen2-vl", tokenizer=tiny_tokenizer))
    with pytest.raises(UnsupportedModelError, match=r"qwen2_vl.*supports") as raised:
        attack_images(
            loaded.model,
            loaded.processor,
            [Image.new("RGB", (64, 64), "red")],
            ["What colour is the shape?"],
            ["red"],
            targeted=True,
        )
    assert isinstance(raised.value, ValueError)
