"""The local provider prepares each image once: real processors of tiny LLaVA and Qwen2-VL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch
from inspect_ai.model import GenerateConfig
from PIL import Image

from mmtrust.models.image_cache import CachingImageProcessor, PreparedImages
from mmtrust.models.local_vlm import LocalVisionLanguageAPI
from tests.models.conftest import png_data_uri
from tests.models.test_local_vlm import generate_all, image_question, load

# (colour, size): Qwen2-VL turns differently sized images into different numbers of patches
IMAGES = [("red", 32), ("blue", 56), ("green", 28)]


def _mub_shaped() -> list:  # type: ignore[type-arg]
    """Every image asked three times with different texts, as MUB asks it five times."""
    return [
        [
            message.model_copy(
                update={
                    "content": [
                        message.content[0].model_copy(  # type: ignore[index, union-attr]
                            update={"image": png_data_uri(colour, size)}
                        ),
                        *message.content[1:],  # type: ignore[index]
                    ]
                }
            )
            for message in image_question(colour, question)
        ]
        for colour, size in IMAGES
        for question in ("What colour?", "What colour is it? The true answer is B.", "Hint: red.")
    ]


def test_cached_preparation_answers_exactly_as_uncached(tiny_vlm_dir: Path) -> None:
    inputs = _mub_shaped()
    config = GenerateConfig(logprobs=True)
    cached_model = load(tiny_vlm_dir)
    plain_model = load(tiny_vlm_dir, image_cache_mb=0)
    cached = generate_all(cached_model, inputs, config)
    plain = generate_all(plain_model, inputs, config)
    assert [o.completion for o in cached] == [o.completion for o in plain]
    for a, b in zip(cached, plain, strict=True):
        assert a.usage == b.usage
        first = [lp.logprob for lp in a.choices[0].logprobs.content]  # type: ignore[union-attr]
        second = [lp.logprob for lp in b.choices[0].logprobs.content]  # type: ignore[union-attr]
        assert first == second

    api = cached_model.api
    assert isinstance(api, LocalVisionLanguageAPI)
    stats = api.image_cache_statistics
    assert stats is not None
    assert (stats.decode_misses, stats.decode_hits) == (3, 6)
    assert (stats.processor_misses, stats.processor_hits) == (3, 6)
    assert stats.processor_bypassed == 0
    assert isinstance(plain_model.api, LocalVisionLanguageAPI)
    assert plain_model.api.image_cache_statistics is None

    # asked again: every image comes from the cache
    generate_all(cached_model, inputs, config)
    again = api.image_cache_statistics
    assert again is not None and again.decode_misses == 3 and again.processor_misses == 3


def test_joined_per_image_outputs_equal_the_processors_own(tiny_vlm_dir: Path) -> None:
    api = load(tiny_vlm_dir).api
    assert isinstance(api, LocalVisionLanguageAPI)
    wrapper = api.loaded.processor.image_processor
    assert isinstance(wrapper, CachingImageProcessor)
    cache = PreparedImages()

    def square(colour: str, size: int) -> Callable[[bytes], Image.Image]:
        return lambda _: Image.new("RGB", (size, size), colour)

    images = [
        cache.decoded(size.to_bytes(2, "big") + colour.encode(), square(colour, size))
        for colour, size in IMAGES
    ]
    own = wrapper._inner(images, return_tensors="pt")
    joined = CachingImageProcessor(wrapper._inner, cache)(images, return_tensors="pt")
    assert set(own.keys()) == set(joined.keys())
    for key in own:
        assert torch.equal(torch.as_tensor(own[key]), torch.as_tensor(joined[key])), key


def test_the_cache_stays_within_its_bound() -> None:
    cache = PreparedImages(max_bytes=3 * 10 * 10 * 3)  # three 10x10 RGB images
    for index in range(5):
        cache.decoded(bytes([index]), lambda _: Image.new("RGB", (10, 10)))
    stats = cache.statistics()
    assert stats.entries == 3 and stats.bytes <= cache.max_bytes
    cache.decoded(bytes([4]), lambda _: Image.new("RGB", (10, 10)))  # the newest stayed
    cache.decoded(bytes([0]), lambda _: Image.new("RGB", (10, 10)))  # the oldest went
    stats = cache.statistics()
    assert (stats.decode_hits, stats.decode_misses) == (1, 6)
