"""``mmtrust finetune-misleading``: the command line of ``finetune``."""

from __future__ import annotations

import argparse
from typing import Any

from mmtrust.benchmarks.mub.finetune_settings import DataMix, FinetuneSettings


def add_finetune_misleading(commands: Any) -> None:
    parser = commands.add_parser(
        "finetune-misleading",
        help="LoRA fine-tuning of a local model on misleading data (MUB's mitigation): "
        "accuracy and misleading rates before and after",
    )
    parser.add_argument(
        "--model-dir",
        default="reference",
        help="a local HF vision-language model: folder, hub id or 'reference' (default)",
    )
    parser.add_argument("--out", required=True, help="folder the merged model is saved to")
    parser.add_argument(
        "--train-file", help="a MUB-format file to train on (default: TrustWorld train items)"
    )
    parser.add_argument("--images", help="the images folder of --train-file")
    defaults = _defaults()
    for flag, kind, help_text in (
        ("--rank", int, "LoRA rank"),
        ("--alpha", int, "LoRA alpha"),
        ("--learning-rate", float, "peak learning rate"),
        ("--steps", int, "optimisation steps"),
        ("--batch-size", int, "examples per step"),
        ("--seed", int, "seed of the data and the adapters' initialisation"),
        ("--train-items", int, "distinct training items"),
        ("--eval-items", int, "held-out TrustWorld test items measured before and after"),
    ):
        name = flag.removeprefix("--").replace("-", "_")
        parser.add_argument(
            flag, type=kind, default=defaults[name], help=f"{help_text} (default: %(default)s)"
        )
    mix = DataMix()
    parser.add_argument(
        "--misleading-share",
        type=float,
        default=mix.misleading_share,
        help="share of examples with a hint (default: %(default)s)",
    )
    parser.add_argument(
        "--wrong-hint-share",
        type=float,
        default=mix.wrong_hint_share,
        help="share of hints naming a wrong answer (default: %(default)s)",
    )
    parser.add_argument(
        "--train-vision", action="store_true", help="adapt the vision tower too (default: frozen)"
    )
    parser.add_argument("--device", default="cpu", help="cpu or cuda (default: %(default)s)")
    parser.set_defaults(handler=_finetune)


def _defaults() -> dict[str, Any]:
    return FinetuneSettings().to_dict()


def _finetune(args: argparse.Namespace) -> int:
    # imported here: fine-tuning needs torch, transformers and peft, the rest of the CLI not
    from mmtrust.benchmarks.mub.finetune import SUMMARY_FILE, finetune_misleading

    settings = FinetuneSettings(
        rank=args.rank,
        alpha=args.alpha,
        learning_rate=args.learning_rate,
        steps=args.steps,
        batch_size=args.batch_size,
        seed=args.seed,
        train_items=args.train_items,
        eval_items=args.eval_items,
        mix=DataMix(misleading_share=args.misleading_share, wrong_hint_share=args.wrong_hint_share),
        train_vision=args.train_vision,
        device=args.device,
    )
    finetune_misleading(
        args.model_dir, args.out, settings, train_file=args.train_file, images_dir=args.images
    )
    print(
        f"saved the merged model to {args.out} (load it with --model hf-vlm/{args.out}); "
        f"before/after in {args.out}/{SUMMARY_FILE}"
    )
    return 0
