"""One command for a machine with a GPU: does the local path work on CUDA, and how fast?

    make gpu-check        # or: python benchmarks/gpu_check.py [--n 64]

Never part of CI (CI machines have no GPU). It checks, on the first CUDA device:
1. the reference model answers on CUDA, and batching pays there: batch-1 loop vs batched,
   wall time and ratio, and the same greedy answers;
2. a tiny Qwen2-VL built from its config (a second architecture) answers on CUDA;
3. the calibration prompt's log-probabilities on CUDA equal the CPU ones (float32 on both)
   within a tolerance;
4. ``device_map=auto`` loads the reference model over the visible GPUs and answers the same;
then prints one summary table. Commands this check will cover once they exist (adversarial
images, fine-tuning on misleading data) are listed as not available.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from inspect_ai.model import (
    ChatMessage,
    ChatMessageUser,
    ContentImage,
    ContentText,
    GenerateConfig,
    Model,
    get_model,
)

from mmtrust.benchmarks.calibration.prompts import calibration_prompt
from mmtrust.datasets.images import image_to_data_uri
from mmtrust.datasets.trustworld import trustworld_items
from mmtrust.models.tiny import build_tiny_qwen2_vl, train_chat_tokenizer
from mmtrust.perturb.misleading import clean_prompt
from mmtrust.reference import reference_model_dir

LOGPROB_TOLERANCE = 1e-3
Row = tuple[str, str, str]


def _model(directory: Path, **args: Any) -> Model:
    config = GenerateConfig(temperature=0.0, max_tokens=32, max_connections=128)
    return get_model(f"hf-vlm/{directory}", config=config, memoize=False, **args)


def _ask(model: Model, inputs: list[list[ChatMessage]], config: GenerateConfig) -> list[Any]:
    async def run() -> list[Any]:
        return list(await asyncio.gather(*(model.generate(i, config=config) for i in inputs)))

    return asyncio.run(run())


def _inputs(n: int, calibration: bool = False) -> list[list[ChatMessage]]:
    prompts: list[list[ChatMessage]] = []
    for item in trustworld_items("test", n):
        metadata = item.metadata()
        text = calibration_prompt(metadata) if calibration else clean_prompt(metadata)
        image = ContentImage(image=image_to_data_uri(item.image()))
        prompts.append([ChatMessageUser(content=[image, ContentText(text=text)])])
    return prompts


def batching(n: int) -> list[Row]:
    inputs = _inputs(n)
    one = _model(reference_model_dir(), device="cuda", batch_size=1)
    _ask(one, inputs[:1], GenerateConfig())  # warm up outside the timing
    started = time.perf_counter()
    alone = _ask(one, inputs, GenerateConfig())
    alone_s = time.perf_counter() - started
    many = _model(reference_model_dir(), device="cuda", batch_size=32)
    _ask(many, inputs[:1], GenerateConfig())
    started = time.perf_counter()
    batched = _ask(many, inputs, GenerateConfig())
    batched_s = time.perf_counter() - started
    same = sum(a.completion == b.completion for a, b in zip(alone, batched, strict=True))
    return [
        ("reference on CUDA, batch 1", f"{n / alone_s:.1f} prompts/s", f"{alone_s:.2f} s"),
        ("reference on CUDA, batch 32", f"{n / batched_s:.1f} prompts/s", f"{batched_s:.2f} s"),
        ("batching speed-up", f"{alone_s / batched_s:.2f}x", f"same answers {same}/{n}"),
    ]


def second_architecture() -> list[Row]:
    tokenizer = train_chat_tokenizer(["What colour is the shape? Red. Blue."], vocab_size=400)
    with tempfile.TemporaryDirectory() as folder:
        build_tiny_qwen2_vl(Path(folder), tokenizer=tokenizer)
        model = _model(Path(folder), device="cuda")
        (output,) = _ask(model, _inputs(1), GenerateConfig(max_tokens=4))
    ok = output.error is None and output.usage is not None
    return [("tiny Qwen2-VL on CUDA", "answers" if ok else "FAILED", repr(output.completion))]


def logprobs_match(n: int) -> list[Row]:
    inputs = _inputs(n, calibration=True)
    config = GenerateConfig(logprobs=True, top_logprobs=5, max_tokens=8)
    cpu = _ask(_model(reference_model_dir(), device="cpu"), inputs, config)
    cuda = _ask(_model(reference_model_dir(), device="cuda", dtype="float32"), inputs, config)
    worst = 0.0
    same_text = 0
    for a, b in zip(cpu, cuda, strict=True):
        same_text += a.completion == b.completion
        steps = zip(a.choices[0].logprobs.content, b.choices[0].logprobs.content, strict=False)
        for x, y in steps:
            worst = max(worst, abs(x.logprob - y.logprob))
    verdict = "within tolerance" if worst <= LOGPROB_TOLERANCE else "DIFFERENT"
    return [
        (
            "calibration log-probabilities CUDA vs CPU",
            f"max |diff| {worst:.2e} ({verdict})",
            f"same replies {same_text}/{n}",
        )
    ]


def sharded(n: int) -> list[Row]:
    inputs = _inputs(n)
    spread = _ask(_model(reference_model_dir(), device_map="auto"), inputs, GenerateConfig())
    single = _ask(_model(reference_model_dir(), device="cuda"), inputs, GenerateConfig())
    same = sum(a.completion == b.completion for a, b in zip(spread, single, strict=True))
    gpus = torch.cuda.device_count()
    return [("device_map=auto", f"{gpus} GPU(s)", f"same answers as cuda:0 {same}/{n}")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=64, help="prompts per check")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("gpu-check: no CUDA device is visible to torch; nothing to check here.")
        return 2
    print(f"device: {torch.cuda.get_device_name(0)}, torch {torch.__version__}")
    rows: list[Row] = []
    checks: list[tuple[str, Callable[[], list[Row]]]] = [
        ("batching", lambda: batching(args.n)),
        ("tiny Qwen2-VL", second_architecture),
        ("log-probabilities", lambda: logprobs_match(min(args.n, 32))),
        ("device_map=auto", lambda: sharded(min(args.n, 16))),
    ]
    for name, check in checks:
        try:
            rows += check()
        except Exception as error:  # one failed check must not hide the others
            rows.append((name, "FAILED", repr(error)[:120]))
    rows += [
        ("adversarial images", "not available yet", "no such command in mmtrust yet"),
        ("fine-tuning on misleading data", "not available yet", "no such command yet"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, result, detail in rows:
        print(f"{name:<{width}}  {result:<36}  {detail}")
    return 1 if any("FAILED" in r[1] or "DIFFERENT" in r[1] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
