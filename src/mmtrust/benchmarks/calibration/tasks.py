"""Calibration task: does the model's confidence in its answers match its accuracy?

Every item is asked once (spec: calibration.md); the reply's answer is extracted as for MUB and
its confidence read from the generated tokens' log-probabilities, or from the confidence the
reply states (``confidence="verbalised"``, for models without log-probabilities).

Items of two roles go through the same prompts and the same model, images included: ``fit``
items (TrustWorld calib by default) on which ``mmtrust report`` fits a temperature, and
``evaluate`` items (TrustWorld test) on which ECE and the other metrics are reported, before
and after that temperature. The paper's reference code fits its temperature on text-only
inputs and tests with images; fitting on the very inputs it is tested on avoids that.

``image_conditions`` asks the evaluate items again without their image, or with a blank or
noise image of the same size (``image_conditions.py``); each copy's sample id is the item's
id with ``@condition`` appended, except under the first condition, the reference the others
are compared with (paired, item by item) and the one the fit items are asked in.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict
from typing import Any, Literal

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import Dataset, MemoryDataset, Sample
from inspect_ai.model import (
    ChatMessageUser,
    GenerateConfig,
    get_model,
)
from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, metric, scorer
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import StoreModel, store_as

from mmtrust.benchmarks.calibration.artifact import CalibrationArtifact
from mmtrust.benchmarks.calibration.image_conditions import (
    CONDITION_KEY,
    ImageCondition,
    conditioned_image,
    parse_image_conditions,
)
from mmtrust.benchmarks.calibration.prompts import ConfidenceMode, PromptStyle, calibration_prompt
from mmtrust.datasets.registry import load_dataset
from mmtrust.datasets.schema import ItemMetadata
from mmtrust.scoring.answer import answer_outcome, extract_answer
from mmtrust.scoring.confidence import (
    answer_options,
    logprob_confidence,
    verbalised_confidence,
    without_stated_confidence,
)
from mmtrust.solving import first_image, generate_or_failure, image_and_text

CALIBRATION_TASK_VERSION = 2
CalibrationRole = Literal["fit", "evaluate"]
ROLE_KEY = "calibration_role"
"""Key of ``ItemMetadata.extra`` holding the item's role."""
TOP_LOGPROBS = 10
"""Alternatives asked per token: enough for every option of a four-option item to show up
under the other spellings of the chosen one (" black", "black", "Black")."""


@task
def calibration(
    dataset: str = "trustworld",
    split: str = "test",
    n: int | None = None,
    fit_split: str | None = "calib",
    fit_n: int | None = 300,
    mub_file: str | None = None,
    images_dir: str | None = None,
    confidence: ConfidenceMode = "logprobs",
    prompt: PromptStyle = "paper",
    temperatures: str | None = None,
    answer_lead: str | None = None,
    image_conditions: str = "shown",
) -> Task:
    """Confidence against accuracy: ECE, MCE, Brier, NLL, AUROC, risk-coverage; temperature
    scaling fitted on ``fit_split`` (``mmtrust report`` does the fitting).

    Args:
        dataset: "trustworld" (embedded) or "mub" (original files, see mub_file/images_dir).
        split: The split the metrics are reported on.
        n: Number of items of ``split`` (default: all).
        fit_split: The split a temperature is fitted on ("" or None: no fitting).
        fit_n: Number of items of ``fit_split`` (default 300; None: all).
        mub_file: A MUB JSON file, for dataset="mub".
        images_dir: The folder of MUB's images.
        confidence: "logprobs" (token log-probabilities) or "verbalised" (stated by the model).
        prompt: "paper" (the paper's answer instruction), "mub" (MUB's clean prompt) or "bare".
        temperatures: A calibration artifact (``mmtrust calibrate``): its temperatures are
            applied to this run's confidences too (``ece_artifact``).
        answer_lead: Text that ends the prompt as ``"\n{answer_lead}: ("`` (the prompt
            optimisation of the paper searches over it).
        image_conditions: Comma-separated conditions the evaluate items are asked in: "shown"
            (the image), "none" (text only), "blank" (grey image of the same size), "noise"
            (random pixels of the same size). The first is the reference: the fit items are
            asked in it, the headline metrics are its, the others are compared with it.
    """
    if confidence not in ("logprobs", "verbalised"):
        raise ValueError(f"confidence must be 'logprobs' or 'verbalised', not {confidence!r}")
    conditions = parse_image_conditions(image_conditions)
    evaluated = load_dataset(dataset, split=split, n=n, mub_file=mub_file, images_dir=images_dir)
    parts: list[tuple[Dataset, CalibrationRole]] = [(evaluated, "evaluate")]
    if fit_split:
        if dataset != "trustworld":
            raise ValueError(
                "fit_split needs a dataset with splits (trustworld); for other datasets pass "
                "fit_split='' and fit a temperature on a TrustWorld run"
            )
        parts.insert(0, (load_dataset(dataset, split=fit_split, n=fit_n), "fit"))
    artifact = CalibrationArtifact.load(temperatures) if temperatures else None
    config = GenerateConfig(temperature=0.0, max_tokens=48)
    if confidence == "logprobs":
        config = config.merge(GenerateConfig(logprobs=True, top_logprobs=TOP_LOGPROBS))
    return Task(
        dataset=_with_roles(parts, conditions, name=f"{dataset}-{split}"),
        solver=confidence_probe(confidence, prompt, answer_lead),
        scorer=calibrated_answer(confidence, conditions[0]),
        config=config,
        version=CALIBRATION_TASK_VERSION,
        # outcomes are categories: the default mean reducer would turn them into numbers
        epochs=Epochs(1, "mode"),
        fail_on_error=False,
        metadata={
            "benchmark": "calibration",
            "prompt": prompt,
            "answer_lead": answer_lead,
            "dataset": dataset,
            "split": split,
            "fit_split": fit_split or None,
            "confidence": confidence,
            "image_conditions": list(conditions),
            "artifact": None
            if artifact is None
            else {"path": temperatures, "model": artifact.model, **asdict(artifact)},
        },
    )


def _with_roles(
    parts: list[tuple[Dataset, CalibrationRole]],
    conditions: tuple[ImageCondition, ...],
    name: str,
) -> MemoryDataset:
    """The parts' samples tagged with their role and image condition (fit items: the reference
    condition only), interleaved so that a ``--limit`` keeps items of both roles and every
    condition of an evaluate item."""
    tagged: list[list[list[Sample]]] = []
    for dataset, role in parts:
        asked_in = conditions if role == "evaluate" else conditions[:1]
        tagged.append(
            [
                [_tagged(sample, role, condition, conditions[0]) for condition in asked_in]
                for sample in dataset
            ]
        )
    interleaved = [
        sample
        for item_group in itertools.zip_longest(*tagged)
        for copies in item_group
        if copies is not None
        for sample in copies
    ]
    return MemoryDataset(interleaved, name=name)


def _tagged(
    sample: Sample, role: CalibrationRole, condition: ImageCondition, reference: ImageCondition
) -> Sample:
    metadata = dict(sample.metadata or {})
    metadata["extra"] = {**metadata.get("extra", {}), ROLE_KEY: role, CONDITION_KEY: condition}
    update: dict[str, Any] = {"metadata": metadata}
    if condition != reference:
        update["id"] = f"{sample.id}@{condition}"
    return sample.model_copy(update=update)


class CalibrationRecord(StoreModel):
    """What ``confidence_probe`` did for a sample (store keys ``CalibrationRecord:<field>``):
    asked (with the prompt; the reply is the sample's output), or why it was not."""

    outcome: Literal["asked", "model_error", "input_error"] | None = None
    """None until the solver has run."""
    error: str | None = None
    prompt: str | None = None


@solver
def confidence_probe(
    mode: ConfidenceMode = "logprobs",
    style: PromptStyle = "paper",
    answer_lead: str | None = None,
) -> Solver:
    """Ask the calibration prompt once; keep prompt, reply, log-probabilities or the failure."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        item = state.metadata_as(ItemMetadata)
        record = store_as(CalibrationRecord)
        if item.input_error is not None:
            record.error = item.input_error
            record.outcome = "input_error"
            return state
        prompt = calibration_prompt(item, mode, style, answer_lead)
        condition: ImageCondition = item.extra.get(CONDITION_KEY, "shown")
        image = conditioned_image(first_image(state), condition, seed_text=item.item_id)
        message = ChatMessageUser(content=image_and_text(image, prompt))
        output = await generate_or_failure(get_model(), [message])
        if isinstance(output, str):
            record.error = output
            record.outcome = "model_error"
            return state
        state.messages = [message, output.message]
        state.output = output
        record.prompt = prompt
        record.outcome = "asked"
        return state

    return solve


def _answered(scores: list[SampleScore]) -> list[SampleScore]:
    """The answered evaluate items of the reference image condition (logs written before the
    conditions existed have neither key, and count)."""
    return [
        s
        for s in scores
        if s.score.value in ("correct", "wrong")
        and (s.score.metadata or {}).get("role") == "evaluate"
        and (s.score.metadata or {}).get(CONDITION_KEY)
        == (s.score.metadata or {}).get("reference_condition")
    ]


@metric(name="accuracy")
def calibration_accuracy() -> Metric:
    """Accuracy over the answered evaluate items."""

    def compute(scores: list[SampleScore]) -> float:
        answered = _answered(scores)
        if not answered:
            return float("nan")
        return sum(s.score.value == "correct" for s in answered) / len(answered)

    return compute


@metric(name="ece")
def calibration_ece() -> Metric:
    """ECE (10 equal-width bins) over the evaluate items with a confidence, before scaling."""
    from mmtrust.metrics.calibration import expected_calibration_error

    def compute(scores: list[SampleScore]) -> float:
        rated = [
            s for s in _answered(scores) if (s.score.metadata or {}).get("confidence") is not None
        ]
        if not rated:
            return float("nan")
        return expected_calibration_error(
            [float((s.score.metadata or {})["confidence"]) for s in rated],
            [s.score.value == "correct" for s in rated],
        )

    return compute


@scorer(metrics=[calibration_accuracy(), calibration_ece()])
def calibrated_answer(
    mode: ConfidenceMode = "logprobs", reference_condition: ImageCondition = "shown"
) -> Scorer:
    """The reply's outcome (correct / wrong / unparseable / model_error / input_error) and, in
    its metadata, its confidence and the options' log-probabilities (for temperature scaling).
    """

    async def score(state: TaskState, target: Target) -> Score:
        record = store_as(CalibrationRecord)
        if record.outcome is None:
            raise RuntimeError("the calibrated_answer scorer needs the confidence_probe solver")
        item = state.metadata_as(ItemMetadata)
        base: dict[str, Any] = {
            "role": item.extra.get(ROLE_KEY, "evaluate"),
            "item_id": item.item_id,
            CONDITION_KEY: item.extra.get(CONDITION_KEY, "shown"),
            "reference_condition": reference_condition,
            "category": item.category,
            "difficulty": item.difficulty,
            "question_type": item.question_type,
            "options": answer_options(item),
        }
        if record.outcome != "asked":
            return Score(value=record.outcome, explanation=record.error, metadata=base)
        reply = state.output.completion
        answer_text = without_stated_confidence(reply) if mode == "verbalised" else reply
        extracted = extract_answer(answer_text, item)
        if extracted.answer is None:
            return Score(
                value="unparseable",
                explanation=f"{extracted.method}: {extracted.detail} in {reply!r}",
                metadata=base,
            )
        if mode == "verbalised":
            found = verbalised_confidence(reply)
        else:
            logprobs = state.output.choices[0].logprobs if state.output.choices else None
            found = logprob_confidence(
                logprobs.content if logprobs else None, item, extracted.answer
            )
        options = base["options"]
        return Score(
            value=answer_outcome(extracted.answer, item),
            answer=extracted.answer,
            explanation=found.detail or reply,
            metadata={
                **base,
                "confidence": found.confidence,
                "full_vocabulary": found.full_vocabulary,
                "confidence_source": found.source,
                "option_logprobs": [found.option_logprobs.get(o) for o in options]
                if found.option_logprobs
                else None,
                "floor_logprob": found.floor_logprob,
                "answer_index": options.index(extracted.answer),
                "label_index": options.index(item.answer),
                "position": found.position,
            },
        )

    return score
