"""Batched local provider vs the one-at-a-time loop of the reference codes, measured side by side.

The same N TrustWorld clean prompts go to the same model twice in one process:
1. one at a time: processor -> generate -> decode per item, as MUB's reference scripts loop;
2. through mmtrust's `hf-vlm` Inspect provider, all requests in flight at once so that the
   provider batches them.
It prints both wall times and their ratio, and checks that the answers agree (greedy).
Then a MUB-shaped workload (each image asked five times) goes through the provider with its
prepared-image cache off and on, and the ratio of the two is printed.

    python benchmarks/batching_speed.py [--model-dir DIR] [--n 256] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
from inspect_ai.model import (
    ChatMessage,
    ChatMessageUser,
    ContentImage,
    ContentText,
    GenerateConfig,
    get_model,
)
from PIL import Image
from transformers import AutoModelForImageTextToText, AutoProcessor

from mmtrust.datasets.images import image_to_data_uri
from mmtrust.datasets.trustworld import TrustWorldItem, trustworld_items
from mmtrust.models.local_vlm import DEFAULT_IMAGE_CACHE_MB
from mmtrust.perturb.misleading import answer_space, clean_prompt, explicit_prompt, implicit_prompt
from mmtrust.reference import reference_model_dir

MAX_NEW_TOKENS = 32
"""As the MUB task allows: the reference model states its observation before the answer."""


def one_at_a_time(
    model_dir: Path, prompts: list[tuple[str, Image.Image]]
) -> tuple[float, list[str]]:
    processor = AutoProcessor.from_pretrained(model_dir)
    model = AutoModelForImageTextToText.from_pretrained(model_dir).eval()
    replies = []
    started = time.perf_counter()
    for text, image in prompts:
        messages = [
            {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": text}]}
        ]
        chat = processor.apply_chat_template(messages, add_generation_prompt=True)
        inputs = processor(images=[image], text=[chat], return_tensors="pt")
        with torch.inference_mode():
            output = model.generate(**inputs, max_new_tokens=MAX_NEW_TOKENS, do_sample=False)
        new_tokens = output[0, inputs["input_ids"].shape[1] :]
        replies.append(processor.decode(new_tokens, skip_special_tokens=True).strip())
    return time.perf_counter() - started, replies


async def batched(
    model_dir: Path,
    prompts: list[tuple[str, Image.Image]],
    batch_size: int,
    image_cache_mb: float = DEFAULT_IMAGE_CACHE_MB,
) -> tuple[float, list[str]]:
    model = get_model(
        f"hf-vlm/{model_dir}",
        # explicit max_connections: Inspect's adaptive concurrency would start at 20 requests
        config=GenerateConfig(
            temperature=0.0, max_tokens=MAX_NEW_TOKENS, max_connections=2 * batch_size
        ),
        batch_size=batch_size,
        image_cache_mb=image_cache_mb,
        memoize=False,
    )
    messages: list[list[ChatMessage]] = [
        [
            ChatMessageUser(
                content=[ContentImage(image=image_to_data_uri(image)), ContentText(text=text)]
            )
        ]
        for text, image in prompts
    ]
    await model.generate(messages[0])  # load and warm up outside the timed region, as above
    started = time.perf_counter()
    outputs = await asyncio.gather(*(model.generate(m) for m in messages))
    return time.perf_counter() - started, [o.completion.strip() for o in outputs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--n", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    model_dir = args.model_dir or reference_model_dir()
    items = trustworld_items("test", args.n)
    prompts = [(clean_prompt(item.metadata()), item.image()) for item in items]

    sequential_s, sequential_replies = one_at_a_time(model_dir, prompts)
    batched_s, batched_replies = asyncio.run(batched(model_dir, prompts, args.batch_size))
    agree = sum(a == b for a, b in zip(sequential_replies, batched_replies, strict=True))
    print(f"model: {model_dir}  prompts: {len(prompts)}  threads: {torch.get_num_threads()}")
    print(f"one at a time : {sequential_s:7.2f} s  ({len(prompts) / sequential_s:6.1f} prompts/s)")
    rate = len(prompts) / batched_s
    print(f"batched ({args.batch_size:>3}) : {batched_s:7.2f} s  ({rate:6.1f} prompts/s)")
    print(f"speed-up      : {sequential_s / batched_s:.2f}x")
    print(f"same answers  : {agree}/{len(prompts)}")

    # MUB-shaped: every image asked five times (clean, explicit, three implicit notes), with
    # and without the provider's prepared-image cache
    shaped = mub_shaped(items[: max(1, args.n // REQUESTS_PER_IMAGE)])
    plain_s, plain_replies = asyncio.run(batched(model_dir, shaped, args.batch_size, 0))
    cached_s, cached_replies = asyncio.run(batched(model_dir, shaped, args.batch_size))
    agree = sum(a == b for a, b in zip(plain_replies, cached_replies, strict=True))
    print(f"MUB-shaped, {len(shaped)} prompts over {len(shaped) // REQUESTS_PER_IMAGE} images:")
    print(f"  image cache off : {plain_s:7.2f} s  ({len(shaped) / plain_s:6.1f} prompts/s)")
    print(f"  image cache on  : {cached_s:7.2f} s  ({len(shaped) / cached_s:6.1f} prompts/s)")
    print(f"  speed-up        : {plain_s / cached_s:.2f}x  same answers {agree}/{len(shaped)}")


REQUESTS_PER_IMAGE = 5


def mub_shaped(items: list[TrustWorldItem]) -> list[tuple[str, Image.Image]]:
    """Five MUB prompts per image: clean, explicit towards a wrong option, three notes."""
    prompts = []
    for item in items:
        metadata, image = item.metadata(), item.image()
        wrong = next(o for o in answer_space(metadata) if o != metadata.answer)
        prompts.append((clean_prompt(metadata), image))
        prompts.append((explicit_prompt(metadata, wrong), image))
        prompts += [
            (implicit_prompt(metadata, f"Note {k}: the answer is probably {wrong}."), image)
            for k in range(1, 4)
        ]
    return prompts


if __name__ == "__main__":
    main()
