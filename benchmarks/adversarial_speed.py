"""PGD adversarial images (``benchmarks.multitrust.adversarial``) at batch size 1 vs 16.

The same N TrustWorld test images (families the reference model answers well) are attacked
untargeted on the same model with the same steps, one image at a time and in batches, in one
process; it prints images/s for each and their ratio, and how many of the two runs' images are
identical. Then it reads what the attack did, with greedy replies as the MUB task asks them:
clean accuracy (on the processor-grid images), accuracy on the untargeted images, and the
targeted success rate (the reply names a random wrong option, which the attack pulls towards
with the reply the model gives when it sees that option's value).

    python benchmarks/adversarial_speed.py [--model-dir DIR] [--n 48] [--steps 10]
        [--epsilon 16] [--batch-size 16]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import torch

from mmtrust.benchmarks.multitrust.adversarial import AttackConfig, AttackResult, attack_images
from mmtrust.datasets.trustworld import trustworld_items
from mmtrust.models.loading import load_vision_language_model
from mmtrust.perturb.misleading import clean_prompt, misleading_target
from mmtrust.reference import reference_model_dir
from mmtrust.reference.evaluate import greedy_replies
from mmtrust.reference.reasoning import reasoned_reply
from mmtrust.scoring.answer import extract_answer

FAMILIES = ("colour", "count", "shape", "text")
"""The reference model's best families (test accuracy 0.74 to 1.0, its model card)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--n", type=int, default=48)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--epsilon", type=float, default=16, help="in grey levels (/255)")
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    model_dir = args.model_dir or reference_model_dir()
    loaded = load_vision_language_model(
        model_dir, device=torch.device("cpu"), dtype=torch.float32, trust_remote_code=False
    )
    model, processor = loaded.model, loaded.processor
    items = trustworld_items("test", args.n, families=FAMILIES)
    metas = [item.metadata() for item in items]
    images = [item.image() for item in items]
    prompts = [clean_prompt(meta) for meta in metas]
    config = AttackConfig(epsilon=args.epsilon / 255, steps=args.steps)
    print(f"model: {model_dir}  images: {len(items)}  threads: {torch.get_num_threads()}")
    print(f"epsilon {args.epsilon:g}/255, {config.steps} steps of {config.alpha * 255:.2f}/255")

    clean_replies = greedy_replies(model, processor, list(zip(images, prompts, strict=True)))

    def attack(
        answers: list[str], targeted: bool, batch_size: int
    ) -> tuple[float, list[AttackResult]]:
        started = time.perf_counter()
        results = attack_images(
            model, processor, images, prompts, answers,
            targeted=targeted, config=config, batch_size=batch_size,
        )  # fmt: skip
        return time.perf_counter() - started, results

    attack_images(model, processor, images[:1], prompts[:1], clean_replies[:1], targeted=False)
    one_s, one = attack(clean_replies, False, 1)
    batched_s, batched = attack(clean_replies, False, args.batch_size)
    same = sum(_pixels_equal(a, b) for a, b in zip(one, batched, strict=True))
    print(f"batch size  1 : {one_s:7.2f} s  ({len(items) / one_s:6.2f} images/s)")
    rate = len(items) / batched_s
    print(f"batch size {args.batch_size:>2} : {batched_s:7.2f} s  ({rate:6.2f} images/s)")
    print(f"speed-up      : {one_s / batched_s:.2f}x   identical images: {same}/{len(items)}")

    def accuracy(replies: list[str], wanted: list[str]) -> float:
        answers = [extract_answer(r, m).answer for r, m in zip(replies, metas, strict=True)]
        return sum(a == w for a, w in zip(answers, wanted, strict=True)) / len(metas)

    truth = [meta.answer for meta in metas]
    grid = [r.clean_image for r in batched]
    grid_replies = greedy_replies(model, processor, list(zip(grid, prompts, strict=True)))
    adversarial = [r.image for r in batched]
    untargeted = greedy_replies(model, processor, list(zip(adversarial, prompts, strict=True)))
    linf = max(r.linf for r in batched) * 255
    rising = sum(r.loss_end > r.loss_start for r in batched)
    print(f"clean accuracy              : {accuracy(grid_replies, truth):.3f}"
          f"  (original images: {accuracy(clean_replies, truth):.3f})")  # fmt: skip
    print(f"untargeted accuracy         : {accuracy(untargeted, truth):.3f}"
          f"  (loss rose on {rising}/{len(items)}; max L-inf {linf:.0f}/255)")  # fmt: skip
    # Pushed away from a WRONG clean reply, a reply may land on the truth: count apart the
    # items the model had right, the ones an attack can only break.
    right = [
        extract_answer(r, m).answer == m.answer for r, m in zip(grid_replies, metas, strict=True)
    ]
    kept = sum(
        ok and extract_answer(r, m).answer == m.answer
        for ok, r, m in zip(right, untargeted, metas, strict=True)
    )
    print(f"  still right, of those right clean: {kept}/{sum(right)}")

    targets = [misleading_target(m, True, random.Random(f"adv:{m.item_id}")) for m in metas]
    wanted = [reasoned_reply(i, t, "believed") for i, t in zip(items, targets, strict=True)]
    targeted_s, pulled = attack(wanted, True, args.batch_size)
    pulled_images = [r.image for r in pulled]
    replies = greedy_replies(model, processor, list(zip(pulled_images, prompts, strict=True)))
    falling = sum(r.loss_end < r.loss_start for r in pulled)
    print(f"targeted success (= target) : {accuracy(replies, targets):.3f}"
          f"  (loss fell on {falling}/{len(items)}; {targeted_s:.2f} s)")  # fmt: skip
    print(f"targeted accuracy           : {accuracy(replies, truth):.3f}")


def _pixels_equal(a: AttackResult, b: AttackResult) -> bool:
    return bool(np.array_equal(np.asarray(a.image), np.asarray(b.image)))


if __name__ == "__main__":
    main()
