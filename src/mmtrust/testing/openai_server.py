"""A deterministic OpenAI-compatible chat server on 127.0.0.1 that can inject provider faults.

    python -m mmtrust.testing.openai_server --fault-rate 0.2     # prints its base URL

It exists to check mmtrust's API path where a real model server cannot be made to misbehave
on purpose: resume after a kill, retries of transient faults, the harness's own throughput.
Replies are a pure function of the request (the same request always gets the same reply, so a
retried or resumed run must end with the same numbers as a clean one):

- a question with lettered options ("A. ..." or "(A) ...") gets one of the letters, picked by
  a hash of the request; a yes/no question gets "Yes" or "No"; a request for a score "between
  0 and 1" gets one (a classifier's or rater's reply); anything else a short sentence;
- with ``logprobs`` asked for, the answer token carries ``top_logprobs`` over every option.

Faults (``--fault-rate``): each request's ``n``-th attempt (``n`` < ``--max-faults``, counted
per identical request body) fails with that probability, by a seeded hash of the body and
``n``, so a client that retries enough always gets through and the fault pattern does not
depend on timing; ``--outage-requests N`` makes the first N requests fail whatever their
attempt (a gateway down for a while). Kinds: HTTP 500, HTTP 429 with ``Retry-After``, a 200
whose body is not JSON, a 200 with a truncated JSON body, a 200 with an empty ``choices``
list, and a connection closed without any response. ``GET /stats`` returns the counts
(requests, faults by kind, replies). The server stops by itself after ``--lifetime-s``
seconds or when its parent exits.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import math
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from aiohttp import web

FAULT_KINDS: Final = (
    "http_500",
    "http_429",
    "non_json",
    "truncated_json",
    "empty_choices",
    "connection_reset",
)
OPTION_LINE: Final = re.compile(r"^\s*\(?([A-H])[.):]\s+\S", re.MULTILINE)
YES_NO: Final = re.compile(r"\b(yes\W{0,2} or \W{0,2}no|yes/no|\(yes/no\))\b", re.IGNORECASE)
"""A request for yes or no, also quoted or bracketed ('"yes" or "no"', "[Yes] or [No]")."""
UNIT_SCORE: Final = re.compile(r"\bbetween 0 and 1\b", re.IGNORECASE)
"""A request for a score in [0, 1] (a rating rubric)."""


def _unit(*parts: object) -> float:
    """A number in [0, 1) from a hash of ``parts``: the server's only source of chance."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def request_text(messages: Sequence[dict[str, Any]]) -> str:
    """The text of the last user turn (its text parts, images left out)."""
    for message in reversed(messages):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        return "\n".join(
            part.get("text", "") for part in content or [] if part.get("type") == "text"
        )
    return ""


def scripted_answer(body_digest: str, text: str) -> tuple[str, list[str]]:
    """The reply to a request and the options it chose among (empty for free text)."""
    letters = sorted(set(OPTION_LINE.findall(text)))
    if letters:
        pick = letters[int(_unit(body_digest, "answer") * len(letters))]
        return pick, letters
    if YES_NO.search(text):
        pick = "Yes" if _unit(body_digest, "answer") < 0.5 else "No"
        return pick, ["Yes", "No"]
    if UNIT_SCORE.search(text):
        return f"{round(_unit(body_digest, 'score'), 2)}", []
    return "I think it is the one shown in the picture.", []


def option_logprobs(body_digest: str, answer: str, options: list[str]) -> dict[str, float]:
    """Log-probabilities over the options, the answer the most likely (seeded by the body)."""
    weights = {o: 0.2 + _unit(body_digest, "weight", o) for o in options}
    weights[answer] = max(weights.values()) + 0.5
    total = sum(weights.values())
    return {o: math.log(w / total) for o, w in weights.items()}


@dataclass
class ServerState:
    fault_rate: float = 0.0
    max_faults: int = 2
    seed: int = 0
    delay_s: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    outage_requests: int = 0
    """The first this many requests all fail (a gateway that is down, then back)."""
    attempts: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)

    def fault_for(self, body_digest: str) -> str | None:
        attempt = self.attempts[body_digest]
        self.attempts[body_digest] += 1
        outage = self.counts["requests"] <= self.outage_requests
        if not outage and (
            attempt >= self.max_faults or _unit(self.seed, body_digest, attempt) >= self.fault_rate
        ):
            return None
        return self.kinds[int(_unit(self.seed, body_digest, attempt, "kind") * len(self.kinds))]


def completion_body(request: dict[str, Any], body_digest: str) -> dict[str, Any]:
    answer, options = scripted_answer(body_digest, request_text(request.get("messages", [])))
    choice: dict[str, Any] = {
        "index": 0,
        "message": {"role": "assistant", "content": answer},
        "finish_reason": "stop",
    }
    if request.get("logprobs") and options:
        logprobs = option_logprobs(body_digest, answer, options)
        top = int(request.get("top_logprobs") or len(options))
        ranked = sorted(logprobs.items(), key=lambda kv: -kv[1])[:top]
        choice["logprobs"] = {
            "content": [
                {
                    "token": answer,
                    "logprob": logprobs[answer],
                    "bytes": list(answer.encode()),
                    "top_logprobs": [
                        {"token": t, "logprob": lp, "bytes": list(t.encode())} for t, lp in ranked
                    ],
                }
            ]
        }
    return {
        "id": f"chatcmpl-{body_digest[:16]}",
        "object": "chat.completion",
        "created": 0,
        "model": request.get("model", "scripted"),
        "choices": [choice],
        "usage": {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11},
    }


async def chat_completions(request: web.Request) -> web.StreamResponse:
    state: ServerState = request.app["state"]
    raw = await request.read()
    state.counts["requests"] += 1
    digest = hashlib.sha256(raw).hexdigest()
    if state.delay_s:
        await asyncio.sleep(state.delay_s)
    fault = state.fault_for(digest)
    if fault is not None:
        state.counts[f"fault.{fault}"] += 1
        return _fault_response(request, fault)
    try:
        body = json.loads(raw)
    except json.JSONDecodeError:
        return web.json_response({"error": {"message": "request is not JSON"}}, status=400)
    state.counts["replies"] += 1
    return web.json_response(completion_body(body, digest))


def _fault_response(request: web.Request, kind: str) -> web.StreamResponse:
    if kind == "http_500":
        return web.json_response({"error": {"message": "injected fault"}}, status=500)
    if kind == "http_429":
        return web.json_response(
            {"error": {"message": "injected rate limit"}}, status=429, headers={"Retry-After": "0"}
        )
    if kind == "non_json":
        return web.Response(text="<html><body>502 Bad Gateway</body></html>", status=200,
                            content_type="application/json")  # fmt: skip
    if kind == "truncated_json":
        whole = json.dumps(completion_body({}, "truncated"))
        return web.Response(text=whole[: len(whole) // 2], content_type="application/json")
    if kind == "empty_choices":
        body = completion_body({}, "empty")
        return web.json_response({**body, "choices": []})
    # connection_reset: drop the connection without answering
    if request.transport is not None:
        request.transport.close()
    raise ConnectionResetError("injected connection reset")


async def stats(request: web.Request) -> web.Response:
    state: ServerState = request.app["state"]
    return web.json_response(dict(state.counts))


async def models(request: web.Request) -> web.Response:
    return web.json_response({"object": "list", "data": [{"id": "scripted", "object": "model"}]})


def build_app(state: ServerState) -> web.Application:
    app = web.Application(client_max_size=64 * 1024**2)
    app["state"] = state
    app.router.add_post("/v1/chat/completions", chat_completions)
    app.router.add_get("/v1/models", models)
    app.router.add_get("/stats", stats)
    app.router.add_get("/health", lambda _: _ok())
    return app


async def _ok() -> web.Response:
    return web.Response(text="ok")


async def serve(state: ServerState, port: int, lifetime_s: float) -> None:
    runner = web.AppRunner(build_app(state), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"http://127.0.0.1:{bound}/v1", flush=True)
    parent = os.getppid()
    deadline = time.monotonic() + lifetime_s
    # stop by itself: a test or benchmark that dies must not leave a server behind
    while time.monotonic() < deadline and os.getppid() == parent:
        await asyncio.sleep(0.5)
    await runner.cleanup()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--max-faults", type=int, default=2, help="faults per request at most")
    parser.add_argument("--fault-kinds", default=",".join(FAULT_KINDS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--outage-requests", type=int, default=0, help="the first N requests all fail"
    )
    parser.add_argument("--delay-ms", type=float, default=0.0, help="latency of every reply")
    parser.add_argument("--lifetime-s", type=float, default=1800.0)
    args = parser.parse_args(argv)
    kinds = tuple(k for k in args.fault_kinds.split(",") if k)
    unknown = sorted(set(kinds) - set(FAULT_KINDS))
    if unknown:
        parser.error(f"unknown fault kinds {unknown}; known: {', '.join(FAULT_KINDS)}")
    state = ServerState(
        fault_rate=args.fault_rate,
        max_faults=args.max_faults,
        seed=args.seed,
        delay_s=args.delay_ms / 1000,
        kinds=kinds,
        outage_requests=args.outage_requests,
    )
    # an injected connection reset is not a server error worth a traceback
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    asyncio.run(serve(state, args.port, args.lifetime_s))
    return 0


if __name__ == "__main__":
    sys.exit(main())


class ServerProcess:
    """The server in a child process, for tests and benchmarks::

    with ServerProcess(fault_rate=0.2) as server:
        ... server.base_url ..., server.stats()
    """

    def __init__(self, **options: float | int | str) -> None:
        self.arguments = [f"--{name.replace('_', '-')}={value}" for name, value in options.items()]
        self.base_url = ""
        self._process: Any = None

    def __enter__(self) -> ServerProcess:
        import subprocess

        self._process = subprocess.Popen(
            [sys.executable, "-m", "mmtrust.testing.openai_server", *self.arguments],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self._process.stdout.readline().strip()
        if not line.startswith("http://"):
            self._process.kill()
            raise RuntimeError(f"the scripted server did not start (it printed {line!r})")
        self.base_url = line
        return self

    def stats(self) -> Counter[str]:
        import urllib.request

        with urllib.request.urlopen(self.base_url.removesuffix("/v1") + "/stats") as reply:
            return Counter(json.load(reply))

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)
