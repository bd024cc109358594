"""How fast mmtrust's harness can feed a fast server, beside a bare client, in one run.

The project's scripted OpenAI-compatible server (zero latency, its own process on 127.0.0.1)
answers the same MUB-shaped workload three times:
1. a bare asyncio OpenAI client: N requests, each one 224 px PNG and a MUB prompt, C at once;
2. ``mmtrust run mmtrust/mub_misleading`` (the Python API) with the default logging;
3. the same with ``--fast-log`` (no realtime log, no images or raw API calls in the log).
It prints requests/s of each and the ratio of the harness to the bare client (the harness's
requests are counted by the server, so nothing is assumed about how many a run sends).
``--profile`` adds where the harness spends its time per request, by package.

    python benchmarks/api_throughput.py [--items 600] [--connections 50] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import openai

from mmtrust.api import RunOptions, run
from mmtrust.datasets.images import image_to_data_uri
from mmtrust.datasets.trustworld import trustworld_items
from mmtrust.perturb.misleading import clean_prompt
from mmtrust.testing.openai_server import ServerProcess

MODEL = "openai-api/scripted/scripted"
REQUESTS_PER_ITEM = 5
"""MUB asks each item five times: clean, explicit, three implicit notes."""


def workload(items: int) -> list[tuple[str, str]]:
    """(image data URI, prompt) per request, the images and prompts MUB sends."""
    requests = []
    for item in trustworld_items("test", items):
        uri = image_to_data_uri(item.image())
        requests += [(uri, clean_prompt(item.metadata()))] * REQUESTS_PER_ITEM
    return requests


async def bare_client(base_url: str, requests: list[tuple[str, str]], connections: int) -> float:
    client = openai.AsyncOpenAI(base_url=base_url, api_key="unused", max_retries=0)
    gate = asyncio.Semaphore(connections)

    async def one(uri: str, prompt: str) -> None:
        async with gate:
            await client.chat.completions.create(
                model="scripted",
                max_tokens=32,
                temperature=0.0,
                messages=[
                    {
                        "role": "user",
                        "content": [
                            {"type": "image_url", "image_url": {"url": uri}},
                            {"type": "text", "text": prompt},
                        ],
                    }
                ],
            )

    started = time.perf_counter()
    await asyncio.gather(*(one(uri, prompt) for uri, prompt in requests))
    elapsed = time.perf_counter() - started
    await client.close()
    return elapsed


def harness(
    server: ServerProcess, items: int, connections: int, fast_log: bool, profile: bool
) -> tuple[int, float, pstats.Stats | None]:
    before = server.stats()["requests"]
    with tempfile.TemporaryDirectory() as log_dir:
        options = RunOptions(
            model=MODEL,
            model_base_url=server.base_url,
            log_dir=log_dir,
            task_args={"n": items},
            max_connections=connections,
            display="none",
            fast_log=fast_log,
            resume=False,
        )
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        logs = run(["mmtrust/mub_misleading"], options)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
    if any(log.status != "success" for log in logs):
        raise RuntimeError(f"the harness run failed: {[log.error for log in logs]}")
    stats = pstats.Stats(profiler) if profiler else None
    return server.stats()["requests"] - before, elapsed, stats


def by_package(stats: pstats.Stats, requests: int) -> list[tuple[str, float]]:
    """Own (not cumulative) time per request, summed by the package a function lives in."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        totals[_package(filename)] += own
    return sorted(((k, v * 1000 / requests) for k, v in totals.items()), key=lambda kv: -kv[1])


def _package(filename: str) -> str:
    path = Path(filename)
    parts = path.parts
    for marker in ("site-packages", "src"):
        if marker in parts:
            rest = parts[parts.index(marker) + 1 :]
            if rest and rest[0] == "inspect_ai" and len(rest) > 2:
                return f"inspect_ai.{rest[1]}"
            return rest[0].removesuffix(".py") if rest else filename
    return "python" if "python3" in filename else filename


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=600)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    requests = workload(args.items)
    os.environ.setdefault("SCRIPTED_API_KEY", "unused-local-key")  # Inspect requires one
    with ServerProcess() as server:
        bare_s = asyncio.run(bare_client(server.base_url, requests, args.connections))
        bare_rate = len(requests) / bare_s
        print(f"bare async client        {len(requests):5d} requests {bare_s:6.1f} s "
              f"{bare_rate:6.0f} requests/s")  # fmt: skip
        for fast_log in (False, True):
            sent, seconds, stats = harness(
                server, args.items, args.connections, fast_log, args.profile
            )
            rate = sent / seconds
            label = "mmtrust run --fast-log" if fast_log else "mmtrust run"
            print(
                f"{label:<24} {sent:5d} requests {seconds:6.1f} s {rate:6.0f} requests/s  "
                f"ratio to bare {rate / bare_rate:.2f}  ({1000 / rate:.1f} ms a request)"
            )
            if stats is not None:
                for package, ms in by_package(stats, sent)[:12]:
                    print(f"    {package:<28} {ms:6.2f} ms a request")


if __name__ == "__main__":
    main()
