"""Pearson's r and the chi-square independence test on hand-computed cases.

The chi-square p-values have closed forms: with 1 degree of freedom p = erfc(sqrt(chi2 / 2)),
with 2 degrees of freedom p = exp(-chi2 / 2).
"""

from __future__ import annotations

import math
import random

import pytest
from scipy.stats import chi2_contingency, pearsonr

from mmtrust.metrics.association import contingency_table, independence_p_value, pearson


def _sample(table: dict[str, tuple[int, int]]) -> tuple[list[bool], list[str]]:
    """Outcomes and groups from {group: (yes, no)} counts."""
    outcomes: list[bool] = []
    groups: list[str] = []
    for group, (yes, no) in table.items():
        outcomes += [True] * yes + [False] * no
        groups += [group] * (yes + no)
    return outcomes, groups


def test_pearson_known_series() -> None:
    # dx = -2..2, dy = -2, 0, 1, 0, 1: sxy = 6, sxx = 10, syy = 6, r = 6 / sqrt(60)
    assert pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]) == pytest.approx(6 / math.sqrt(60))
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    # P.3's scale against the human labels: exact agreement, and a flipped sign
    scale = [-100.0, -50.0, 0.0, 50.0, 100.0]
    assert pearson(scale, [-90.5, -40.0, 3.0, 60.0, 95.0]) == pytest.approx(
        pearsonr(scale, [-90.5, -40.0, 3.0, 60.0, 95.0])[0]
    )
    assert pearson(scale, [-v for v in scale]) == pytest.approx(-1.0)
    # order-free, and -1 <= r <= 1 however the float sums round
    assert pearson([0.1] * 3 + [0.2], [0.3, 0.3, 0.3, 0.7]) == pytest.approx(1.0)


def test_pearson_matches_scipy_on_random_series() -> None:
    rng = random.Random(7)
    for _ in range(20):
        n = rng.randint(3, 40)
        xs = [rng.choice([-100, -50, 0, 50, 100]) for _ in range(n)]
        ys = [rng.uniform(-100, 100) for _ in range(n)]
        if len(set(xs)) > 1:
            assert pearson(xs, ys) == pytest.approx(pearsonr(xs, ys)[0], abs=1e-12)


def test_pearson_undefined_and_invalid() -> None:
    assert pearson([], []) is None
    assert pearson([1.0], [2.0]) is None
    assert pearson([50, 50, 50], [1, 2, 3]) is None  # a model that always says 50
    assert pearson([1, 2, 3], [0.1, 0.1, 0.1]) is None
    with pytest.raises(ValueError, match="paired"):
        pearson([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="finite"):
        pearson([1, math.nan, 3], [1, 2, 3])


def test_chi_square_2x2_with_and_without_yates() -> None:
    # a: 10 yes / 20 no, b: 20 yes / 10 no; every expected count 15
    outcomes, groups = _sample({"a": (10, 20), "b": (20, 10)})
    assert contingency_table(outcomes, groups) == [[10, 20], [20, 10]]
    # Pearson: 4 * 5^2 / 15 = 20/3; Yates: 4 * 4.5^2 / 15 = 5.4
    plain = math.erfc(math.sqrt(20 / 3 / 2))
    yates = math.erfc(math.sqrt(5.4 / 2))
    assert plain == pytest.approx(0.009823, abs=1e-6)
    assert yates == pytest.approx(0.020137, abs=1e-6)
    # the toolbox's default (chi2_contingency's correction=True) is Yates' on a 2 x 2 table
    assert independence_p_value(outcomes, groups) == pytest.approx(yates)
    assert independence_p_value(outcomes, groups, correction=False) == pytest.approx(plain)
    assert chi2_contingency([[10, 20], [20, 10]]).pvalue == pytest.approx(yates)


def test_chi_square_textbook_2x2() -> None:
    # 12 / 5 vs 7 / 7 (N = 31): expected 17*19/31, 17*12/31, 14*19/31, 14*12/31; every cell
    # is off by d = 12 - 17*19/31 = 1.5806, so chi2 = d^2 * sum(1/E) = 1.3716, Yates' 0.6411
    expected = [17 * 19 / 31, 17 * 12 / 31, 14 * 19 / 31, 14 * 12 / 31]
    d = 12 - expected[0]
    plain = d**2 * sum(1 / e for e in expected)
    yates = (d - 0.5) ** 2 * sum(1 / e for e in expected)
    assert plain == pytest.approx(1.3716, abs=1e-4)
    assert yates == pytest.approx(0.6411, abs=1e-4)
    outcomes, groups = _sample({"f": (12, 5), "m": (7, 7)})
    assert independence_p_value(outcomes, groups, correction=False) == pytest.approx(
        math.erfc(math.sqrt(plain / 2))
    )
    assert independence_p_value(outcomes, groups) == pytest.approx(math.erfc(math.sqrt(yates / 2)))


def test_chi_square_3_groups_has_no_yates() -> None:
    # young 5/15, middle 10/10, older 15/5: expected 10 each, chi2 = 4 * 25 / 10 = 10, 2 dof
    outcomes, groups = _sample({"young": (5, 15), "middle": (10, 10), "older": (15, 5)})
    assert independence_p_value(outcomes, groups) == pytest.approx(math.exp(-5))
    assert independence_p_value(outcomes, groups, correction=False) == pytest.approx(math.exp(-5))
    # 10/20, 20/10, 15/15: chi2 = 20/3, p = exp(-10/3) = 0.0357 (< 0.05: a dependence)
    outcomes, groups = _sample({"1_3": (10, 20), "4_6": (20, 10), "7_10": (15, 15)})
    assert independence_p_value(outcomes, groups) == pytest.approx(math.exp(-10 / 3))
    # no association at all: p = 1
    outcomes, groups = _sample({"a": (4, 6), "b": (2, 3), "c": (8, 12)})
    assert independence_p_value(outcomes, groups) == pytest.approx(1.0)


def test_chi_square_degenerate_tables() -> None:
    one_group = _sample({"masc": (3, 4)})
    all_yes = _sample({"masc": (3, 0), "fem": (5, 0)})
    # what the toolbox's crosstab hands scipy there: 0 degrees of freedom, p = 1.0
    assert contingency_table(*one_group) == [[3, 4]]
    assert contingency_table(*all_yes) == [[5], [3]]  # groups sorted: fem, masc
    assert chi2_contingency([[3, 4]]).pvalue == 1.0
    assert chi2_contingency([[5], [3]]).pvalue == 1.0
    for outcomes, groups in (one_group, all_yes):
        assert independence_p_value(outcomes, groups) is None
        assert independence_p_value(outcomes, groups, degenerate="toolbox") == 1.0
    assert independence_p_value([], []) is None
    assert independence_p_value([], [], degenerate="toolbox") is None
    with pytest.raises(ValueError, match="Each outcome needs its group"):
        independence_p_value([True], [])
