"""MUB metrics against hand-computed values."""

from __future__ import annotations

import pytest

from mmtrust.metrics.misleading import (
    MisleadingOutcome,
    accuracy,
    any_note_outcome,
    coverage,
    misleading_rate_f2t,
    misleading_rate_t2f,
    summarise_by,
    under_convention,
)
from mmtrust.metrics.proportion import Proportion, wilson_interval


def _o(stage1: str, stage2: str, difficulty: str = "low") -> MisleadingOutcome:
    return MisleadingOutcome(stage1, stage2, (("difficulty", difficulty),))  # type: ignore[arg-type]


OUTCOMES = [
    _o("correct", "wrong"),  # misled
    _o("correct", "wrong"),  # misled
    _o("correct", "correct"),  # held
    _o("correct", "unparseable"),  # excluded from MR(T->F)
    _o("wrong", "correct", "high"),  # corrected
    _o("wrong", "wrong", "high"),
    _o("unparseable", "skipped", "high"),  # excluded from accuracy
    _o("model_error", "skipped", "high"),  # excluded everywhere
    _o("input_error", "skipped", "high"),  # excluded everywhere
]


def test_accuracy_counts_answered_items_only() -> None:
    # 4 correct of 6 answered (the unparseable, model error and input error are excluded)
    assert accuracy(OUTCOMES) == Proportion(4, 6)


def test_coverage_is_answered_over_askable() -> None:
    # askable: everything but model/input errors = 7; answered = 6
    assert coverage(OUTCOMES) == Proportion(6, 7)


def test_misleading_rates() -> None:
    # T->F: correct stage 1 with an answered stage 2: 3 items, 2 misled
    assert misleading_rate_t2f(OUTCOMES) == Proportion(2, 3)
    # F->T: wrong stage 1 with an answered stage 2: 2 items, 1 corrected
    assert misleading_rate_f2t(OUTCOMES) == Proportion(1, 2)


def test_rates_over_nothing_are_undefined_not_zero() -> None:
    only_errors = [_o("model_error", "skipped")]
    assert misleading_rate_t2f(only_errors).value is None
    assert accuracy(only_errors).value is None
    assert accuracy(only_errors).interval is None


def test_strata() -> None:
    by_difficulty = summarise_by(OUTCOMES, "difficulty")
    assert by_difficulty["low"].misleading_rate_t2f == Proportion(2, 3)
    assert by_difficulty["high"].accuracy == Proportion(0, 2)
    assert by_difficulty["high"].counts["stage1.model_error"] == 1


def test_wilson_interval_hand_computed() -> None:
    # p = 0.5, n = 10: centre 0.5, half-width 1.96*sqrt(0.025+0.0096)/1.384 = 0.2366...
    low, high = wilson_interval(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-3)
    assert high == pytest.approx(0.7634, abs=1e-3)
    assert wilson_interval(0, 20)[0] == 0.0
    assert wilson_interval(20, 20)[1] == 1.0
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


@pytest.mark.parametrize(
    ("stage1", "notes", "expected"),
    [
        ("correct", ["correct", "wrong", "correct"], "wrong"),  # any note misleads
        ("correct", ["correct", "correct"], "correct"),
        ("wrong", ["wrong", "correct"], "correct"),  # any note corrects
        ("wrong", ["wrong", "unparseable"], "wrong"),
        ("correct", ["unparseable", "model_error"], "unparseable"),
        ("correct", ["model_error", "model_error"], "model_error"),
        ("correct", [], "skipped"),
    ],
)
def test_any_note_rule(stage1: str, notes: list[str], expected: str) -> None:
    assert any_note_outcome(stage1, notes) == expected  # type: ignore[arg-type]


def test_a_proportion_records_value_interval_and_count_under_one_name() -> None:
    fields = Proportion(3, 4).fields("rate")
    assert fields["rate"] == 0.75 and fields["rate_count"] == [3, 4]
    low, high = fields["rate_ci95"]
    assert low < 0.75 < high
    assert Proportion(0, 0).fields("rate") == {
        "rate": None,
        "rate_ci95": None,
        "rate_count": [0, 0],
    }


def test_the_papers_convention_counts_unparseable_replies_wrong() -> None:
    paper = [
        MisleadingOutcome(
            under_convention(o.stage1, "paper"), under_convention(o.stage2, "paper"), o.strata
        )
        for o in OUTCOMES
    ]
    # the unparseable clean reply joins the wrong ones: 4 correct of 7
    assert accuracy(paper) == Proportion(4, 7)
    # the unparseable stage-2 reply after a correct stage 1 is now misled: 3 of 4
    assert misleading_rate_t2f(paper) == Proportion(3, 4)
    # the item whose clean reply was unparseable was never asked again: still 1 of 2
    assert misleading_rate_f2t(paper) == Proportion(1, 2)
    # model errors and bad inputs are not replies: excluded under both conventions
    assert coverage(paper) == Proportion(7, 7)
    assert under_convention("model_error", "paper") == "model_error"
    assert under_convention("input_error", "paper") == "input_error"
    assert under_convention("unparseable", "default") == "unparseable"
