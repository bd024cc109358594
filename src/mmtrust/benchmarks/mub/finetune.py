"""Fine-tuning on misleading data with LoRA (MUB's mitigation, spec: mub.md), for any local
Hugging Face vision-language model.

    mmtrust finetune-misleading --model-dir DIR --out OUT

1. measures the model on held-out TrustWorld ``test`` items (clean accuracy; explicit and
   implicit MR(T->F) and MR(F->T), the two-stage MUB protocol of ``reference.evaluate``);
2. builds the training set (``finetune_data``: TrustWorld ``train`` items or a MUB-format file,
   hints towards wrong and true answers, every reply the true answer, clean items mixed in);
3. trains LoRA adapters (``peft``) on the language model's attention and MLP projections; the
   vision tower and the projector stay frozen unless ``train_vision`` is set;
4. merges the adapters into the weights and saves a plain checkpoint to OUT, which
   ``--model hf-vlm/OUT`` loads with no peft at inference (the unmerged adapter is kept in
   ``OUT/lora_adapter`` for those who want to stack or inspect it);
5. measures the merged model on the same held-out items and writes ``finetune_summary.json``.

MUB does not publish its fine-tuning recipe; the defaults here are this project's, chosen on
the reference model and stated in its model card. The same seed gives the same weights.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch

from mmtrust.benchmarks.mub.finetune_data import (
    SourceItem,
    build_examples,
    encode_examples,
    mub_file_source,
    trustworld_source,
)
from mmtrust.benchmarks.mub.finetune_settings import FinetuneSettings
from mmtrust.datasets.trustworld import trustworld_items
from mmtrust.metrics.misleading import accuracy, misleading_rate_f2t, misleading_rate_t2f
from mmtrust.reference.evaluate import MubReport, evaluate_mub
from mmtrust.reference.train import warmup_cosine

SUMMARY_FILE = "finetune_summary.json"
ADAPTER_DIR = "lora_adapter"
PROJECTION_NAMES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
"""The language model's attention and MLP projections (Llama, Qwen, Mistral, Gemma names)."""
VISION_PARTS = ("vision_tower", "visual", "vision_model", "multi_modal_projector", "mm_projector")
"""Submodule names of the vision side in transformers' vision-language models."""
_LOG_EVERY = 25


def lora_targets(model: torch.nn.Module, train_vision: bool = False) -> list[str]:
    """Qualified names of the linear projections LoRA adapts (vision side only if asked)."""
    targets = []
    for name, module in model.named_modules():
        if not isinstance(module, torch.nn.Linear) or name.rsplit(".", 1)[-1] not in (
            *PROJECTION_NAMES,
            "out_proj",
            "fc1",
            "fc2",
        ):
            continue
        on_vision_side = any(part in name.split(".") for part in VISION_PARTS)
        if (on_vision_side and train_vision) or (
            not on_vision_side and name.rsplit(".", 1)[-1] in PROJECTION_NAMES
        ):
            targets.append(name)
    if not targets:
        raise ValueError(
            "Found no attention or MLP projection to adapt (looked for "
            f"{', '.join(PROJECTION_NAMES)} outside {', '.join(VISION_PARTS)})."
        )
    return targets


def measure(model: Any, processor: Any, items: int | None, seed: int) -> dict[str, Any]:
    """Clean accuracy and the four misleading rates, with Wilson intervals and counts."""
    report = evaluate_mub(model, processor, trustworld_items("test", items), seed=seed)
    return rates_of(report)


def rates_of(report: MubReport) -> dict[str, Any]:
    explicit = [o.misleading("explicit") for o in report.outcomes]
    implicit = [o.misleading("implicit") for o in report.outcomes]
    return {
        "items": len(report.outcomes),
        **accuracy(explicit).fields("accuracy"),
        "explicit": {
            **misleading_rate_t2f(explicit).fields("mr_t2f"),
            **misleading_rate_f2t(explicit).fields("mr_f2t"),
        },
        "implicit": {
            **misleading_rate_t2f(implicit).fields("mr_t2f"),
            **misleading_rate_f2t(implicit).fields("mr_f2t"),
        },
        "unparsed_replies": report.unparsed,
    }


def finetune_misleading(
    model_dir: str | Path,
    out_dir: str | Path,
    settings: FinetuneSettings | None = None,
    *,
    train_file: str | Path | None = None,
    images_dir: str | Path | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Fine-tune ``model_dir`` on misleading data, save the merged model to ``out_dir`` and
    return (and write) the before/after summary."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForImageTextToText, AutoProcessor

    from mmtrust.models.loading import resolve_model_dir

    settings = settings or FinetuneSettings()
    if settings.torch_threads:
        torch.set_num_threads(settings.torch_threads)
    source_dir = resolve_model_dir(str(model_dir))
    out = Path(out_dir)
    processor = AutoProcessor.from_pretrained(source_dir)
    model = AutoModelForImageTextToText.from_pretrained(source_dir).to(settings.device)
    started = time.perf_counter()
    before = measure(model, processor, settings.eval_items, settings.seed)
    log(f"before: {_headline(before)}")
    before_seconds = time.perf_counter() - started

    sources = _sources(settings, train_file, images_dir)
    torch.manual_seed(settings.seed)
    config = LoraConfig(
        r=settings.rank,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=lora_targets(model, settings.train_vision),
        bias="none",
    )
    peft_model = get_peft_model(model, config)
    trainable = _trainable(peft_model)
    trained = time.perf_counter()
    losses = train_adapters(peft_model, processor, sources, settings, log)
    training_seconds = time.perf_counter() - trained

    out.mkdir(parents=True, exist_ok=True)
    peft_model.save_pretrained(str(out / ADAPTER_DIR))
    merged = peft_model.merge_and_unload()
    merged.save_pretrained(out)
    processor.save_pretrained(out)
    after = measure(merged, processor, settings.eval_items, settings.seed)
    log(f"after: {_headline(after)}")
    summary = {
        "base_model": str(model_dir),
        "saved": "merged: LoRA adapters folded into the weights; the adapter alone is in "
        f"{ADAPTER_DIR}/",
        "settings": settings.to_dict(),
        "training_data": _data_description(train_file, sources),
        "lora_targets": len(config.target_modules or ()),
        "trainable_parameters": trainable,
        "training_seconds": round(training_seconds, 1),
        "evaluation_seconds_each": round(before_seconds, 1),
        "held_out": f"TrustWorld test split, {before['items']} items (never trained on)",
        "loss_curve": [
            round(sum(losses[i : i + _LOG_EVERY]) / len(losses[i : i + _LOG_EVERY]), 4)
            for i in range(0, len(losses), _LOG_EVERY)
        ],
        "before": before,
        "after": after,
    }
    (out / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def train_adapters(
    model: Any,
    processor: Any,
    sources: Sequence[SourceItem],
    settings: FinetuneSettings,
    log: Callable[[str], None] = print,
) -> list[float]:
    """The LoRA training loop: AdamW, linear warm-up then cosine decay, loss on replies only."""
    examples = build_examples(
        sources, settings.steps * settings.batch_size, settings.mix, settings.seed
    )
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=settings.learning_rate, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, warmup_cosine(settings.steps, settings.warmup_fraction)
    )
    losses: list[float] = []
    model.train()
    for step in range(settings.steps):
        chunk = examples[step * settings.batch_size : (step + 1) * settings.batch_size]
        loss = model(**_on_model(encode_examples(processor, chunk), model)).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        if (step + 1) % _LOG_EVERY == 0:
            log(f"step {step + 1}: loss {sum(losses[-_LOG_EVERY:]) / _LOG_EVERY:.4f}")
    model.eval()
    return losses


def _on_model(batch: dict[str, torch.Tensor], model: Any) -> dict[str, torch.Tensor]:
    """The batch on the model's device; pixels in its dtype (bfloat16 on a GPU)."""
    return {
        key: value.to(model.device, model.dtype)
        if value.is_floating_point()
        else value.to(model.device)
        for key, value in batch.items()
    }


def _sources(
    settings: FinetuneSettings, train_file: str | Path | None, images_dir: str | Path | None
) -> list[SourceItem]:
    if train_file is None:
        return trustworld_source(settings.train_items)
    if images_dir is None:
        raise ValueError(f"Training on {train_file} needs its images folder (images_dir).")
    sources = mub_file_source(train_file, images_dir)[: settings.train_items]
    if not sources:
        raise ValueError(f"{train_file}: no item with a readable image to train on.")
    return sources


def _data_description(train_file: str | Path | None, sources: Sequence[SourceItem]) -> str:
    origin = "TrustWorld train split" if train_file is None else str(train_file)
    return f"{len(sources)} items from {origin}"


def _trainable(model: Any) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _headline(rates: dict[str, Any]) -> str:
    def rate(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    explicit, implicit = rates["explicit"], rates["implicit"]
    return (
        f"acc {rate(rates['accuracy'])}; explicit T->F {rate(explicit['mr_t2f'])}, "
        f"F->T {rate(explicit['mr_f2t'])}; implicit T->F {rate(implicit['mr_t2f'])}, "
        f"F->T {rate(implicit['mr_f2t'])} ({rates['items']} held-out items)"
    )
