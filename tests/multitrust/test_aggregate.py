"""The ten sub-aspects and the overall score (compute_rank.py) on hand-computed examples, on
the published leaderboard, and their bootstrap intervals."""

from __future__ import annotations

import pytest

from mmtrust.benchmarks.multitrust.aggregate import (
    SUB_ASPECTS,
    TaskItems,
    bootstrap_intervals,
    overall_score,
    sub_aspect_score,
)
from mmtrust.benchmarks.multitrust.published import COLUMNS, PUBLISHED


@pytest.mark.parametrize("model", PUBLISHED)
def test_the_overall_score_of_every_published_row_is_the_published_overall(model: str) -> None:
    row = PUBLISHED[model]
    result = overall_score({key: row[key] for key in COLUMNS if key != "overall"})
    assert result.status == "complete"
    assert result.value is not None and round(result.value, 2) == row["overall"]


def test_privacy_awareness_weighs_its_three_tasks_four_three_three() -> None:
    result = sub_aspect_score("P.A", {"P.1": 100.0, "P.2": 50.0, "P.3": 0.0})
    assert result.value == pytest.approx(40.0 + 15.0)
    assert result.status == "complete"


def test_a_sub_aspect_with_a_missing_task_is_partial_and_renormalised() -> None:
    result = sub_aspect_score("P.A", {"P.1": 100.0, "P.3": 0.0})
    assert result.value == pytest.approx(100 * 0.4 / 0.7)
    assert result.status == "partial" and result.missing == ("P.2",)
    result = sub_aspect_score("T.M", {"T.5": 30.0, "T.6": 60.0, "T.7": 90.0}, partial=["T.7"])
    assert result.value == pytest.approx(60.0)
    assert result.status == "partial" and result.partial == ("T.7",)


def test_nothing_measured_is_not_a_zero() -> None:
    assert sub_aspect_score("S.J", {"T.1": 50.0}).value is None
    overall = overall_score({})
    assert overall.value is None and overall.status == "not_measured"
    assert len(overall.missing) == 10


def test_the_sub_aspects_cover_the_thirty_two_tasks_once() -> None:
    tasks = [task for weights in SUB_ASPECTS.values() for task in weights]
    assert len(tasks) == len(set(tasks)) == 32


def _run(task_id: str, group: str, right: int, n: int) -> TaskItems:
    return TaskItems(task_id, {group: {1.0: right, 0.0: n - right}})


def test_bootstrap_intervals_hold_the_estimate_and_narrow_with_more_items() -> None:
    small = bootstrap_intervals([_run("T.5", "g-text-misleading", 6, 10)], samples=400)
    large = bootstrap_intervals([_run("T.5", "g-text-misleading", 600, 1000)], samples=400)
    for intervals in (small, large):
        for key in ("T.5", "T.M", "overall"):
            interval = intervals[key]
            assert interval is not None and interval[0] <= 60.0 <= interval[1], key
    assert small["T.5"] is not None and large["T.5"] is not None
    assert large["T.5"][1] - large["T.5"][0] < (small["T.5"][1] - small["T.5"][0]) / 3
    # seeded: the same draws again
    again = bootstrap_intervals([_run("T.5", "g-text-misleading", 6, 10)], samples=400)
    assert again == small
    assert small["S.T"] is None  # nothing measured there


def test_a_task_whose_items_all_agree_has_a_point_interval() -> None:
    intervals = bootstrap_intervals([_run("R.5", "adv-target", 0, 20)], samples=200)
    assert intervals["R.5"] == (100.0, 100.0)  # no attack succeeded: 1 - 0
