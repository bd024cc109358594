"""Temperature scaling: hand-computed likelihoods, and recovery of a known temperature."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import FrozenInstanceError

import numpy as np
import numpy.typing as npt
import pytest

from mmtrust.benchmarks.calibration.temperature import (
    GRID_TEMPERATURES,
    TemperatureFit,
    apply_temperature,
    confidence_and_prediction,
    fit_temperature,
    fit_temperature_grid,
    option_nll,
)
from mmtrust.metrics.calibration import expected_calibration_error

TRUE_TEMPERATURE = 3.0


def test_option_nll_by_hand() -> None:
    # Two equal options: p = 1/2 at any temperature -> ln 2
    assert option_nll([[0.0, 0.0]], [0], 1.0) == pytest.approx(math.log(2))
    # Scores (ln 3, 0): p(option 0) = 3 / (3 + 1) = 3/4 -> -ln(3/4)
    assert option_nll([[math.log(3), 0.0]], [0], 1.0) == pytest.approx(-math.log(0.75))
    # At T = 2 the scores halve to (ln 3 / 2, 0) = (ln sqrt 3, 0): p = sqrt3 / (sqrt3 + 1)
    root3 = math.sqrt(3)
    assert option_nll([[math.log(3), 0.0]], [0], 2.0) == pytest.approx(
        -math.log(root3 / (root3 + 1))
    )
    # Mean over items: (-ln(3/4) - ln(1/4)) / 2
    assert option_nll([[math.log(3), 0.0], [math.log(3), 0.0]], [0, 1], 1.0) == pytest.approx(
        (-math.log(0.75) - math.log(0.25)) / 2
    )


def test_option_nll_is_stable_for_huge_scores() -> None:
    # p(option 1) = e^0 / (e^1000 + e^0) ~ e^-1000 -> NLL ~ 1000, without overflow
    assert option_nll([[1000.0, 0.0]], [1], 1.0) == pytest.approx(1000.0)
    assert option_nll([[1000.0, 0.0]], [0], 1.0) == pytest.approx(0.0, abs=1e-12)


def test_option_nll_ignores_a_per_row_shift() -> None:
    logits = np.array([[0.1, -2.0, 1.3], [0.4, 0.0, -0.7]])
    shifted = logits + np.array([[-50.0], [7.5]])
    assert option_nll(shifted, [2, 0], 1.7) == pytest.approx(option_nll(logits, [2, 0], 1.7))


def test_apply_temperature_and_confidence() -> None:
    logits = np.array([[math.log(3), 0.0], [0.0, math.log(4)]])
    probabilities = apply_temperature(logits, 1.0)
    np.testing.assert_allclose(probabilities, [[0.75, 0.25], [0.2, 0.8]])
    # A higher temperature softens every row but keeps each argmax
    softer = apply_temperature(logits, 5.0)
    np.testing.assert_allclose(softer.sum(axis=1), [1.0, 1.0])
    confidence, prediction = confidence_and_prediction(softer)
    assert prediction.tolist() == [0, 1]
    assert np.all(confidence < probabilities.max(axis=1))
    assert np.all(confidence > 0.5)


def test_confidence_and_prediction_by_hand() -> None:
    confidence, prediction = confidence_and_prediction([[0.2, 0.5, 0.3], [0.6, 0.4, 0.0]])
    np.testing.assert_allclose(confidence, [0.5, 0.6])
    assert prediction.tolist() == [1, 0]
    # First option on ties
    assert confidence_and_prediction([[0.5, 0.5]])[1].tolist() == [0]


def test_grid_fit_picks_the_first_minimum_on_ties() -> None:
    # Identical scores: NLL is ln K at every T, so the first grid value wins.
    fit = fit_temperature_grid(np.zeros((3, 4)), [0, 1, 2])
    assert fit.temperature == pytest.approx(0.01)
    assert fit.nll_after == pytest.approx(math.log(4))


def test_grid_is_the_reference_grid() -> None:
    assert len(GRID_TEMPERATURES) == 999
    assert GRID_TEMPERATURES[0] == pytest.approx(0.01)
    assert GRID_TEMPERATURES[-1] == pytest.approx(9.99)
    np.testing.assert_allclose(np.diff(GRID_TEMPERATURES), 0.01)


def test_grid_fit_matches_a_plain_loop() -> None:
    rng = np.random.default_rng(3)
    logits = rng.normal(0.0, 4.0, size=(20, 3))
    labels = rng.integers(0, 3, size=20)
    nll_per_t = [option_nll(logits, labels, float(t)) for t in GRID_TEMPERATURES]
    fit = fit_temperature_grid(logits, labels)
    assert fit.temperature == pytest.approx(float(GRID_TEMPERATURES[int(np.argmin(nll_per_t))]))
    assert fit.nll_after == pytest.approx(min(nll_per_t))
    assert fit.nll_before == pytest.approx(option_nll(logits, labels, 1.0))
    assert (fit.method, fit.n) == ("grid", 20)


def test_optimiser_reaches_the_bracket_end_when_sharper_is_always_better() -> None:
    # Every item's top option is right by a wide margin: NLL keeps falling as T shrinks.
    logits = np.array([[5.0, 0.0, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 5.0]])
    fit = fit_temperature(logits, [0, 1, 2])
    assert fit.temperature == pytest.approx(0.01, rel=1e-3)
    assert (fit.method, fit.n) == ("optimiser", 3)


def _over_confident_model(
    seed: int = 0, n: int = 5000, options: int = 4
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Logits z * 3 of a model whose true, calibrated logits are z, with labels drawn from
    softmax(z): the temperature that recalibrates it is 3."""
    rng = np.random.default_rng(seed)
    true_logits = rng.normal(size=(n, options))
    true_probabilities = apply_temperature(true_logits, 1.0)
    cumulative = np.cumsum(true_probabilities, axis=1)
    labels = np.minimum((rng.random(n)[:, None] > cumulative).sum(axis=1), options - 1)
    return true_logits * TRUE_TEMPERATURE, labels.astype(np.int64)


def _ece_at(
    logits: npt.NDArray[np.float64], labels: npt.NDArray[np.int64], temperature: float
) -> float:
    confidence, prediction = confidence_and_prediction(apply_temperature(logits, temperature))
    return expected_calibration_error(confidence, prediction == labels)


def test_both_fitters_recover_a_known_temperature() -> None:
    logits, labels = _over_confident_model()
    grid = fit_temperature_grid(logits, labels)
    optimiser = fit_temperature(logits, labels)
    assert grid.temperature == pytest.approx(TRUE_TEMPERATURE, abs=0.15)
    assert optimiser.temperature == pytest.approx(TRUE_TEMPERATURE, abs=0.15)
    assert grid.temperature == pytest.approx(optimiser.temperature, abs=0.02)
    for fit in (grid, optimiser):
        assert fit.n == 5000
        assert fit.nll_after <= fit.nll_before
        assert fit.nll_after == pytest.approx(option_nll(logits, labels, fit.temperature))
    # The continuous optimum is at least as good as the best grid point.
    assert optimiser.nll_after <= grid.nll_after + 1e-12
    assert _ece_at(logits, labels, optimiser.temperature) < _ece_at(logits, labels, 1.0)
    assert _ece_at(logits, labels, grid.temperature) < _ece_at(logits, labels, 1.0)


def test_temperature_fit_is_frozen() -> None:
    fit = TemperatureFit(1.0, 0.5, 0.4, "grid", 10)
    with pytest.raises(FrozenInstanceError):
        fit.temperature = 2.0  # type: ignore[misc]


@pytest.mark.parametrize("fitter", [fit_temperature, fit_temperature_grid])
def test_fitters_validate_their_input(fitter: Callable[..., TemperatureFit]) -> None:
    with pytest.raises(ValueError, match=r"labels must have shape \(2,\)"):
        fitter(np.zeros((2, 3)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\]"):
        fitter(np.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\]"):
        fitter(np.zeros((2, 3)), [-1, 0])
    with pytest.raises(ValueError, match="no items"):
        fitter(np.zeros((0, 3)), np.zeros(0, dtype=np.int64))
    with pytest.raises(ValueError, match="no options"):
        fitter(np.zeros((2, 0)), [0, 0])
    with pytest.raises(ValueError, match="finite"):
        fitter(np.array([[0.0, np.nan], [0.0, 1.0]]), [0, 1])
    with pytest.raises(ValueError, match="finite"):
        fitter(np.array([[0.0, np.inf], [0.0, 1.0]]), [0, 1])
    with pytest.raises(ValueError, match=r"shape \(N, K\)"):
        fitter(np.zeros(3), [0, 1, 2])
    with pytest.raises(ValueError, match="integer option indices"):
        fitter(np.zeros((2, 3)), [0.0, 1.0])


@pytest.mark.parametrize("temperature", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_temperature_is_an_error(temperature: float) -> None:
    with pytest.raises(ValueError, match="temperature must be"):
        option_nll([[0.0, 1.0]], [0], temperature)
    with pytest.raises(ValueError, match="temperature must be"):
        apply_temperature([[0.0, 1.0]], temperature)


def test_probabilities_outside_unit_interval_are_an_error() -> None:
    with pytest.raises(ValueError, match="probabilities must lie in"):
        confidence_and_prediction([[1.5, -0.5]])
    with pytest.raises(ValueError, match=r"probabilities must have shape \(N, K\)"):
        confidence_and_prediction([0.5, 0.5])
