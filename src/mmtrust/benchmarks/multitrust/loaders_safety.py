"""Readers of MultiTrust's safety tasks' files (in progress)."""

from __future__ import annotations

from pathlib import Path

from mmtrust.benchmarks.multitrust.items import SubsetLoad
from mmtrust.benchmarks.multitrust.rows import SubDataset, TaskSpec

LAYOUTS: frozenset[str] = frozenset()


def load_safety(root: Path, spec: TaskSpec, sub: SubDataset) -> SubsetLoad:
    raise ValueError(f"{spec.task_id}'s layout {spec.layout!r} is not read here")
