"""MOSSBench: does the model refuse harmless requests that merely look risky?

Each item is asked once with its image. The response is judged by the grader model role with
MOSSBench's judge prompt (the judge sees the image too), or, with no grader, by mmtrust's
offline refusal judge (``scoring.refusal``: clause rules and a learned head); its rules alone and
the MultiTrust keyword lists are available by name. A failed or empty response, and a judge
reply with no readable score, are their own outcomes, excluded from the refusal rates and
counted in the report; ``accounting="reference"`` makes the task's metric count empty and failed
responses as refusals, as MOSSBench's evaluator does (results.json carries both rates).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import MemoryDataset
from inspect_ai.model import ChatMessageUser, GenerateConfig, get_model, model_roles
from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, metric, scorer
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import LimitExceededError, StoreModel, store_as

from mmtrust.benchmarks.mossbench.loader import MossbenchSubset, load_mossbench
from mmtrust.datasets.schema import ItemMetadata
from mmtrust.metrics.refusal import (
    ACCOUNTINGS,
    JUDGE_REPLY_UNPARSEABLE,
    JUDGE_REQUEST_FAILED,
    Accounting,
    RefusalItem,
    refusal_rate,
)
from mmtrust.models.provider_faults import ProviderFaultError, with_fault_retries
from mmtrust.scoring.refusal import classify_refusal
from mmtrust.scoring.refusal.model_judge import (
    judge_outcome_for_response,
    judge_prompt,
    parse_judgement,
)
from mmtrust.solving import GRADER_ROLE, first_image, generate_or_failure, image_and_text

MOSSBENCH_TASK_VERSION = 2
"""2: a missing judgement (failed or unreadable grader reply) is an unscored score."""
JudgeMode = Literal[
    "auto", "model", "mmtrust", "mmtrust-rules", "multitrust-2025", "multitrust-paper"
]
JUDGE_MODES: tuple[JudgeMode, ...] = get_args(JudgeMode)
FLAGS = ("human", "child", "syn", "ocr", "hazard")
"""0/1 item flags refusal rates are broken down by: MOSSBench's four, and TrustWorld's sign."""
JUDGE_CONFIG = GenerateConfig(temperature=0.0, max_tokens=400)
"""The reference judged with temperature 0."""


@task
def mossbench(
    root: str,
    subset: MossbenchSubset = "both",
    n: int | None = None,
    judge: JudgeMode = "auto",
    accounting: Accounting = "mmtrust",
) -> Task:
    """Refusal of benign-but-risky-looking requests (and of the harmful contrast set).

    Args:
        root: The MOSSBench folder holding data/ and data_contrast/.
        subset: "benign" (300 items), "contrast" (244 harmful ones) or "both".
        n: Number of items (default: all).
        judge: "model" (the grader role with MOSSBench's judge prompt), "mmtrust" (offline
            judge: rules and learned head), "mmtrust-rules" (its rules alone),
            "multitrust-2025" / "multitrust-paper" (keyword lists), or "auto": the grader when
            one is given, else the offline judge.
        accounting: "mmtrust" (the task's refusal rate counts verdicts only) or "reference"
            (empty and failed responses count as refusals, as MOSSBench's evaluator counts
            them). results.json carries both rates either way.
    """
    check_judge(judge)
    check_accounting(accounting)
    samples = load_mossbench(root, subset)
    return refusal_task(
        MemoryDataset(samples if n is None else samples[:n], name=f"mossbench-{subset}"),
        judge,
        GenerateConfig(temperature=0.0, max_tokens=512),
        version=MOSSBENCH_TASK_VERSION,
        metadata={
            "benchmark": "mossbench",
            "dataset": "mossbench",
            "subset": subset,
            "accounting": accounting,
        },
        accounting=accounting,
    )


def check_judge(judge: str) -> None:
    if judge not in JUDGE_MODES:
        raise ValueError(f"Unknown judge {judge!r}; choose one of {', '.join(JUDGE_MODES)}.")


def check_accounting(accounting: str) -> None:
    if accounting not in ACCOUNTINGS:
        raise ValueError(
            f"Unknown accounting {accounting!r}; choose one of {', '.join(ACCOUNTINGS)}."
        )


def refusal_task(
    dataset: MemoryDataset,
    judge: JudgeMode,
    config: GenerateConfig,
    *,
    version: int,
    metadata: dict[str, Any],
    accounting: Accounting = "mmtrust",
) -> Task:
    """Ask each request once with its image and judge the response (MOSSBench's protocol);
    a failed sample is kept as its outcome, never ending the run. The task's metric is the
    refusal rate under ``accounting``; results.json recomputes both from the scores."""
    return Task(
        dataset=dataset,
        solver=ask_once(),
        scorer=refusal_judgement(judge),
        metrics=[refusal_rate_metric(accounting)],
        config=config,
        epochs=Epochs(1, "mode"),
        version=version,
        fail_on_error=False,
        metadata=metadata,
    )


class RefusalRecord(StoreModel):
    """What ``ask_once`` got for a request (store keys ``RefusalRecord:<field>``): the response,
    the failure, or (``input_error``) why the request could not be asked."""

    response: str | None = None
    error: str | None = None
    """The failed call, the output's own error beside a response, or the bad input."""
    input_error: bool = False


@solver
def ask_once() -> Solver:
    """The request with its image; the response or the failure is kept."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        item = state.metadata_as(ItemMetadata)
        record = store_as(RefusalRecord)
        if item.input_error is not None:
            record.error = item.input_error
            record.input_error = True
            return state
        message = ChatMessageUser(content=image_and_text(first_image(state), item.question))
        try:
            output = await with_fault_retries(lambda: get_model().generate([message]))
        except (LimitExceededError, ProviderFaultError):
            raise
        except Exception as error:
            record.error = f"{type(error).__name__}: {error}"
            return state
        # the output's own error (a refused or cut-off request) is kept beside the response:
        # ``judge_outcome_for_response`` makes either a no_response outcome
        state.messages = [message, output.message]
        record.response = output.completion
        record.error = output.error
        return state

    return solve


@metric(name="refusal_rate")
def refusal_rate_metric(accounting: Accounting = "mmtrust") -> Metric:
    """Refusal rate over the run (``metrics.refusal``), so ``inspect eval`` and ``inspect view``
    show it; NaN when no item has a verdict. A missing judgement (an unscored score, which
    Inspect already leaves out of the metrics) is never a refusal nor a compliance."""

    def compute(scores: list[SampleScore]) -> float:
        items = [RefusalItem.of_score(s.score.value, s.score.reason) for s in scores]
        value = refusal_rate(items, accounting).value
        return float("nan") if value is None else value

    return compute


@scorer(metrics=[refusal_rate_metric()])
def refusal_judgement(judge: JudgeMode = "auto") -> Scorer:
    """refusal / compliance, or no_response / input_error; a missing judgement (the grader's
    reply held no readable score, or its request failed) is unscored, with the reason."""

    async def score(state: TaskState, target: Target) -> Score:
        record = store_as(RefusalRecord)
        item = state.metadata_as(ItemMetadata)
        base = {
            "subset": item.extra.get("subset"),
            "type": item.extra.get("type"),
            "flags": [f for f in FLAGS if item.extra.get(f) == 1],
        }
        if record.input_error:
            return Score(value="input_error", explanation=record.error, metadata=base)
        missing = judge_outcome_for_response(record.response, record.error)
        if missing is not None:
            return Score(value="no_response", explanation=missing.problem, metadata=base)
        response = str(record.response)
        use_model = judge == "model" or (judge == "auto" and GRADER_ROLE in model_roles())
        if use_model:
            return await _model_judgement(state, item, response, base)
        mode = "mmtrust" if judge == "auto" else judge
        verdict = classify_refusal(response, mode=mode)
        return Score(
            value=verdict.label,
            answer=response,
            explanation=f"{mode}: {verdict.kind} ({verdict.cue})",
            metadata={**base, "judge": mode},
        )

    return score


async def _model_judgement(
    state: TaskState, item: ItemMetadata, response: str, base: dict[str, Any]
) -> Score:
    prompt = judge_prompt(item.question, response)
    message = ChatMessageUser(content=image_and_text(first_image(state), prompt))
    output = await generate_or_failure(get_model(role=GRADER_ROLE), [message], JUDGE_CONFIG)
    if isinstance(output, str):
        return Score.unscored(
            reason=JUDGE_REQUEST_FAILED,
            explanation=f"the judge failed: {output}",
            metadata={**base, "judge": "model"},
        )
    judgement = parse_judgement(output.completion)
    metadata = {**base, "judge": "model", "judge_reply": output.completion}
    if not judgement.counted:
        # what failed first, then what the judge said (its reply is in the metadata)
        said = f"; the judge's reason: {judgement.reason}" if judgement.reason else ""
        return Score.unscored(
            reason=JUDGE_REPLY_UNPARSEABLE,
            answer=response,
            explanation=f"no verdict in the judge's reply: {judgement.problem}{said}",
            metadata=metadata,
        )
    return Score(
        value=judgement.outcome,
        answer=response,
        explanation=judgement.reason or "",
        metadata=metadata,
    )
