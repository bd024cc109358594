"""A logged MUB sample's record, typed: the pipeline writes one for every sample it saw."""

from __future__ import annotations

from inspect_ai.log import EvalSample

from mmtrust.benchmarks.mub.solver import MubStore
from mmtrust.scoring.misleading_record import MisleadingRecord, StageReply


def record_of(sample: EvalSample) -> MisleadingRecord:
    record = sample.store_as(MubStore).record
    assert record is not None, f"sample {sample.id} has no MUB record"
    return record


def clean_reply(sample: EvalSample) -> StageReply:
    reply = record_of(sample).clean
    assert reply is not None, f"sample {sample.id} was not asked clean"
    return reply
