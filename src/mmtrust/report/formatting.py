"""How numbers appear in the HTML report (shared by every benchmark's section): the filters of
the report's templates (``mmtrust.report.templating``), which escape all text themselves."""

from __future__ import annotations

from typing import Any


def pct(value: Any) -> str:
    """A rate as a percentage; "n/a" when it is undefined (never shown as 0)."""
    return "n/a" if value is None else f"{100 * float(value):.1f}%"


def pct_interval(interval: Any) -> str:
    return f"[{100 * interval[0]:.1f}, {100 * interval[1]:.1f}]" if interval else ""


def count(successes_total: Any) -> str:
    return f"{successes_total[0]}/{successes_total[1]}" if successes_total else ""


def num(value: Any) -> str:
    """A metric on its own scale (ECE, Brier, similarity) to three decimals, or "n/a"."""
    return "n/a" if value is None else f"{float(value):.3f}"


def num_interval(interval: Any) -> str:
    return f"[{interval[0]:.3f}, {interval[1]:.3f}]" if interval else ""
