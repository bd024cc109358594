"""How fast the refusal judges read replies, measured side by side in one process.

The same replies (XSTest's 2,250 real assistant replies when ../shared is there, else the
project's labelled replies) go through each judge: the default judge in batches
(``RefusalJudge.judge_many``, the path of ``mmtrust validate-judge``), the default judge one
reply at a time (the path of a scorer), its rules alone and a keyword list. Model loading is
timed apart: it happens once per process. The target is 50 replies/s on a 2-core CPU.

    python benchmarks/refusal_judge_speed.py [--n 1000]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from mmtrust.scoring.refusal import RefusalJudge
from mmtrust.scoring.refusal.training import read_own, read_xstest

TARGET = 50.0
XSTEST = Path(__file__).resolve().parents[2] / "shared" / "data" / "xstest"


def _replies(n: int) -> tuple[str, list[str]]:
    if XSTEST.is_dir():
        return "XSTest", [r.response for r in read_xstest(XSTEST)][:n]
    replies = read_own("train") + read_own("held_out")
    return "mmtrust's labelled replies", [r.response for r in replies][:n]


def _rate(judge: Callable[[list[str]], object], replies: list[str]) -> float:
    started = time.perf_counter()
    judge(replies)
    return len(replies) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    source, replies = _replies(args.n)
    characters = sum(len(r) for r in replies) / len(replies)
    print(f"{len(replies)} replies from {source} (mean {characters:.0f} characters)")

    default = RefusalJudge("mmtrust")
    started = time.perf_counter()
    default.judge_many(replies[:1])  # loads the head and all-MiniLM-L6-v2
    print(f"loading the head and the embedding model (once per process): "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip

    rates = {
        "mmtrust, batched": _rate(default.judge_many, replies),
        "mmtrust, one at a time": _rate(lambda rs: [default.judge(r) for r in rs], replies),
        "mmtrust-rules": _rate(RefusalJudge("mmtrust-rules").judge_many, replies),
        "multitrust-2025": _rate(RefusalJudge("multitrust-2025").judge_many, replies),
    }
    for name, rate in rates.items():
        ratio = rate / TARGET
        print(f"  {name:<24} {rate:8.1f} replies/s   {ratio:5.2f}x the target of {TARGET:.0f}/s")


if __name__ == "__main__":
    main()
