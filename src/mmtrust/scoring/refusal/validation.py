"""Any refusal judge against people's labels: what ``mmtrust validate-judge`` measures.

The judge is an offline mode (``judge.RefusalJudge``) or a grader model asked with MOSSBench's
judge prompt (``model_judge``). Agreement (precision, recall, F1, Cohen's kappa, with intervals)
is computed over the replies the judge gave a verdict on; a reply it could not judge (empty, a
failed grader call, an unreadable grader reply) is counted apart, never taken for a refusal or
a compliance. Rates are compared per group (a model set-up, a file) with Wilson intervals, and
every disagreement is listed with where it came from.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from mmtrust.metrics.agreement import agreement_summary
from mmtrust.metrics.proportion import Proportion
from mmtrust.models.provider_faults import with_fault_retries
from mmtrust.scoring.refusal.judge import RefusalJudge
from mmtrust.scoring.refusal.labelled import LabelledReply
from mmtrust.scoring.refusal.model_judge import judge_outcome_for_response, judge_prompt

ProgressCallback = Callable[[int], None]
"""Called with the number of replies just judged."""
BATCH: Final = 64
VERDICT_LABELS: Final = ("refusal", "compliance")


@dataclass(frozen=True)
class JudgedReply:
    reply: LabelledReply
    outcome: str
    """refusal, compliance, or why there is no verdict: no_response, unparseable, judge_error."""
    detail: str = ""
    """The judge's kind and cue, or what went wrong."""
    seen_in_training: bool = False
    """The judge's learned head was trained on this very reply."""

    @property
    def has_verdict(self) -> bool:
        return self.outcome in VERDICT_LABELS

    @property
    def measures(self) -> bool:
        """Whether it enters the agreement: a verdict on a reply the judge never trained on."""
        return self.has_verdict and not self.seen_in_training


def judge_offline(
    replies: Sequence[LabelledReply], mode: str, progress: ProgressCallback | None = None
) -> list[JudgedReply]:
    """Every reply judged by an offline mode, in batches (one embedding pass per batch)."""
    judge = RefusalJudge(mode)
    judged: list[JudgedReply] = []
    for start in range(0, len(replies), BATCH):
        batch = replies[start : start + BATCH]
        for reply, verdict in zip(
            batch, judge.judge_many([r.response for r in batch]), strict=True
        ):
            seen = mode == "mmtrust" and judge.head.was_trained_on(reply.response)
            judged.append(JudgedReply(reply, verdict.label, f"{verdict.kind}: {verdict.cue}", seen))
        if progress is not None:
            progress(len(batch))
    return judged


async def judge_with_grader(
    replies: Sequence[LabelledReply],
    grader: str,
    progress: ProgressCallback | None = None,
    max_connections: int = 10,
) -> list[JudgedReply]:
    """Every reply judged by ``grader`` with MOSSBench's judge prompt (text only: a labelled
    file has no images). A failed call is ``judge_error``, an unreadable reply ``unparseable``."""
    from inspect_ai.model import GenerateConfig, get_model

    from mmtrust.scoring.refusal.model_judge import parse_judgement

    model = get_model(grader)
    config = GenerateConfig(temperature=0.0, max_tokens=400)
    gate = asyncio.Semaphore(max_connections)

    async def one(reply: LabelledReply) -> JudgedReply:
        missing = judge_outcome_for_response(reply.response)
        if missing is not None:
            return JudgedReply(reply, "no_response", missing.problem or "")
        async with gate:
            try:
                output = await with_fault_retries(
                    lambda: model.generate(
                        judge_prompt(reply.request, reply.response), config=config
                    )
                )
            except Exception as error:  # a provider fault is recorded, never a verdict
                result = JudgedReply(reply, "judge_error", f"{type(error).__name__}: {error}")
            else:
                judgement = parse_judgement(output.completion)
                detail = judgement.reason or judgement.problem or ""
                result = JudgedReply(reply, judgement.outcome, detail)
        if progress is not None:
            progress(1)
        return result

    return list(await asyncio.gather(*(one(r) for r in replies)))


def validation_report(judged: Sequence[JudgedReply], seed: int = 0) -> dict[str, Any]:
    """Agreement over verdicts on replies the judge never trained on, rates per group, outcome
    counts and the disagreements."""
    verdicts = [j for j in judged if j.measures]
    people = [j.reply.refusal for j in verdicts]
    says = [j.outcome == "refusal" for j in verdicts]
    groups: dict[str, Any] = {}
    for group in sorted({j.reply.group for j in verdicts}):
        chosen = [j for j in verdicts if j.reply.group == group]
        people_rate = Proportion(sum(j.reply.refusal for j in chosen), len(chosen))
        judge_rate = Proportion(sum(j.outcome == "refusal" for j in chosen), len(chosen))
        summary = agreement_summary(
            [j.reply.refusal for j in chosen], [j.outcome == "refusal" for j in chosen], seed
        )
        groups[group] = {
            "n": len(chosen),
            **people_rate.fields("people_rate"),
            **judge_rate.fields("judge_rate"),
            "rate_difference": (judge_rate.value or 0.0) - (people_rate.value or 0.0),
            "f1": summary["f1"],
            "kappa": summary["kappa"],
        }
    disagreements = [
        {
            "source": j.reply.source,
            "group": j.reply.group,
            "people": "refusal" if j.reply.refusal else "compliance",
            "judge": j.outcome,
            "detail": j.detail,
            "response": j.reply.response,
        }
        for j in verdicts
        if (j.outcome == "refusal") != j.reply.refusal
    ]
    return {
        "replies": len(judged),
        "seen_in_training": sum(j.seen_in_training for j in judged),
        "outcomes": dict(Counter(j.outcome for j in judged)),
        "agreement": agreement_summary(people, says, seed),
        "groups": groups,
        "disagreements": disagreements,
        "unjudged": [
            {"source": j.reply.source, "outcome": j.outcome, "detail": j.detail}
            for j in judged
            if not j.has_verdict
        ],
    }


def _ratio(value: Any, interval: Any = None) -> str:
    if value is None:
        return "n/a"
    text = f"{value:.3f}"
    if interval:
        text += f" [{interval[0]:.3f}, {interval[1]:.3f}]"
    return text


def format_report(report: dict[str, Any], judge_name: str, shown: int = 20) -> str:
    """The report as text for a terminal: agreement, rates per group, disagreements."""
    a = report["agreement"]
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report["outcomes"].items()))
    lines = [f"judge: {judge_name}", f"replies: {report['replies']} ({outcomes})"]
    if report["seen_in_training"]:
        lines.append(
            f"{report['seen_in_training']} replies were in the learned head's training data and "
            "are left out of the agreement (its measured agreement on unseen replies is in the "
            "judge card: `mmtrust judge-card`)"
        )
    if not a["n"]:
        lines.append("no verdicts on unseen replies: nothing to measure")
        return "\n".join(lines)
    lines += [
        f"agreement over {a['n']} verdicts (refusal is the positive class):",
        f"  precision {_ratio(a['precision'], a['precision_ci95'])}",
        f"  recall    {_ratio(a['recall'], a['recall_ci95'])}",
        f"  F1        {_ratio(a['f1'], a['f1_ci95'])}",
        f"  kappa     {_ratio(a['kappa'], a['kappa_ci95'])}",
        f"  refusal rate: people {_ratio(a['people_rate'], a['people_rate_ci95'])}, judge "
        f"{_ratio(a['judge_rate'], a['judge_rate_ci95'])}",
    ]
    if report["groups"] and list(report["groups"]) != [""]:
        width = max(len(g) for g in report["groups"])
        lines.append("per group:")
        lines.append(
            f"  {'group':<{width}}  {'n':>5}  {'people rate':<22}  {'judge rate':<22}  "
            f"{'diff':>6}  {'F1':>5}"
        )
        for group, g in report["groups"].items():
            lines.append(
                f"  {group:<{width}}  {g['n']:>5}  "
                f"{_ratio(g['people_rate'], g['people_rate_ci95']):<22}  "
                f"{_ratio(g['judge_rate'], g['judge_rate_ci95']):<22}  "
                f"{100 * g['rate_difference']:>+5.1f}p  {_ratio(g['f1']):>5}"
            )
    disagreements = report["disagreements"]
    if disagreements and shown:
        lines.append(f"disagreements ({min(shown, len(disagreements))} of {len(disagreements)}):")
        for d in disagreements[:shown]:
            excerpt = " ".join(d["response"].split())[:110]
            lines.append(
                f"  {d['source']}  people {d['people']}, judge {d['judge']} "
                f"({d['detail'][:60]}): {excerpt}"
            )
    if report["unjudged"]:
        lines.append(f"not judged ({len(report['unjudged'])}, left out of the agreement):")
        for u in report["unjudged"][:shown]:
            lines.append(f"  {u['source']}  {u['outcome']}: {u['detail'][:100]}")
    return "\n".join(lines)
