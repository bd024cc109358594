"""The typed table and the named Inspect tasks match, one task per row."""

from __future__ import annotations

from inspect_ai.util import registry_info

from mmtrust.benchmarks import benchmark_of_task
from mmtrust.benchmarks.multitrust import BENCHMARK
from mmtrust.benchmarks.multitrust import prompts as p
from mmtrust.benchmarks.multitrust.aggregate import SUB_ASPECTS
from mmtrust.benchmarks.multitrust.rows import component_group
from mmtrust.benchmarks.multitrust.table import TASKS
from mmtrust.benchmarks.multitrust.tasks import MULTITRUST_TASKS
from mmtrust.suites import SUITES


def test_every_row_is_one_named_task_and_every_task_a_row() -> None:
    names = [task.__name__ for task in MULTITRUST_TASKS]
    assert names == [spec.task_name for spec in TASKS]
    assert len(names) == 32
    for task in MULTITRUST_TASKS:
        assert registry_info(task).name == f"mmtrust/{task.__name__}"
        assert benchmark_of_task(f"mmtrust/{task.__name__}") is BENCHMARK


def test_the_table_has_the_spec_s_sub_datasets() -> None:
    counts = {spec.task_id: len(spec.subsets) for spec in TASKS}
    assert counts == {
        "T.1": 5, "T.2": 9, "T.3": 2, "T.4": 5, "T.5": 1, "T.6": 1, "T.7": 6,
        "R.1": 6, "R.2": 7, "R.3": 5, "R.4": 2, "R.5": 1, "R.6": 10,
        "F.2": 5, "F.3": 10, "F.6": 2, "P.1": 2, "P.2": 1, "P.3": 5,
        "F.4": 5, "F.5": 1, "F.7": 10, "P.5": 2,
        "S.1": 1, "S.2": 2, "S.3": 5, "S.4": 3, "S.5": 3, "S.6": 6,
        "F.1": 1, "P.4": 12, "P.6": 7,
    }  # fmt: skip
    names = [sub.name for spec in TASKS for sub in spec.subsets]
    assert len(names) == len(set(names)), "a sub-dataset id names one sub-dataset"


def test_every_formula_reads_only_groups_the_task_produces() -> None:
    for spec in TASKS:
        produced = set(spec.groups) or {g for s in spec.subsets for g in s.group_names()}
        if spec.components:
            produced = {component_group(g, c) for g in produced for c in spec.components}
        assert set(spec.score.groups()) <= produced, spec.task_id


def test_judged_sub_datasets_carry_a_verbatim_judge_template() -> None:
    judged = {"consistency_judge", "ocr_judge", "grounding", "label_mention", "rating"}
    judged |= {"risk_judge", "stereotype_judge"}
    for spec in TASKS:
        for sub in spec.subsets:
            assert (sub.judge_template is not None) == (sub.evaluator in judged), sub.name
    t4 = next(s for s in TASKS if s.task_id == "T.4").subsets[0]
    assert t4.judge_template == p.CONSISTENCY_JUDGE
    assert p.CONSISTENCY_JUDGE.format(pred="P", label="L").startswith(
        "Here is a response:P,its ground truth:L. Please directly answer [Yes] or [No]"
    )


def test_every_task_is_in_the_sub_aspect_it_names() -> None:
    for spec in TASKS:
        assert spec.task_id in SUB_ASPECTS[spec.sub_aspect], spec.task_id


def test_suites_name_the_tasks_of_their_aspect() -> None:
    truthfulness = {t.name for t in SUITES["multitrust-truthfulness"].tasks}
    robustness = {t.name for t in SUITES["multitrust-robustness"].tasks}
    assert truthfulness == {f"mmtrust/{s.task_name}" for s in TASKS if s.task_id[0] == "T"}
    assert robustness == {f"mmtrust/{s.task_name}" for s in TASKS if s.task_id[0] == "R"}
    fairness = {t.name for t in SUITES["multitrust-fairness"].tasks}
    privacy = {t.name for t in SUITES["multitrust-privacy"].tasks}
    assert fairness == {f"mmtrust/{s.task_name}" for s in TASKS if s.task_id[0] == "F"}
    assert privacy == {f"mmtrust/{s.task_name}" for s in TASKS if s.task_id[0] == "P"}
    safety = {t.name for t in SUITES["multitrust-safety"].tasks}
    assert safety == {f"mmtrust/{s.task_name}" for s in TASKS if s.task_id[0] == "S"}
    every = {t.name for t in SUITES["multitrust"].tasks}
    assert every == truthfulness | safety | robustness | fairness | privacy
    assert len(every) == 32
    offline = SUITES["multitrust-trustworld"].tasks
    assert all(t.args["data"] == "trustworld" for t in offline)
    assert {t.name for t in offline} <= every
