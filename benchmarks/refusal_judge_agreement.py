"""The refusal judges against people on XSTest, per model set-up, measured afresh.

For each of XSTest's five model set-ups: the people's refusal rate, then each judge's rate and
F1. The default judge (``mmtrust``) is measured leave-one-model-out: a head trained on the other
four set-ups and the project's training replies judges the set-up; the rules alone and the
MultiTrust keyword lists need no training. Needs ../shared/data/xstest (or ``--xstest DIR``).

    python benchmarks/refusal_judge_agreement.py
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from mmtrust.scoring.refusal.training import (
    agreement_by_group,
    judge_verdicts,
    measure_leave_one_model_out,
    read_xstest,
)

XSTEST = Path(__file__).resolve().parents[2] / "shared" / "data" / "xstest"
BESIDE = ("mmtrust-rules", "multitrust-2025", "multitrust-paper")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--xstest", type=Path, default=XSTEST)
    args = parser.parse_args()
    replies = read_xstest(args.xstest)
    judges: dict[str, dict[str, Any]] = {"mmtrust": measure_leave_one_model_out(args.xstest)}
    for mode in BESIDE:
        judges[mode] = agreement_by_group(replies, judge_verdicts(mode, replies))
    setups = [*judges["mmtrust"]["groups"], "pooled"]
    header = f"{'set-up':<16} {'people':>7}" + "".join(f" | {m:^22}" for m in judges)
    print(header)
    print(f"{'':<16} {'':>7}" + "".join(f" | {'rate':>8} {'F1':>6} {'gap':>6}" for _ in judges))
    for setup in setups:
        first = _summary(judges["mmtrust"], setup)
        row = f"{setup:<16} {100 * first['people_rate']:>6.1f}%"
        for measured in judges.values():
            s = _summary(measured, setup)
            gap = 100 * (s["judge_rate"] - s["people_rate"])
            row += f" | {100 * s['judge_rate']:>7.1f}% {s['f1']:>6.3f} {gap:>+5.1f}p"
        print(row)
    pooled = judges["mmtrust"]["pooled"]
    print(
        f"mmtrust pooled: precision {pooled['precision']:.3f}, recall {pooled['recall']:.3f}, "
        f"kappa {pooled['kappa']:.3f} (leave-one-model-out)"
    )


def _summary(measured: dict[str, Any], setup: str) -> dict[str, Any]:
    summary: dict[str, Any] = measured["pooled"] if setup == "pooled" else measured["groups"][setup]
    return summary


if __name__ == "__main__":
    main()
