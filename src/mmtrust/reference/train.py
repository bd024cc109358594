"""Train the reference model from a seed.

    OMP_WAIT_POLICY=PASSIVE python -m mmtrust.reference.train --seed 0 --out DIR

builds the tokenizer and a randomly initialised tiny LLaVA (``models.tiny``), warms up and
freezes its vision tower (``vision_warmup``), trains it on fresh TrustWorld train items
(``data``) with the recipe of ``config``, scores it on the calib split while it trains
(``evaluate``; the test split is never looked at here), and saves model, processor and
``training_summary.json`` to ``DIR``. The same seed, recipe and thread count give the same
weights. ``OMP_WAIT_POLICY=PASSIVE`` matters on a shared machine: with the default spinning
OpenMP threads, a step took 5.6 s instead of 1.0 s when other processes held the cores.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch
from transformers import (
    AutoModelForImageTextToText,
    AutoProcessor,
)

from mmtrust.datasets.trustworld import trustworld_items
from mmtrust.datasets.trustworld.requests import trustworld_request_items
from mmtrust.models.tiny import build_tiny_llava
from mmtrust.reference.config import MICRO_RECIPE, REFERENCE_RECIPE, TrainingRecipe
from mmtrust.reference.data import build_tokenizer, encode_batch, example_stream
from mmtrust.reference.evaluate import evaluate_mub
from mmtrust.reference.evaluate_requests import evaluate_requests
from mmtrust.reference.vision_warmup import warm_up_vision

RECIPES = {"reference": REFERENCE_RECIPE, "micro": MICRO_RECIPE}
SUMMARY_FILE = "training_summary.json"
_LOG_EVERY = 50


def warmup_cosine(steps: int, warmup_fraction: float) -> Callable[[int], float]:
    """Learning-rate multiplier: linear warm-up, then cosine decay to zero at ``steps``."""
    warmup = max(1, round(steps * warmup_fraction))

    def multiplier(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, steps - warmup)
        return 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))

    return multiplier


@dataclass(frozen=True)
class TrainingRun:
    summary: dict[str, Any]
    """What ``training_summary.json`` holds: recipe, seed, times, loss curve, calib results."""
    losses: list[float]
    """The training loss of every step."""


def train(
    recipe: TrainingRecipe,
    seed: int,
    out_dir: str | Path,
    log: Callable[[str], None] = print,
) -> TrainingRun:
    """Train, save model, processor and summary to ``out_dir``, and return the run."""
    started = time.perf_counter()
    cpu_started = time.process_time()
    torch.set_num_threads(recipe.torch_threads)
    torch.manual_seed(seed)
    out = Path(out_dir)
    shape = recipe.model
    tokenizer = build_tokenizer(shape.vocab_size)
    build_tiny_llava(
        out,
        tokenizer=tokenizer,
        image_size=shape.image_size,
        patch_size=shape.patch_size,
        text_hidden=shape.text_hidden,
        text_layers=shape.text_layers,
        vision_hidden=shape.vision_hidden,
        vision_layers=shape.vision_layers,
        tie_word_embeddings=shape.tie_word_embeddings,
        seed=seed,
    )
    processor = AutoProcessor.from_pretrained(out)
    model = AutoModelForImageTextToText.from_pretrained(out)
    if recipe.vision_warmup_steps:
        warm_up_vision(
            model,
            processor.image_processor,
            steps=recipe.vision_warmup_steps,
            batch_size=recipe.vision_warmup_batch_size,
            lr=recipe.vision_warmup_lr,
            seed=seed,
            hazard_share=recipe.vision_warmup_hazard_share,
            log=log,
        )
        if recipe.freeze_vision_after_warmup:
            model.model.vision_tower.requires_grad_(False)
    parameters = sum(p.numel() for p in model.parameters())
    log(f"model: {parameters:,} parameters; recipe: {recipe.to_dict()}")

    optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad],
        lr=recipe.peak_lr,
        weight_decay=recipe.weight_decay,
    )
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, warmup_cosine(recipe.steps, recipe.warmup_fraction)
    )
    calib = trustworld_items("calib", recipe.eval_items)
    losses: list[float] = []
    evaluations: list[dict[str, Any]] = []
    model.train()
    for step, examples in zip(range(recipe.steps), example_stream(recipe, seed), strict=False):
        loss = reply_loss(model, encode_batch(processor, examples))
        loss.backward()
        # one bad batch early on must not throw a model this small into a collapsed state
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        if (step + 1) % _LOG_EVERY == 0:
            recent = sum(losses[-_LOG_EVERY:]) / _LOG_EVERY
            log(f"step {step + 1}: loss {recent:.4f} ({time.perf_counter() - started:.0f} s)")
        if _periodic_evaluation_due(recipe, step + 1):
            summary = evaluate_mub(model, processor, calib, implicit=False).summary()
            evaluations.append({"step": step + 1, **summary})
            log(f"calib @ {step + 1}: {_headline(summary)}")

    model.eval()
    model.save_pretrained(out)
    processor.save_pretrained(out)
    training_seconds = time.perf_counter() - started
    # CPU time is reported beside wall time because the machine may be shared: divided by the
    # thread count it approximates the wall time of an uncontended run.
    training_cpu_seconds = time.process_time() - cpu_started
    final = evaluate_mub(
        model, processor, trustworld_items("calib", recipe.final_eval_items)
    ).summary()
    log(f"calib final: {_headline(final)}")
    requests = evaluate_requests(
        model, processor, trustworld_request_items("calib", recipe.final_eval_items or 200)
    )
    log(
        f"calib requests: refusal rate benign {_rate(requests['refusal_rate_benign'])}, "
        f"harmful {_rate(requests['refusal_rate_harmful'])}; {requests['refused']}"
    )
    summary = {
        "seed": seed,
        "recipe": recipe.to_dict(),
        "parameters": parameters,
        "training_seconds": round(training_seconds, 1),
        "training_cpu_seconds": round(training_cpu_seconds, 1),
        "torch_threads": recipe.torch_threads,
        "torch_version": torch.__version__,
        "loss_curve": [
            sum(losses[i : i + _LOG_EVERY]) / len(losses[i : i + _LOG_EVERY])
            for i in range(0, len(losses), _LOG_EVERY)
        ],
        "calib_during_training": evaluations,
        "calib": final,
        "calib_requests": requests,
    }
    (out / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n")
    return TrainingRun(summary, losses)


def reply_loss(model: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Cross-entropy on the reply tokens, computing logits only where they are needed.

    Replies sit at the end of left-padded rows, so only the last ``reply + 1`` positions
    predict a scored token; projecting every position onto the vocabulary would waste a
    tenth of the step. Equals the model's own ``labels`` loss.
    """
    labels = batch["labels"]
    scored_columns = (labels != -100).any(dim=0).nonzero()
    keep = labels.shape[1] - int(scored_columns.min()) + 1
    outputs = model(
        input_ids=batch["input_ids"],
        attention_mask=batch["attention_mask"],
        pixel_values=batch["pixel_values"],
        logits_to_keep=keep,
    )
    logits = outputs.logits[:, :-1, :]
    targets = labels[:, -(keep - 1) :]
    return torch.nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100
    )


def _periodic_evaluation_due(recipe: TrainingRecipe, steps_done: int) -> bool:
    """Every ``eval_every`` steps, except at the end, where the full calib evaluation runs."""
    return (
        recipe.eval_every > 0 and steps_done % recipe.eval_every == 0 and steps_done < recipe.steps
    )


def _headline(summary: dict[str, Any]) -> str:
    families = ", ".join(
        f"{name} {_rate(acc)}" for name, acc in summary["accuracy_by_family"].items()
    )
    explicit = summary["explicit"]
    rates = (
        f"explicit T->F {explicit['misleading_rate_t2f']}, F->T {explicit['misleading_rate_f2t']}"
    )
    if summary["implicit"] is not None:
        implicit = summary["implicit"]
        rates += (
            f"; implicit T->F {implicit['misleading_rate_t2f']}, "
            f"F->T {implicit['misleading_rate_f2t']}"
        )
    return f"acc {_rate(summary['accuracy'])} ({families}); {rates}"


def _rate(value: float | None) -> str:
    """A rate over no answered item is undefined (every reply unparsed), shown as n/a."""
    return "n/a" if value is None else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train mmtrust's reference model.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="directory to save the model to")
    parser.add_argument("--steps", type=int, help="override the recipe's number of steps")
    parser.add_argument("--recipe", choices=sorted(RECIPES), default="reference")
    args = parser.parse_args(argv)
    recipe = RECIPES[args.recipe]
    if args.steps is not None:
        recipe = replace(recipe, steps=args.steps)
    train(recipe, args.seed, args.out)


if __name__ == "__main__":
    main()
