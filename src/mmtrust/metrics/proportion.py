"""Proportions with counts and Wilson score intervals."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Proportion:
    """``successes`` out of ``total``, with a 95% Wilson interval; value None when total is 0
    (a rate over nothing is undefined, not zero)."""

    successes: int
    total: int

    @property
    def value(self) -> float | None:
        return self.successes / self.total if self.total else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.successes, self.total) if self.total else None

    def fields(self, name: str) -> dict[str, Any]:
        """How results.json records a rate: ``name``, ``name_ci95`` ([low, high], or None
        when undefined) and ``name_count`` ([successes, total])."""
        interval = self.interval
        return {
            name: self.value,
            f"{name}_ci95": list(interval) if interval else None,
            f"{name}_count": [self.successes, self.total],
        }


def wilson_interval(successes: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval: well-behaved at 0, 1 and small n, unlike the normal one."""
    if total <= 0:
        raise ValueError("A proportion's interval needs at least one trial.")
    if not 0 <= successes <= total:
        raise ValueError(f"successes={successes} must lie in [0, total={total}].")
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
