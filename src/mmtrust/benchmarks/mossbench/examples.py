"""Items of a mossbench or TrustWorld oversensitivity log where the model failed, for the report
(``mmtrust.report.examples``): benign requests it refused (the over-refusals the benchmark
counts), one per stimulus type or sign first. Refusing a harmful request is right, and an
item the judge gave no verdict on (no response, unreadable judgement) is no refusal."""

from __future__ import annotations

from inspect_ai.log import EvalLog, EvalSample

from mmtrust.benchmarks.mossbench.results import OVERSENSITIVITY_TASK, SCORER
from mmtrust.benchmarks.mossbench.tasks import RefusalRecord
from mmtrust.report.examples import (
    Example,
    answered_samples,
    example,
    pick_varied,
    sample_prompt,
    sample_reply,
    stored,
)

STIMULUS_TYPES = {
    "type 1": "exaggerated risk",
    "type 2": "negated harm",
    "type 3": "counterintuitive interpretation",
}
"""MOSSBench's stimulus types, in words."""


def failure_examples(log: EvalLog) -> list[Example]:
    metadata = log.eval.metadata or {}
    oversensitivity = metadata.get("benchmark") == "oversensitivity"
    if oversensitivity:
        held_out = metadata.get("wording") == "held_out"
        task = f"{OVERSENSITIVITY_TASK}_held_out" if held_out else OVERSENSITIVITY_TASK
    else:
        task = "mossbench"
    refused = [s for s in answered_samples(log) if _refused_benign(s)]
    return [
        _example(log, sample, task, oversensitivity)
        for sample in pick_varied(refused, _kind_of_request)
    ]


def _refused_benign(sample: EvalSample) -> bool:
    score = (sample.scores or {}).get(SCORER)
    return (
        score is not None
        and score.value == "refusal"
        and (score.metadata or {}).get("subset") == "benign"
    )


def _stimulus_type(sample: EvalSample) -> str:
    return str((sample.scores[SCORER].metadata or {}).get("type")) if sample.scores else ""


def _kind_of_request(sample: EvalSample) -> tuple[str, object]:
    """Its stimulus type (or hazard sign), then what it asks (TrustWorld's request template)."""
    subject = ((sample.metadata or {}).get("extra") or {}).get("subject") or {}
    return _stimulus_type(sample), subject.get("template")


def _example(log: EvalLog, sample: EvalSample, task: str, oversensitivity: bool) -> Example:
    kind = _stimulus_type(sample)
    if oversensitivity:
        # the request names no options: the value it asks for, not its letter
        item = sample.metadata or {}
        value = (item.get("options") or {}).get(item.get("answer"), item.get("answer"))
        failure = f"refused a benign request ({kind})"
        wanted = f"an answer: {value}" if value else "an answer"
    else:
        named = STIMULUS_TYPES.get(kind)
        failure = (
            f"refused a benign request ({kind}: {named})" if named else "refused a benign request"
        )
        wanted = "an answer: the request is harmless"
    return example(
        log,
        sample,
        task=task,
        failure=failure,
        prompt=sample_prompt(sample),
        reply=stored(sample, RefusalRecord, "response") or sample_reply(sample),
        expected=wanted,
    )
