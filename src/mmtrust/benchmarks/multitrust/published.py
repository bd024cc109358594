"""MultiTrust's published scores, for the report to show beside a run's and for the tests to
check the aggregation against.

Source: the MultiTrust leaderboard (multi-trust/multi-trust.github.io, ``data/model_scores.js``;
its overall column matches thu-ml/MMTrustEval ``scripts/rank.txt``), as quoted in mmtrust's
spec (shared/spec/multitrust-tasks.md, section 8): twelve of its 43 rows. Per-task numbers are
not published.
"""

from __future__ import annotations

COLUMNS = ("overall", "T.I", "T.M", "S.T", "S.J", "R.O", "R.A", "F.S", "F.B", "P.A", "P.L")
_ROWS: dict[str, tuple[float, ...]] = {
    "GPT-4-Turbo": (78.28, 75.06, 76.63, 80.49, 92.54, 80.93, 55.89, 79.37, 83.14, 74.45, 84.29),
    "Claude3.5-Sonnet": (
        76.70, 72.48, 67.08, 81.53, 94.00, 68.02, 58.50, 89.68, 69.07, 69.10, 97.54,
    ),
    "GPT-4o": (76.61, 78.28, 67.34, 79.51, 89.01, 81.99, 56.06, 86.87, 58.99, 76.60, 91.47),
    "Claude3-Sonnet": (72.76, 66.80, 60.25, 77.19, 97.45, 72.68, 51.97, 75.51, 63.14, 63.33, 99.27),
    "Phi-3.5-Vision": (66.29, 58.88, 47.19, 65.06, 89.84, 74.04, 54.38, 90.07, 64.03, 61.15, 58.22),
    "Qwen2-VL-Chat": (63.28, 68.74, 50.00, 64.98, 79.88, 78.97, 38.97, 83.04, 70.14, 65.12, 32.92),
    "InternVL2-8B": (62.19, 64.18, 52.12, 62.75, 78.32, 75.39, 38.90, 89.05, 64.72, 60.39, 36.07),
    "GeminiPro-1.0": (59.60, 65.11, 67.34, 72.85, 55.76, 78.38, 50.39, 72.33, 27.66, 70.49, 35.72),
    "Llama-3.2-Vision-Instruct": (
        58.15, 63.88, 56.84, 61.25, 58.54, 76.87, 41.97, 79.19, 36.11, 57.17, 49.72,
    ),
    "LLaVA-v1.5-13B": (51.66, 58.78, 53.89, 61.92, 39.54, 74.13, 30.75, 67.80, 39.48, 54.08, 36.20),
    "LLaVA-v1.5-7B": (48.45, 54.06, 48.41, 58.02, 37.37, 74.12, 28.45, 70.57, 38.49, 48.27, 26.78),
    "mPLUG-Owl": (39.91, 48.28, 42.83, 49.40, 24.15, 73.13, 20.31, 50.08, 37.59, 39.10, 14.25),
}  # fmt: skip
PUBLISHED: dict[str, dict[str, float]] = {
    model: dict(zip(COLUMNS, row, strict=True)) for model, row in _ROWS.items()
}
"""Model -> {"overall": ..., "T.I": ..., ...} as the leaderboard publishes them."""
REPORTED_MODELS = (
    "GPT-4-Turbo",
    "Claude3.5-Sonnet",
    "GPT-4o",
    "Qwen2-VL-Chat",
    "LLaVA-v1.5-7B",
    "mPLUG-Owl",
)
"""The rows the report shows beside a run."""
