"""Transient provider faults, retried with back-off before a request counts as failed.

Inspect's providers retry what their SDKs report as retryable (HTTP 429 and 5xx, connection
errors, timeouts). Some faults of real gateways get through that net and would otherwise be
booked as the model's behaviour: a 200 whose body is not JSON or is cut short (the SDK raises a
decoding error, which Inspect does not retry), and a reply with an empty ``choices`` list
(Inspect turns it into an empty completion, which a benchmark would score as an unparseable
answer). Here they are retried a bounded number of times; a request that still fails raises
``ProviderFaultError``, which fails the sample (Inspect's ``retry_on_error`` and the resume of
``mmtrust run`` ask it again), so a fault never becomes an answer.

Settings (environment, so that ``inspect eval`` runs honour them too): ``MMTRUST_FAULT_RETRIES``
(retries after the first attempt, default 3) and ``MMTRUST_FAULT_BACKOFF_S`` (the first wait,
doubled for each retry and capped at 30 s; default 1). ``mmtrust run --fault-retries`` and
``RunOptions`` set them for one run (``fault_settings``).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import httpx
import openai
from inspect_ai.model import ModelOutput

RETRIES_VARIABLE: Final = "MMTRUST_FAULT_RETRIES"
BACKOFF_VARIABLE: Final = "MMTRUST_FAULT_BACKOFF_S"
MAX_BACKOFF_S: Final = 30.0
TRANSIENT_ERRORS: Final = (
    json.JSONDecodeError,  # a 200 whose body is not JSON, or JSON cut short
    openai.APIResponseValidationError,
    openai.APIConnectionError,  # also timeouts; reached only once Inspect's own retries end
    httpx.TransportError,
    ConnectionError,
    TimeoutError,
)


class ProviderFaultError(RuntimeError):
    """A request that failed with transient provider faults on every attempt."""


class EmptyChoicesError(RuntimeError):
    """The provider answered with no choice at all: a fault of the provider, not a reply."""


@dataclass(frozen=True)
class FaultRetries:
    retries: int = 3
    backoff_s: float = 1.0

    @classmethod
    def from_environment(cls) -> FaultRetries:
        default = cls()
        try:
            retries = int(os.environ.get(RETRIES_VARIABLE, default.retries))
            backoff_s = float(os.environ.get(BACKOFF_VARIABLE, default.backoff_s))
        except ValueError as error:
            raise ValueError(
                f"{RETRIES_VARIABLE} must be a whole number and {BACKOFF_VARIABLE} a number of "
                f"seconds: {error}"
            ) from error
        if retries < 0 or backoff_s < 0:
            raise ValueError(f"{RETRIES_VARIABLE} and {BACKOFF_VARIABLE} must not be negative")
        return cls(retries, backoff_s)

    def wait_s(self, retry: int) -> float:
        return float(min(self.backoff_s * 2**retry, MAX_BACKOFF_S))


@contextmanager
def fault_settings(retries: int | None = None, backoff_s: float | None = None) -> Iterator[None]:
    """Within the block, the solvers retry with these settings (None: unchanged); the
    environment is restored afterwards."""
    changes = {
        name: str(value)
        for name, value in ((RETRIES_VARIABLE, retries), (BACKOFF_VARIABLE, backoff_s))
        if value is not None
    }
    previous = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        FaultRetries.from_environment()  # a bad value fails here, not in every sample
        yield
    finally:
        for name, old in previous.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def is_transient(error: BaseException) -> bool:
    return isinstance(error, (*TRANSIENT_ERRORS, EmptyChoicesError))


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


async def with_fault_retries(
    request: Callable[[], Awaitable[ModelOutput]], settings: FaultRetries | None = None
) -> ModelOutput:
    """``request()``'s output, asked again after a transient fault (up to ``settings.retries``
    times, waiting ``backoff_s``, then twice as long, ...). Other errors pass through at once;
    after the last retry a ``ProviderFaultError`` names every fault seen."""
    settings = settings or FaultRetries.from_environment()
    faults: list[str] = []
    for attempt in range(settings.retries + 1):
        if attempt:
            await asyncio.sleep(settings.wait_s(attempt - 1))
        try:
            output = await request()
            if not output.choices and not output.error:
                raise EmptyChoicesError("the provider's reply held an empty choices list")
            return output
        except Exception as error:
            if not is_transient(error):
                raise
            faults.append(describe(error))
    raise ProviderFaultError(
        f"transient provider faults on all {len(faults)} attempts: " + "; ".join(faults)
    )
