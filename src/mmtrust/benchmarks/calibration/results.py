"""Calibration runs from Inspect logs: metrics before and after temperature scaling.

The temperature is fitted here, on the log's ``fit`` items, and applied to its ``evaluate``
items: both were asked the same prompts with their images, by the same model, in the same run.
Scaling divides the options' log-probabilities at the answer position by T and renormalises;
the confidence after scaling is the scaled probability of the option the reply answered (the
answer itself does not change).

A run asked in several image conditions reports its headline metrics (and temperature) for
the reference condition, and per condition accuracy, confidence, ECE and AUROC beside the
paired shift from the reference (``metrics["image_conditions"]``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from inspect_ai.log import EvalLog
from inspect_ai.scorer import Score

from mmtrust.benchmarks.calibration.artifact import CalibrationArtifact
from mmtrust.benchmarks.calibration.condition_shift import PairedItem, condition_shift
from mmtrust.benchmarks.calibration.image_conditions import CONDITION_KEY
from mmtrust.benchmarks.calibration.temperature import (
    TemperatureFit,
    apply_temperature,
    fit_temperature,
    fit_temperature_grid,
)
from mmtrust.metrics.calibration import (
    calibration_summary,
    expected_calibration_error,
    reliability_bins,
)
from mmtrust.metrics.proportion import Proportion
from mmtrust.report.runs import Run, run_of_log

SCORER = "calibrated_answer"
TASK_NAME = "calibration"
ANSWERED = ("correct", "wrong")


def calibration_runs(log: EvalLog) -> list[Run]:
    fields = calibration_run_fields(log)
    if fields is None:
        return []
    n, metrics, details = fields
    return [run_of_log(log, "calibration", TASK_NAME, n, metrics, details)]


def calibration_run_fields(log: EvalLog) -> tuple[int, dict[str, Any], dict[str, Any]] | None:
    """``(n, metrics, details)`` of a calibration log, or None for another kind of log."""
    scores = [
        sample.scores[SCORER]
        for sample in log.samples or []
        if sample.scores is not None and SCORER in sample.scores
    ]
    if not scores:
        return None
    every_evaluated = [s for s in scores if _meta(s).get("role", "evaluate") == "evaluate"]
    evaluated = [s for s in every_evaluated if _is_reference(s)]
    fitting = [s for s in scores if _meta(s).get("role") == "fit"]
    answered, rated, metrics = _answer_metrics(evaluated)
    metrics["confidence_coverage"] = Proportion(len(rated), len(answered)).value
    details: dict[str, Any] = {}
    if rated:
        confidences = [float(_meta(s)["confidence"]) for s in rated]
        correct = [s.value == "correct" for s in rated]
        summary = calibration_summary(confidences, correct)
        # accuracy stays that of every answered item; the rated ones' is kept apart
        skipped = ("n", "accuracy", "ece_low", "ece_high")
        metrics.update({k: v for k, v in summary.as_dict().items() if k not in skipped})
        metrics["accuracy_rated"] = summary.accuracy
        metrics["ece_ci95"] = [summary.ece_low, summary.ece_high]
        full = [_meta(s).get("full_vocabulary") for s in rated]
        full_known = [float(value) for value in full if value is not None]
        if len(full_known) == len(full):
            metrics["ece_full_vocabulary"] = expected_calibration_error(full_known, correct)
        details["reliability"] = [vars(b) for b in reliability_bins(confidences, correct)]
        details["confidence_source"] = dict(
            Counter(_meta(s).get("confidence_source") for s in rated)
        )
    scaling = _temperature_scaling(fitting, rated)
    if scaling is not None:
        correct = [s.value == "correct" for s in rated]
        scaled_summary = calibration_summary(scaling.confidences, correct)
        metrics["temperature"] = {kind: fit.temperature for kind, fit in scaling.fits.items()}
        metrics["ece_scaled"] = scaled_summary.ece
        metrics["ece_scaled_ci95"] = [scaled_summary.ece_low, scaled_summary.ece_high]
        metrics["brier_scaled"] = scaled_summary.brier
        metrics["nll_scaled"] = scaled_summary.nll
        metrics["auroc_scaled"] = scaled_summary.auroc
        metrics["temperature_single"] = scaling.single_fit.temperature
        metrics["ece_scaled_single"] = expected_calibration_error(
            scaling.single_confidences, correct
        )
        details["temperature_fit"] = {
            kind: {
                "temperature": fit.temperature,
                "grid_temperature": scaling.grid_fits[kind].temperature,
                "fit_items": fit.n,
                "option_nll_before": fit.nll_before,
                "option_nll_after": fit.nll_after,
            }
            for kind, fit in scaling.fits.items()
        }
        details["reliability_scaled"] = [
            vars(b) for b in reliability_bins(scaling.confidences, correct)
        ]
    found = {str(_meta(s).get(CONDITION_KEY)) for s in every_evaluated}
    # in the order the task was given them (samples are logged in completion order)
    asked = [str(c) for c in (log.eval.metadata or {}).get("image_conditions") or []]
    conditions = [c for c in asked if c in found] + sorted(found - set(asked))
    if len(conditions) > 1:
        metrics["image_conditions"] = _condition_metrics(every_evaluated, conditions)
    artifact = (log.eval.metadata or {}).get("artifact")
    if artifact and rated and all(_meta(s).get("option_logprobs") for s in rated):
        _apply_artifact(artifact, rated, metrics, details)
    return len(evaluated), metrics, details


def _answer_metrics(rows: list[Score]) -> tuple[list[Score], list[Score], dict[str, Any]]:
    """The answered rows, those of them with a confidence, and accuracy, coverage (answered
    among the askable: errors are not) and the outcome counts."""
    answered = [s for s in rows if s.value in ANSWERED]
    rated = [s for s in answered if _meta(s).get("confidence") is not None]
    askable = [s for s in rows if s.value not in ("input_error", "model_error")]
    metrics: dict[str, Any] = {
        "accuracy": Proportion(sum(s.value == "correct" for s in answered), len(answered)).value,
        "coverage": Proportion(len(answered), len(askable)).value,
        "outcomes": dict(Counter(str(s.value) for s in rows)),
    }
    return answered, rated, metrics


def _is_reference(score: Score) -> bool:
    return _meta(score).get(CONDITION_KEY) == _meta(score).get("reference_condition")


def _condition_metrics(evaluated: list[Score], conditions: list[str]) -> dict[str, Any]:
    """Per image condition (reference first): its items' metrics, and for the others the
    paired shift from the reference on the items answered under both."""
    by_condition = {
        condition: {
            str(_meta(s).get("item_id")): s
            for s in evaluated
            if str(_meta(s).get(CONDITION_KEY)) == condition
        }
        for condition in conditions
    }
    reference = next(str(_meta(s).get("reference_condition")) for s in evaluated)
    ordered = [reference] + [c for c in conditions if c != reference]
    table: dict[str, Any] = {}
    for condition in ordered:
        entry = _condition_entry(list(by_condition.get(condition, {}).values()))
        if condition != reference:
            pairs = _pairs(by_condition.get(reference, {}), by_condition[condition])
            entry["shift"] = condition_shift(pairs).as_dict()
        table[condition] = entry
    return table


def _condition_entry(rows: list[Score]) -> dict[str, Any]:
    _, rated, metrics = _answer_metrics(rows)
    entry: dict[str, Any] = {"n": len(rows), **metrics}
    if rated:
        summary = calibration_summary(
            [float(_meta(s)["confidence"]) for s in rated], [s.value == "correct" for s in rated]
        )
        entry.update(
            rated=len(rated),
            mean_confidence=summary.mean_confidence,
            ece=summary.ece,
            ece_ci95=[summary.ece_low, summary.ece_high],
            auroc=summary.auroc,
            brier=summary.brier,
        )
    return entry


def _pairs(reference: dict[str, Score], other: dict[str, Score]) -> list[PairedItem]:
    """The items answered (correct or wrong) under both conditions."""
    pairs = []
    for item_id, score in other.items():
        base = reference.get(item_id)
        if base is None or base.value not in ANSWERED or score.value not in ANSWERED:
            continue
        pairs.append(
            PairedItem(
                reference_correct=base.value == "correct",
                other_correct=score.value == "correct",
                reference_confidence=_meta(base).get("confidence"),
                other_confidence=_meta(score).get("confidence"),
            )
        )
    return pairs


def _apply_artifact(
    artifact: dict[str, Any],
    rated: list[Score],
    metrics: dict[str, Any],
    details: dict[str, Any],
) -> None:
    """Metrics under the temperatures of a saved artifact (formats it has no temperature for
    keep T = 1, and are listed)."""
    temperatures: dict[str, float] = artifact["temperatures"]
    kinds = [str(_meta(s).get("question_type")) for s in rated]
    confidences = [
        _scaled_confidence(score, temperatures.get(kind, 1.0))
        for score, kind in zip(rated, kinds, strict=True)
    ]
    correct = [s.value == "correct" for s in rated]
    metrics["ece_artifact"] = expected_calibration_error(confidences, correct)
    details["artifact"] = {
        "path": artifact.get("path"),
        "model": artifact.get("model"),
        "temperatures": temperatures,
        "formats_without_temperature": sorted(set(kinds) - set(temperatures)),
    }


@dataclass(frozen=True)
class TemperatureScaling:
    """Temperatures fitted on the fit items, and the evaluated items' confidences after them."""

    fits: dict[str, TemperatureFit]
    """One temperature per answer format (``mc``, ``yn``), fitted by the 1-D optimiser."""
    grid_fits: dict[str, TemperatureFit]
    """The same, by the reference's grid search (0.01 .. 9.99)."""
    confidences: list[float]
    """Each rated item's confidence under its format's temperature."""
    single_fit: TemperatureFit
    """One temperature for every item, the reference's way, reported for comparison."""
    single_confidences: list[float]


def _temperature_scaling(fitting: list[Score], rated: list[Score]) -> TemperatureScaling | None:
    """Temperatures per answer format, fitted on ``fitting`` and applied to ``rated``; None
    when log-probabilities are missing, or a format of ``rated`` has no fit item.

    One temperature per format, because yes/no and multiple-choice answers of one model can be
    miscalibrated in opposite directions: on the reference model a single temperature (2.1)
    made its well-calibrated multiple-choice answers under-confident while its over-confident
    yes/no answers needed far more (measured: test ECE 0.10 -> 0.14 with one temperature).
    """
    fit_rows = [s for s in fitting if s.value in ANSWERED and _meta(s).get("option_logprobs")]
    if not fit_rows or not rated or not all(_meta(s).get("option_logprobs") for s in rated):
        return None
    kinds = sorted({str(_meta(s).get("question_type")) for s in rated})
    fits: dict[str, TemperatureFit] = {}
    grid_fits: dict[str, TemperatureFit] = {}
    for kind in kinds:
        rows = [s for s in fit_rows if str(_meta(s).get("question_type")) == kind]
        if not rows:
            return None
        fits[kind] = fit_temperature(*_fit_arrays(rows))
        grid_fits[kind] = fit_temperature_grid(*_fit_arrays(rows))
    confidences = [
        _scaled_confidence(s, fits[str(_meta(s).get("question_type"))].temperature) for s in rated
    ]
    single_fit = fit_temperature(*_fit_arrays(fit_rows))
    return TemperatureScaling(
        fits=fits,
        grid_fits=grid_fits,
        confidences=confidences,
        single_fit=single_fit,
        single_confidences=[_scaled_confidence(s, single_fit.temperature) for s in rated],
    )


def _fit_arrays(rows: list[Score]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(_meta(s)["option_logprobs"]) for s in rows)
    logits = _padded([_option_logits(s) for s in rows], width)
    return logits, np.array([int(_meta(s)["label_index"]) for s in rows])


def _scaled_confidence(score: Score, temperature: float) -> float:
    probabilities = apply_temperature(np.array([_option_logits(score)]), temperature)
    return float(probabilities[0, int(_meta(score)["answer_index"])])


_ABSENT_OPTION = -1e4
"""Log-probability that pads a yes/no item's two options to the width of a four-option one:
even at the smallest temperature searched (0.01) it leaves no mass to the padding."""


def _padded(rows: list[list[float]], width: int) -> np.ndarray:
    return np.array([row + [_ABSENT_OPTION] * (width - len(row)) for row in rows])


def _option_logits(score: Score) -> list[float]:
    """The options' log-probabilities; an option that was not among the returned
    alternatives gets the lowest log-probability that was (an upper bound on its own)."""
    metadata = _meta(score)
    values: list[float | None] = metadata["option_logprobs"]
    floor = metadata.get("floor_logprob")
    if floor is None:
        floor = min(v for v in values if v is not None)
    return [float(floor) if v is None else float(v) for v in values]


def _meta(score: Score) -> dict[str, Any]:
    return score.metadata or {}


def calibration_artifacts(runs: list[Run]) -> list[CalibrationArtifact]:
    """An artifact for every calibration run that fitted temperatures, in run order."""
    artifacts = []
    for run in runs:
        fits = run.details.get("temperature_fit")
        if run.details.get("benchmark") != "calibration" or not fits:
            continue
        provenance = run.details.get("provenance", {})
        task_args = provenance.get("task_args", {})
        artifacts.append(
            CalibrationArtifact(
                model=run.model,
                temperatures={kind: float(fit["temperature"]) for kind, fit in fits.items()},
                fitted_on={
                    "dataset": run.details.get("dataset"),
                    "split": task_args.get("fit_split", "calib"),
                    "prompt": task_args.get("prompt", "paper"),
                    "items": {kind: fit["fit_items"] for kind, fit in fits.items()},
                },
                log=provenance.get("log"),
            )
        )
    return artifacts
