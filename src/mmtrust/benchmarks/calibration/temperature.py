"""Temperature scaling: one scalar T that divides a model's option scores before the softmax.

A model that is right 60% of the time but says 95% is over-confident; dividing its logits by a
T > 1 softens every distribution without changing any argmax, so accuracy is untouched and only
confidence moves. T is fitted on held-out items by minimising the mean negative log-likelihood
of the true option.

Two fitters return the same ``TemperatureFit``: ``fit_temperature_grid`` reproduces the
reference implementation's grid search over T = 0.01 ... 9.99 (use it to match published
numbers), and ``fit_temperature`` finds the continuous optimum over [0.01, 100] far faster.

Inputs are ``logits`` of shape (N, K), one score per answer option per item (log-probabilities
of the options work too: the softmax is shift-invariant per row), and ``labels`` of shape (N,),
the index of each item's true option.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

GRID_TEMPERATURES: FloatArray = np.arange(1, 1000, dtype=np.float64) / 100.0
"""The reference grid, T = 0.01, 0.02, ..., 9.99 (999 values)."""

SEARCH_LOW_TEMPERATURE = 0.01
SEARCH_HIGH_TEMPERATURE = 100.0
SEARCH_TOLERANCE_LOG_T = 1e-6

# Bounds the (temperatures x N x K) block the grid search evaluates at once, so memory stays
# small (about 32 MB of float64) however large the calibration set.
_GRID_BLOCK_ELEMENTS = 1 << 22

_INVERSE_GOLDEN_RATIO = (math.sqrt(5.0) - 1.0) / 2.0


@dataclass(frozen=True)
class TemperatureFit:
    """A fitted temperature, with the mean NLL of the true option before (T = 1) and after."""

    temperature: float
    nll_before: float
    nll_after: float
    method: Literal["grid", "optimiser"]
    n: int


def _validated_scores(scores: npt.ArrayLike, name: str = "logits") -> FloatArray:
    array = np.asarray(scores, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (N, K); got shape {array.shape}.")
    if array.shape[0] == 0:
        raise ValueError(f"{name} hold no items (N = 0); at least one is needed.")
    if array.shape[1] == 0:
        raise ValueError(f"{name} hold no options (K = 0); each item needs at least one.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite; got NaN or infinity.")
    return array


def _validated_labels(labels: npt.ArrayLike, logits: FloatArray) -> IntArray:
    array = np.asarray(labels)
    n_items, n_options = logits.shape
    if array.ndim != 1 or len(array) != n_items:
        raise ValueError(
            f"labels must have shape ({n_items},) to match logits {logits.shape}; "
            f"got shape {array.shape}."
        )
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"labels must be integer option indices; got dtype {array.dtype}.")
    if np.any(array < 0) or np.any(array >= n_options):
        raise ValueError(
            f"labels must lie in [0, {n_options - 1}] (K = {n_options} options); "
            f"got values in [{array.min()}, {array.max()}]."
        )
    return array.astype(np.int64)


def _validated_temperature(temperature: float) -> float:
    if not math.isfinite(temperature):
        raise ValueError(f"temperature must be a finite number; got {temperature!r}.")
    if temperature <= 0:
        raise ValueError(f"temperature must be positive; got {temperature!r}.")
    return float(temperature)


def _log_softmax(scaled: FloatArray) -> FloatArray:
    """Log-softmax over the last axis, shifted by the row maximum so exp never overflows."""
    shifted: FloatArray = scaled - np.max(scaled, axis=-1, keepdims=True)
    log_probabilities: FloatArray = shifted - np.log(
        np.sum(np.exp(shifted), axis=-1, keepdims=True)
    )
    return log_probabilities


def _mean_nll(logits: FloatArray, labels: IntArray, temperature: float) -> float:
    log_probabilities = _log_softmax(logits / temperature)
    return float(-np.mean(log_probabilities[np.arange(len(labels)), labels]))


def _mean_nll_per_temperature(
    logits: FloatArray, labels: IntArray, temperatures: FloatArray
) -> FloatArray:
    n_items, n_options = logits.shape
    label_logits = logits[np.arange(n_items), labels]
    block = max(1, _GRID_BLOCK_ELEMENTS // (n_items * n_options))
    nll = np.empty(len(temperatures), dtype=np.float64)
    for start in range(0, len(temperatures), block):
        inverse_t = 1.0 / temperatures[start : start + block, None, None]
        scaled = logits[None, :, :] * inverse_t
        row_max = np.max(scaled, axis=-1)
        log_normaliser = row_max + np.log(np.sum(np.exp(scaled - row_max[..., None]), axis=-1))
        nll[start : start + block] = np.mean(
            log_normaliser - label_logits[None, :] * inverse_t[:, :, 0], axis=1
        )
    return nll


def option_nll(logits: npt.ArrayLike, labels: npt.ArrayLike, temperature: float) -> float:
    """Mean negative log-likelihood of the true option under softmax(logits / temperature)."""
    scores = _validated_scores(logits)
    return _mean_nll(scores, _validated_labels(labels, scores), _validated_temperature(temperature))


def fit_temperature_grid(logits: npt.ArrayLike, labels: npt.ArrayLike) -> TemperatureFit:
    """The reference implementation's fit: the T in 0.01, 0.02, ..., 9.99 with the lowest mean
    NLL, the smallest such T on ties. A true optimum above 9.99 is reported as 9.99."""
    scores = _validated_scores(logits)
    targets = _validated_labels(labels, scores)
    nll = _mean_nll_per_temperature(scores, targets, GRID_TEMPERATURES)
    best = int(np.argmin(nll))
    return TemperatureFit(
        temperature=float(GRID_TEMPERATURES[best]),
        nll_before=_mean_nll(scores, targets, 1.0),
        nll_after=float(nll[best]),
        method="grid",
        n=len(targets),
    )


def fit_temperature(logits: npt.ArrayLike, labels: npt.ArrayLike) -> TemperatureFit:
    """The NLL-minimising T in [0.01, 100], to within 1e-6 in log T, by golden-section search.

    Golden-section search needs only that the objective be unimodal on the bracket. Here it is:
    the mean NLL is convex in the inverse temperature 1/T (a log-sum-exp of functions linear in
    1/T, minus a linear term), and log T is a monotone reparametrisation of 1/T, so the NLL has a
    single valley in log T (possibly at an end of the bracket, which the search then approaches).
    """
    scores = _validated_scores(logits)
    targets = _validated_labels(labels, scores)

    def nll_at(log_t: float) -> float:
        return _mean_nll(scores, targets, math.exp(log_t))

    low, high = math.log(SEARCH_LOW_TEMPERATURE), math.log(SEARCH_HIGH_TEMPERATURE)
    inner_low = high - _INVERSE_GOLDEN_RATIO * (high - low)
    inner_high = low + _INVERSE_GOLDEN_RATIO * (high - low)
    nll_inner_low, nll_inner_high = nll_at(inner_low), nll_at(inner_high)
    while high - low > SEARCH_TOLERANCE_LOG_T:
        if nll_inner_low <= nll_inner_high:
            high, inner_high, nll_inner_high = inner_high, inner_low, nll_inner_low
            inner_low = high - _INVERSE_GOLDEN_RATIO * (high - low)
            nll_inner_low = nll_at(inner_low)
        else:
            low, inner_low, nll_inner_low = inner_low, inner_high, nll_inner_high
            inner_high = low + _INVERSE_GOLDEN_RATIO * (high - low)
            nll_inner_high = nll_at(inner_high)
    temperature = math.exp((low + high) / 2.0)
    return TemperatureFit(
        temperature=temperature,
        nll_before=_mean_nll(scores, targets, 1.0),
        nll_after=_mean_nll(scores, targets, temperature),
        method="optimiser",
        n=len(targets),
    )


def apply_temperature(logits: npt.ArrayLike, temperature: float) -> FloatArray:
    """softmax(logits / temperature) per row: the recalibrated option probabilities, (N, K)."""
    scores = _validated_scores(logits)
    probabilities: FloatArray = np.exp(_log_softmax(scores / _validated_temperature(temperature)))
    return probabilities


def confidence_and_prediction(probabilities: npt.ArrayLike) -> tuple[FloatArray, IntArray]:
    """Per item, the probability of the most likely option (the model's confidence) and that
    option's index (its answer; the first one on ties)."""
    array = _validated_scores(probabilities, "probabilities")
    if np.any(array < 0.0) or np.any(array > 1.0):
        raise ValueError("probabilities must lie in [0, 1].")
    prediction = np.argmax(array, axis=1).astype(np.int64)
    return array[np.arange(len(array)), prediction], prediction
