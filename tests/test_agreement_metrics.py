"""Agreement between a judge and people: hand-computed precision, recall, F1 and kappa."""

from __future__ import annotations

import pytest

from mmtrust.metrics.agreement import Confusion, agreement_summary, bootstrap_intervals

# 10 items: people say refusal for the first 4; the judge flags items 0, 1, 2 and 5.
PEOPLE = [True, True, True, True, False, False, False, False, False, False]
JUDGE = [True, True, True, False, False, True, False, False, False, False]


def test_confusion_counts_and_scores_by_hand() -> None:
    c = Confusion.of(PEOPLE, JUDGE)
    assert (c.true_positives, c.false_positives, c.false_negatives, c.true_negatives) == (
        3,
        1,
        1,
        5,
    )
    assert c.precision.value == pytest.approx(3 / 4)
    assert c.recall.value == pytest.approx(3 / 4)
    assert c.f1 == pytest.approx(0.75)
    # observed 0.8; chance 0.4*0.4 + 0.6*0.6 = 0.52; kappa (0.8-0.52)/(1-0.52)
    assert c.kappa == pytest.approx(0.28 / 0.48)
    assert c.people_rate.value == 0.4 and c.judge_rate.value == 0.4


def test_degenerate_cases_are_undefined_not_zero() -> None:
    nothing = Confusion.of([False, False], [False, False])
    assert nothing.f1 is None
    assert nothing.precision.value is None and nothing.recall.value is None
    assert nothing.kappa is None  # both always say no: chance agreement is 1
    assert Confusion.of([], []).kappa is None
    with pytest.raises(ValueError, match="2 labels but 1 verdicts"):
        Confusion.of([True, False], [True])


def test_intervals_contain_the_estimate_and_are_seeded() -> None:
    summary = agreement_summary(PEOPLE * 10, JUDGE * 10, seed=3)
    low, high = summary["f1_ci95"]
    assert low < summary["f1"] < high
    low, high = summary["kappa_ci95"]
    assert low < summary["kappa"] < high
    assert bootstrap_intervals(PEOPLE, JUDGE, 1) == bootstrap_intervals(PEOPLE, JUDGE, 1)
    assert summary["precision_count"] == [30, 40]
    assert bootstrap_intervals([], []) == {"f1": None, "kappa": None}
