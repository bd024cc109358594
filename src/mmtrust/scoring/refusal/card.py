"""The judge card: how far each refusal judge agrees with people, as measured when the head was
trained (``training``), shipped beside the head and copied into every refusal result.

A refusal rate is only as good as the judge behind it. The card names the judge and gives its
measured agreement with people-labelled replies (XSTest, leave-one-model-out for the learned
judge; the project's held-out set), so a reader of results.json or report.html knows how far to
trust each rate. A model judge (a grader) has no shipped measurement: its card says so and
points at ``mmtrust validate-judge --grader MODEL``.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any, Final

CARD_FILE: Final = "judge_card.json"

JUDGE_DESCRIPTIONS: Final[dict[str, str]] = {
    "mmtrust": "mmtrust's offline judge: clause rules read the reply, then a small learned head "
    "over their reading and an all-MiniLM-L6-v2 embedding of the reply's opening decides",
    "mmtrust-rules": "mmtrust's clause rules alone (no model; English only)",
    "multitrust-2025": "MultiTrust's refusal keyword list (toolbox, March 2025): any keyword as "
    "a substring is a refusal",
    "multitrust-paper": "MultiTrust's refusal keyword list as the paper's numbers used it "
    "(three fused entries)",
    "model": "a grader model with MOSSBench's judge prompt",
}


def card_path() -> Path:
    return Path(str(resources.files("mmtrust.scoring.refusal") / "weights" / CARD_FILE))


@functools.cache
def shipped_card() -> dict[str, Any]:
    """The card shipped with the head ({} when it is missing: judges then carry no numbers)."""
    path = card_path()
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def judge_card(judge: str, grader: str | None = None) -> dict[str, Any]:
    """What results.json records of a refusal run's judge: its name, what it is, and its
    measured agreement with people (pooled, and the worst XSTest set-up), when measured."""
    card: dict[str, Any] = {"judge": judge, "description": JUDGE_DESCRIPTIONS.get(judge, judge)}
    if judge == "model":
        card["grader"] = grader
        card["agreement"] = None
        card["note"] = (
            "not measured by mmtrust: run `mmtrust validate-judge FILE --grader MODEL` on "
            "people-labelled replies to measure it"
        )
        return card
    measured = shipped_card().get("judges", {}).get(judge)
    if measured is None:
        card["agreement"] = None
        card["note"] = "no measurement shipped for this judge"
        return card
    xstest = measured["xstest"]
    setups = xstest["groups"]
    worst = min(setups, key=lambda s: setups[s]["f1"] if setups[s]["f1"] is not None else 2.0)
    card["agreement"] = {
        "xstest_protocol": measured["xstest_protocol"],
        "xstest": _brief(xstest["pooled"]),
        "xstest_worst_setup": {"setup": worst, **_brief(setups[worst])},
        "xstest_largest_rate_gap": max(
            abs(s["judge_rate"] - s["people_rate"]) for s in setups.values()
        ),
        "own_held_out": _brief(measured["own_held_out"]["pooled"]),
    }
    return card


def _brief(summary: dict[str, Any]) -> dict[str, Any]:
    keys = ("n", "precision", "recall", "f1", "f1_ci95", "kappa", "people_rate", "judge_rate")
    return {key: summary.get(key) for key in keys}


def format_card(card: dict[str, Any]) -> str:
    """The card as a table per judge: XSTest per set-up (people's refusal rate, the judge's, F1),
    pooled, and the held-out multimodal replies."""
    lines: list[str] = []
    for mode, measured in card.get("judges", {}).items():
        xstest = measured["xstest"]
        lines.append(f"{mode}: {measured['description']}")
        lines.append(f"  XSTest ({measured['xstest_protocol']}):")
        lines.append(f"    {'set-up':<16} {'people':>7} {'judge':>7} {'F1':>6} {'kappa':>6}")
        for setup, s in xstest["groups"].items():
            lines.append(
                f"    {setup:<16} {_pct(s['people_rate'])} {_pct(s['judge_rate'])} "
                f"{_num(s['f1'])} {_num(s['kappa'])}"
            )
        pooled = xstest["pooled"]
        lines.append(
            f"    {'pooled':<16} {_pct(pooled['people_rate'])} {_pct(pooled['judge_rate'])} "
            f"{_num(pooled['f1'])} {_num(pooled['kappa'])}  precision {_num(pooled['precision'])}"
            f" recall {_num(pooled['recall'])}"
        )
        for key, title in (
            ("own_held_out", "held-out multimodal replies"),
            ("own_training_leave_one_file_out", "training replies, leave-one-file-out"),
        ):
            if key in measured:
                p = measured[key]["pooled"]
                lines.append(
                    f"  {title} (n {p['n']}): precision {_num(p['precision'])} recall "
                    f"{_num(p['recall'])} F1 {_num(p['f1'])}"
                )
    return "\n".join(lines)


def _pct(value: Any) -> str:
    return "    n/a" if value is None else f"{100 * value:>6.1f}%"


def _num(value: Any) -> str:
    return "   n/a" if value is None else f"{value:>6.3f}"
