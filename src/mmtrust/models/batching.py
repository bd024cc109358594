"""An asyncio micro-batcher: concurrent requests in, batched calls in a worker thread out.

Inspect calls a provider's ``generate`` once per sample, concurrently. A local model is far
faster on one batch of N prompts than on N single prompts, so :class:`MicroBatcher` gathers
the requests that arrive together and hands them to a blocking ``run_batch`` function:

* Requests carry a *key*; only requests with equal keys share a batch (for a model: the
  same generation settings, so every row of a batch is generated the same way).
* A batch holds at most ``max_batch_size`` requests. The oldest waiting request decides
  which key goes next (first come, first served across keys), and waits at most
  ``max_wait_s`` for company: its batch leaves as soon as it is full or the window closes.
* One batch runs at a time, in the batcher's own worker thread, so the event loop keeps
  accepting (and thereby collecting) the next batch while the model is busy. When the
  running batch ends, whatever has gathered leaves at once. One at a time because every
  batch runs on the same model: concurrent batches would only contend for the same cores
  or GPU and memory.
* ``run_batch`` returns one result per request, each either a value or an exception, so a
  request can fail alone (a corrupt image). An exception raised by ``run_batch`` itself
  fails every request of that batch, and only those.

State is per instance (no module globals), and is rebuilt when the batcher is used from a
new event loop, because ``asyncio.run`` may be called several times in one process against
the same (memoised) model. Requests cancelled while waiting are dropped from their batch.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Generic, TypeVar

KeyT = TypeVar("KeyT", bound=Hashable)
RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")

BatchFunction = Callable[[KeyT, list[RequestT]], Sequence[ResultT | BaseException]]
"""Runs one batch (blocking, in the worker thread): one result or exception per request."""


@dataclass(frozen=True)
class BatchRecord:
    """One batch that ran: its key and how many requests it held."""

    key: Hashable
    size: int
    seconds: float
    failed: bool


@dataclass
class BatchStatistics:
    """What a batcher has done, for tests, benchmarks and tuning ``max_batch_size``."""

    batches: int = 0
    requests: int = 0
    largest_batch: int = 0
    failed_batches: int = 0
    size_counts: Counter[int] = field(default_factory=Counter)
    """Number of batches of each size."""
    recent: deque[BatchRecord] = field(default_factory=lambda: deque(maxlen=256))
    """The latest batches, oldest first (bounded, so a long evaluation does not grow it)."""

    @property
    def mean_batch_size(self) -> float:
        return self.requests / self.batches if self.batches else 0.0

    def record(self, record: BatchRecord) -> None:
        self.batches += 1
        self.requests += record.size
        self.largest_batch = max(self.largest_batch, record.size)
        self.failed_batches += int(record.failed)
        self.size_counts[record.size] += 1
        self.recent.append(record)

    def reset(self) -> None:
        self.batches = self.requests = self.largest_batch = self.failed_batches = 0
        self.size_counts.clear()
        self.recent.clear()


@dataclass
class _Waiting(Generic[KeyT, RequestT, ResultT]):
    key: KeyT
    request: RequestT
    future: asyncio.Future[ResultT]
    arrived: float


class _LoopState(Generic[KeyT, RequestT, ResultT]):
    """Everything bound to one event loop: queues, the arrival signal, the dispatcher."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queues: dict[KeyT, deque[_Waiting[KeyT, RequestT, ResultT]]] = {}
        self.arrival = asyncio.Event()
        self.dispatcher: asyncio.Task[None] | None = None


class MicroBatcher(Generic[KeyT, RequestT, ResultT]):
    """Collects concurrent requests into batches for a blocking batch function.

    Args:
        run_batch: Called in the worker thread with a key and up to ``max_batch_size``
            requests sharing that key; returns one result (or exception) per request,
            in order.
        max_batch_size: The most requests one batch may hold.
        max_wait_s: How long the oldest waiting request waits for its batch to fill.
        name: Names the worker thread (shows in stack dumps and profilers).
    """

    def __init__(
        self,
        run_batch: BatchFunction[KeyT, RequestT, ResultT],
        *,
        max_batch_size: int,
        max_wait_s: float = 0.005,
        name: str = "micro-batcher",
    ) -> None:
        if max_batch_size < 1:
            raise ValueError(f"max_batch_size must be at least 1, not {max_batch_size}")
        if max_wait_s < 0:
            raise ValueError(f"max_wait_s must not be negative, not {max_wait_s}")
        self._run_batch = run_batch
        self.max_batch_size = max_batch_size
        self.max_wait_s = max_wait_s
        self.statistics = BatchStatistics()
        self._name = name
        self._executor: ThreadPoolExecutor | None = None
        self._state: _LoopState[KeyT, RequestT, ResultT] | None = None

    async def submit(self, key: KeyT, request: RequestT) -> ResultT:
        """Queue ``request`` under ``key`` and wait for its result (or its exception)."""
        state = self._loop_state()
        waiting = _Waiting[KeyT, RequestT, ResultT](
            key=key,
            request=request,
            future=state.loop.create_future(),
            arrived=time.monotonic(),
        )
        state.queues.setdefault(key, deque()).append(waiting)
        state.arrival.set()
        if state.dispatcher is None or state.dispatcher.done():
            state.dispatcher = state.loop.create_task(self._dispatch(state))
        return await waiting.future

    def close(self) -> None:
        """Stop the worker thread (after any running batch). Waiting requests are cancelled."""
        if self._state is not None:
            for queue in self._state.queues.values():
                for waiting in queue:
                    waiting.future.cancel()
            if self._state.dispatcher is not None:
                self._state.dispatcher.cancel()
            self._state = None
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _loop_state(self) -> _LoopState[KeyT, RequestT, ResultT]:
        loop = asyncio.get_running_loop()
        if self._state is None or self._state.loop is not loop:
            # Futures and tasks of a previous loop cannot be awaited from this one.
            self._state = _LoopState(loop)
        return self._state

    def _worker(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
        return self._executor

    async def _dispatch(self, state: _LoopState[KeyT, RequestT, ResultT]) -> None:
        """Run batches one after another until no request is waiting."""
        while True:
            key = self._oldest_key(state)
            if key is None:
                return
            await self._collect(state, key)
            batch = self._take_batch(state, key)
            if batch:
                await self._run(state.loop, key, batch)

    def _oldest_key(self, state: _LoopState[KeyT, RequestT, ResultT]) -> KeyT | None:
        for key in [key for key, queue in state.queues.items() if not queue]:
            del state.queues[key]
        if not state.queues:
            return None
        return min(state.queues, key=lambda key: state.queues[key][0].arrived)

    async def _collect(self, state: _LoopState[KeyT, RequestT, ResultT], key: KeyT) -> None:
        """Wait until ``key``'s batch is full or its oldest request's window has closed."""
        queue = state.queues[key]
        deadline = queue[0].arrived + self.max_wait_s
        while len(queue) < self.max_batch_size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            state.arrival.clear()
            try:
                await asyncio.wait_for(state.arrival.wait(), timeout=remaining)
            except TimeoutError:
                return

    def _take_batch(
        self, state: _LoopState[KeyT, RequestT, ResultT], key: KeyT
    ) -> list[_Waiting[KeyT, RequestT, ResultT]]:
        queue = state.queues[key]
        batch: list[_Waiting[KeyT, RequestT, ResultT]] = []
        while queue and len(batch) < self.max_batch_size:
            waiting = queue.popleft()
            if not waiting.future.done():  # done here means cancelled by its caller
                batch.append(waiting)
        return batch

    async def _run(
        self,
        loop: asyncio.AbstractEventLoop,
        key: KeyT,
        batch: list[_Waiting[KeyT, RequestT, ResultT]],
    ) -> None:
        requests = [waiting.request for waiting in batch]
        started = time.monotonic()
        outcomes: Sequence[ResultT | BaseException]
        failed = False
        try:
            outcomes = await loop.run_in_executor(self._worker(), self._run_batch, key, requests)
            if len(outcomes) != len(batch):
                raise RuntimeError(
                    f"run_batch returned {len(outcomes)} results for {len(batch)} requests"
                )
        except Exception as error:  # the whole batch failed: tell its requests, only them
            outcomes = [error] * len(batch)
            failed = True
        self.statistics.record(
            BatchRecord(key=key, size=len(batch), seconds=time.monotonic() - started, failed=failed)
        )
        for waiting, outcome in zip(batch, outcomes, strict=True):
            if waiting.future.done():
                continue
            if isinstance(outcome, BaseException):
                waiting.future.set_exception(outcome)
            else:
                waiting.future.set_result(outcome)
