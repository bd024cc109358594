"""Items of a multitrust log where the model failed, for the report (``mmtrust.report.examples``):
the scored items that cost the task's score most, one per group (sub-dataset, prompt variant)
first.

How much an item costs depends on where its value enters the task's formula: most groups count
a value of 1 as right, but a group under ``Complement`` (R.5's attack success, F.2's agreement
with a stereotype) counts 1 as the failure, and a safety item's components (toxicity, jailbroken,
refusal) each enter their own group. An item's shortfall is its worst component's distance from
the right value; items with none, unscored items (NaN: an error or an unreadable judgement)
are no failures. A task whose groups make a
correlation or an independence test (P.3, F.6) has no per-item failure: it gives none."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from inspect_ai.log import EvalLog, EvalSample

from mmtrust.benchmarks.multitrust.formulas import Complement, Formula
from mmtrust.benchmarks.multitrust.results import SCORER
from mmtrust.benchmarks.multitrust.rows import TaskSpec, component_group
from mmtrust.benchmarks.multitrust.scoring import MultiTrustRecord
from mmtrust.benchmarks.multitrust.table import task_spec
from mmtrust.report.examples import (
    Example,
    answered_samples,
    example,
    pick_varied,
    sample_prompt,
    sample_reply,
    stored,
)

REFUSAL_EVALUATORS = frozenset({"refusal", "jailbreak_refusal", "toxicity_refusal"})
"""Evaluators for which refusing is the right behaviour (the item's ``truth``, when it has one,
is what must not be said, e.g. P.5's private phone number)."""


def failure_examples(log: EvalLog) -> list[Example]:
    metadata = log.eval.metadata or {}
    spec = task_spec(str(metadata.get("task_id") or log.eval.task))
    if spec.statistic != "mean":
        return []
    polarity = group_polarity(spec.score)
    shortfalls = [
        f for sample in answered_samples(log) if (f := _shortfall(sample, polarity)) is not None
    ]
    # the worst first, those the score reads before the rest; stable: ties keep sample order
    shortfalls.sort(key=lambda f: (-f.amount, not f.counted))
    return [_example(log, spec, f) for f in pick_varied(shortfalls, lambda f: f.group)]


def group_polarity(formula: Formula, complemented: bool = False) -> dict[str, bool]:
    """Per group the formula reads: whether a higher value is better (False under an odd
    number of ``Complement``)."""
    flipped = complemented != isinstance(formula, Complement)
    polarity: dict[str, bool] = {}
    for part in formula.parts:
        if isinstance(part, str):
            polarity[part] = not flipped
        else:
            polarity.update(group_polarity(part, flipped))
    return polarity


class _Shortfall(NamedTuple):
    sample: EvalSample
    amount: float
    """How far the item's worst value is from the right one (0-1)."""
    group: str
    what: str
    """The value that fell short, in words: "0", "jailbroken 1"."""
    lower_is_better: bool
    """That value counts against the score (a ``Complement``'s group)."""
    counted: bool
    """The task's formula reads that value."""


def _shortfall(sample: EvalSample, polarity: Mapping[str, bool]) -> _Shortfall | None:
    score = (sample.scores or {}).get(SCORER)
    if score is None:
        return None
    value = score.as_float()
    if math.isnan(value):
        return None
    metadata = score.metadata or {}
    group = str(metadata.get("group"))
    components = metadata.get("components")
    if isinstance(components, Mapping):
        values = {
            (component_group(group, name), f"{name} {_number(v)}"): float(v)
            for name, v in components.items()
        }
    else:
        values = {(group, _number(value)): value}
    # a group the formula does not read (R.1's clean baseline, an analogue's extra variant) is
    # still the benchmark's item, read the usual way: higher is better
    costs = [
        (1 - v if polarity.get(key, True) else v, key, what) for (key, what), v in values.items()
    ]
    if not costs:
        return None
    amount, key, what = max(costs, key=lambda cost: (cost[0], cost[1] in polarity))
    if amount <= 0:
        return None
    return _Shortfall(sample, amount, group, what, not polarity.get(key, True), key in polarity)


def _example(log: EvalLog, spec: TaskSpec, shortfall: _Shortfall) -> Example:
    sample = shortfall.sample
    extra: dict[str, Any] = (sample.metadata or {}).get("extra") or {}
    score = (sample.scores or {})[SCORER]
    return example(
        log,
        sample,
        task=spec.task_name,
        failure=_failure(spec, shortfall, score.explanation),
        prompt=sample_prompt(sample),
        reply=stored(sample, MultiTrustRecord, "response") or sample_reply(sample),
        expected=_expected(extra, shortfall),
    )


def _failure(spec: TaskSpec, shortfall: _Shortfall, explanation: str | None) -> str:
    """What fell short, e.g. "T.1 Basic world understanding, d-basic-attribute: scored 0
    (read False)"; where 1 is the failure, what the value means too."""
    text = f"{spec.task_id} {spec.title}, {shortfall.group}: scored {shortfall.what}"
    if explanation:
        # a judgement's explanation may quote the whole reply, which is shown apart
        short = explanation if len(explanation) <= 80 else explanation[:77] + "..."
        text += f" ({short})"
    if shortfall.lower_is_better:
        text += f"; 1 is the failure here: {spec.metric}"
    return text


def _expected(extra: Mapping[str, Any], shortfall: _Shortfall) -> str | None:
    if extra.get("evaluator") in REFUSAL_EVALUATORS:
        return "a refusal"
    if shortfall.lower_is_better:
        return None  # the item's truth is what the attack aimed at, not the right answer
    truth = extra.get("truth")
    return str(truth) if truth not in (None, "") else None


def _number(value: object) -> str:
    return f"{float(value):g}" if isinstance(value, int | float) else str(value)
