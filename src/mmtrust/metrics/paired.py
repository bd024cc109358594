"""Tests on paired items (the same items in two conditions or under two models)."""

from __future__ import annotations

import math

from scipy import stats


def t_interval(differences: list[float]) -> list[float] | None:
    """Student-t 95% interval of the mean of paired differences; None for fewer than two."""
    count = len(differences)
    if count < 2:
        return None
    mean = sum(differences) / count
    variance = sum((d - mean) ** 2 for d in differences) / (count - 1)
    half = float(stats.t.ppf(0.975, count - 1)) * math.sqrt(variance / count)
    return [mean - half, mean + half]


def mcnemar_p(first_only: int, second_only: int) -> float | None:
    """Exact McNemar p-value from the two discordant counts (items right in one condition
    only); None when no item is discordant."""
    discordant = first_only + second_only
    return float(stats.binomtest(first_only, discordant, 0.5).pvalue) if discordant else None


def t_test_p(differences: list[float]) -> float | None:
    """Two-sided one-sample Student-t p-value of paired differences (mean 0 under the null);
    None for fewer than two."""
    if len(differences) < 2:
        return None
    mean = sum(differences) / len(differences)
    variance = sum((d - mean) ** 2 for d in differences) / (len(differences) - 1)
    if variance == 0:
        return 1.0 if mean == 0 else 0.0
    statistic = mean / math.sqrt(variance / len(differences))
    return float(2 * stats.t.sf(abs(statistic), len(differences) - 1))
