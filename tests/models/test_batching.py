"""The micro-batcher on its own, with plain Python batch functions."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence

import pytest

from mmtrust.models.batching import MicroBatcher


class Recorder:
    """A batch function that doubles numbers and records each batch it ran."""

    def __init__(self, seconds: float = 0.0, fail_keys: frozenset[str] = frozenset()) -> None:
        self.seconds = seconds
        self.fail_keys = fail_keys
        self.batches: list[tuple[str, list[int]]] = []
        self.threads: set[str] = set()

    def __call__(self, key: str, requests: list[int]) -> Sequence[int | BaseException]:
        self.threads.add(threading.current_thread().name)
        self.batches.append((key, list(requests)))
        time.sleep(self.seconds)
        if key in self.fail_keys:
            raise RuntimeError(f"batch {key} failed")
        return [ValueError(f"odd {r}") if r < 0 else 2 * r for r in requests]


def test_concurrent_requests_form_bounded_batches_and_get_their_own_results() -> None:
    recorder = Recorder()
    batcher = MicroBatcher(recorder, max_batch_size=4, max_wait_s=0.05)

    async def main() -> list[int]:
        return await asyncio.gather(*[batcher.submit("k", n) for n in range(10)])

    assert asyncio.run(main()) == [2 * n for n in range(10)]
    assert [len(requests) for _, requests in recorder.batches] == [4, 4, 2]
    stats = batcher.statistics
    assert (stats.batches, stats.requests, stats.largest_batch) == (3, 10, 4)
    assert stats.size_counts == {4: 2, 2: 1}
    assert recorder.threads and threading.current_thread().name not in recorder.threads


def test_different_keys_never_share_a_batch() -> None:
    recorder = Recorder()
    batcher = MicroBatcher(recorder, max_batch_size=8, max_wait_s=0.05)

    async def main() -> list[int]:
        return await asyncio.gather(
            *[batcher.submit("even" if n % 2 == 0 else "odd", n) for n in range(12)]
        )

    assert asyncio.run(main()) == [2 * n for n in range(12)]
    for key, requests in recorder.batches:
        assert {n % 2 for n in requests} == {0 if key == "even" else 1}
    assert sorted(len(requests) for _, requests in recorder.batches) == [6, 6]
    assert {record.key for record in batcher.statistics.recent} == {"even", "odd"}


def test_a_failed_batch_fails_only_its_own_requests() -> None:
    batcher = MicroBatcher(Recorder(fail_keys=frozenset({"bad"})), max_batch_size=8)

    async def main() -> list[int | BaseException]:
        requests = [batcher.submit("bad" if n < 3 else "good", n) for n in range(6)]
        return await asyncio.gather(*requests, return_exceptions=True)

    outcomes = asyncio.run(main())
    assert all(isinstance(o, RuntimeError) and "batch bad failed" in str(o) for o in outcomes[:3])
    assert outcomes[3:] == [6, 8, 10]
    assert batcher.statistics.failed_batches == 1


def test_a_request_can_fail_alone_within_its_batch() -> None:
    batcher = MicroBatcher(Recorder(), max_batch_size=8)

    async def main() -> list[int | BaseException]:
        return await asyncio.gather(
            *[batcher.submit("k", n) for n in (1, -1, 2)], return_exceptions=True
        )

    first, failed, last = asyncio.run(main())
    assert (first, last) == (2, 4)
    assert isinstance(failed, ValueError) and str(failed) == "odd -1"
    assert batcher.statistics.batches == 1


def test_the_event_loop_collects_the_next_batch_while_one_runs() -> None:
    recorder = Recorder(seconds=0.3)
    batcher = MicroBatcher(recorder, max_batch_size=16, max_wait_s=0.01)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        for _ in range(20):
            await asyncio.sleep(0.01)
            ticks += 1

    async def main() -> None:
        first = asyncio.ensure_future(batcher.submit("k", 0))
        await asyncio.sleep(0.05)  # the first batch (of one) is now running in the worker
        later = [batcher.submit("k", n) for n in range(1, 6)]
        await asyncio.gather(first, ticker(), *later)

    asyncio.run(main())
    assert ticks == 20  # the loop was never blocked by the running batch
    assert [requests for _, requests in recorder.batches] == [[0], [1, 2, 3, 4, 5]]


def test_a_cancelled_request_leaves_its_batch() -> None:
    recorder = Recorder()
    batcher = MicroBatcher(recorder, max_batch_size=8, max_wait_s=0.1)

    async def main() -> list[int]:
        doomed = asyncio.ensure_future(batcher.submit("k", 99))
        kept = [asyncio.ensure_future(batcher.submit("k", n)) for n in range(3)]
        await asyncio.sleep(0)
        doomed.cancel()
        return await asyncio.gather(*kept)

    assert asyncio.run(main()) == [0, 2, 4]
    assert recorder.batches == [("k", [0, 1, 2])]


def test_the_batcher_survives_a_new_event_loop() -> None:
    batcher = MicroBatcher(Recorder(), max_batch_size=4)
    for _ in range(2):
        assert asyncio.run(batcher.submit("k", 3)) == 6
    batcher.close()
    assert asyncio.run(batcher.submit("k", 4)) == 8  # a closed batcher starts a fresh worker


@pytest.mark.parametrize(("size", "wait"), [(0, 0.0), (1, -1.0)])
def test_invalid_settings_are_refused(size: int, wait: float) -> None:
    with pytest.raises(ValueError):
        MicroBatcher(Recorder(), max_batch_size=size, max_wait_s=wait)
