"""MultiTrust's published sub-aspect scores, for the report to show beside a run's.

Source: the MultiTrust leaderboard (multi-trust/multi-trust.github.io, ``data/model_scores.js``;
its overall column matches thu-ml/MMTrustEval ``scripts/rank.txt``), as quoted in mmtrust's
spec (shared/spec/multitrust-tasks.md, section 8). Sub-aspects of this part (truthfulness and
robustness) only; per-task numbers are not published.
"""

from __future__ import annotations

PUBLISHED: dict[str, dict[str, float]] = {
    "GPT-4-Turbo": {"overall": 78.28, "T.I": 75.06, "T.M": 76.63, "R.O": 80.93, "R.A": 55.89},
    "Claude3.5-Sonnet": {"overall": 76.70, "T.I": 72.48, "T.M": 67.08, "R.O": 68.02, "R.A": 58.50},
    "GPT-4o": {"overall": 76.61, "T.I": 78.28, "T.M": 67.34, "R.O": 81.99, "R.A": 56.06},
    "Qwen2-VL-Chat": {"overall": 63.28, "T.I": 68.74, "T.M": 50.00, "R.O": 78.97, "R.A": 38.97},
    "LLaVA-v1.5-7B": {"overall": 48.45, "T.I": 54.06, "T.M": 48.41, "R.O": 74.12, "R.A": 28.45},
    "mPLUG-Owl": {"overall": 39.91, "T.I": 48.28, "T.M": 42.83, "R.O": 73.13, "R.A": 20.31},
}
