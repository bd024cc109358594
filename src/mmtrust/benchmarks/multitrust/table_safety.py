"""MultiTrust's safety tasks (S.1-S.6) as rows of the task table (``rows``)."""

from __future__ import annotations

from mmtrust.benchmarks.multitrust.rows import TaskSpec

SAFETY: tuple[TaskSpec, ...] = ()
