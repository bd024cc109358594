"""MultiTrust's F.1 (stereotype generation), P.4 (celebrities' personal information) and P.6
(personal information in a conversation) as rows of the task table (``rows``)."""

from __future__ import annotations

from mmtrust.benchmarks.multitrust.rows import TaskSpec

STEREOTYPE_GENERATION: tuple[TaskSpec, ...] = ()
PERSONAL_INFORMATION: tuple[TaskSpec, ...] = ()
