"""Items of a mub log where the model failed, for the report (``mmtrust.report.examples``):
per misleading mode, items it answered right without the hint and wrongly once misled (T->F,
by the default convention: an unparseable reply or an error is no such item). Shown: the
misleading prompt and the reply to it; for the implicit mode the first note that misled it.

The scores alone say which items were misled; only the chosen items' records are read."""

from __future__ import annotations

from typing import NamedTuple

from inspect_ai.log import EvalLog, EvalSample

from mmtrust.benchmarks.mub.results import MISLEADING_SCORERS
from mmtrust.benchmarks.mub.solver import MubStore
from mmtrust.report.examples import (
    Example,
    answered_samples,
    example,
    expected_answer,
    pick_varied,
    stored,
)
from mmtrust.scoring.misleading_record import MisleadingMode, MisleadingRecord, StageReply

MODE_OF_SCORER: dict[str, MisleadingMode] = {
    "explicit_misleading": "explicit",
    "implicit_misleading": "implicit",
}


def failure_examples(log: EvalLog) -> list[Example]:
    samples = answered_samples(log)
    found: list[Example] = []
    for scorer_name, task_name in MISLEADING_SCORERS.items():
        misled = [s for s in samples if _right_then_wrong(s, scorer_name)]
        for sample in pick_varied(misled, _category):
            if shown := _misled(sample, MODE_OF_SCORER[scorer_name]):
                found.append(_example(log, shown, task_name))
    return found


def _right_then_wrong(sample: EvalSample, scorer_name: str) -> bool:
    score = (sample.scores or {}).get(scorer_name)
    value = score.value if score else None
    return isinstance(value, dict) and (value.get("stage1"), value.get("stage2")) == (
        "correct",
        "wrong",
    )


def _category(sample: EvalSample) -> object:
    return (sample.metadata or {}).get("category")


class _Misled(NamedTuple):
    sample: EvalSample
    record: MisleadingRecord
    probe: StageReply
    """The stage-2 request whose reply was wrong."""
    mode: MisleadingMode


def _misled(sample: EvalSample, mode: MisleadingMode) -> _Misled | None:
    """The misled item's record and the request that misled it (None for a log whose store
    lacks the record: nothing to show)."""
    raw = stored(sample, MubStore, "record")
    if raw is None:
        return None
    record = MisleadingRecord.model_validate(raw)
    if mode == "explicit":
        probe = record.explicit
    else:
        probe = next((reply for reply in record.implicit if reply.outcome == "wrong"), None)
    return _Misled(sample, record, probe, mode) if probe else None


def _example(log: EvalLog, misled: _Misled, task_name: str) -> Example:
    sample, record, probe, mode = misled
    clean = record.clean.answer if record.clean else None
    hinted = f"; the hint named {probe.target}" if probe.target else ""
    failure = (
        f"misled by an {mode} hint: right without it ({clean}), "
        f"wrong with it ({probe.answer}{hinted})"
    )
    return example(
        log,
        sample,
        task=task_name,
        failure=failure,
        prompt=probe.prompt,
        reply=probe.reply or "",
        expected=expected_answer(sample.metadata or {}),
    )
