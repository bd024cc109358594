"""MM-R3 consistency tasks: item groups, bookkeeping on a model with known replies
(tests/consistency/replies.py has the rules, tests/reply_rules.py says why), and the three tasks
end to end on the reference model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset
from PIL import Image

from mmtrust.benchmarks.consistency.groups import (
    MASK_QUESTION,
    masking_groups,
    rephrasing_groups,
    restyling_groups,
)
from mmtrust.benchmarks.consistency.mmr3 import load_mmr3
from mmtrust.benchmarks.consistency.tasks import (
    MMR3_TEMPLATE,
    consistency_masking,
    consistency_rephrasing,
    consistency_restyling,
)
from mmtrust.datasets.images import image_to_data_uri
from mmtrust.datasets.schema import ItemMetadata, make_sample
from mmtrust.perturb.restyle import COLOUR_FREE_FAMILIES
from mmtrust.report.html import render_report
from mmtrust.report.results import runs_from_log
from mmtrust.report.runs import Run
from tests.consistency.replies import GENERATOR_ERROR, consistency_reply, rephraser_reply
from tests.reply_rules import ReplyRules


def _meta(sample_metadata: dict[str, object] | None) -> ItemMetadata:
    return ItemMetadata.model_validate(sample_metadata)


def test_groups_hold_their_variants_and_the_truth_stays_the_truth() -> None:
    rephrased = [_meta(s.metadata) for s in rephrasing_groups("test", 6, variants=3)]
    for item in rephrased:
        questions = [v["question"] for v in item.extra["variants"]]
        assert questions[0] == item.question and len(set(questions)) == 4
    styled = [_meta(s.metadata) for s in restyling_groups("test", 12, ("grayscale", "blur"))]
    for item in styled:
        labels = [v["label"] for v in item.extra["variants"]]
        # grayscale changes colours: only questions that name no colour are restyled with it
        assert ("grayscale" in labels) == (item.category in COLOUR_FREE_FAMILIES)
        assert labels[0] == "original" and "blur" in labels
    masked = [_meta(s.metadata) for s in masking_groups("test", 4, masks=3)]
    for item in masked:
        assert item.question == MASK_QUESTION and item.category == "masking"
        (target,) = item.extra["subject"]["object_ids"]
        shape = next(o["shape"] for o in item.extra["scene"]["objects"] if o["id"] == target)
        assert item.answer_text == shape
        images = {v["image"] for v in item.extra["variants"]}
        assert len(images) == 3  # three different masks
    ids = [m.item_id for m in rephrased + styled + masked]
    assert len(set(ids)) == len(ids)


def _group(item_id: str, questions: list[str]) -> ItemMetadata:
    pixel = image_to_data_uri(Image.new("RGB", (8, 8), (200, 200, 200)))
    return ItemMetadata(
        source="test",
        item_id=item_id,
        question=questions[0],
        question_type="mc",
        answer="A",
        options={"A": "red", "B": "blue", "C": "green", "D": "black"},
        extra={
            "variants": [
                {"question": q, "image": pixel, "label": f"v{i}"} for i, q in enumerate(questions)
            ]
        },
    )


def test_failed_and_unparsed_variants_are_counted_not_scored(tmp_path: Path) -> None:
    groups = [
        _group("g1", ["What colour is g1?", "Which colour has g1?"]),  # both answer A
        _group("g2", ["What colour is g2?", "FAIL g2?", "MUMBLE g2?"]),
        _group("g3", ["What colour is g3?"]).model_copy(update={"input_error": "corrupt image"}),
    ]
    rules = ReplyRules(consistency_reply)
    task = consistency_rephrasing(n=1, prompt="bare")
    task.dataset = MemoryDataset([make_sample(g, None) for g in groups])
    (log,) = inspect_eval(task, model=rules.model, log_dir=str(tmp_path), display="none")
    (run,) = runs_from_log(log)
    assert run.task == "consistency_rephrasing" and run.n == 3
    assert run.metrics["outcomes"] == {
        "groups_scored": 2,
        "groups_input_error": 1,
        "variants_failed": 1,
        "variants_empty": 0,
        "variants_unparsed": 1,
        "rephraser_failures": 0,
    }
    # g1 answers A twice (agrees, right); g2 has one answer left (A): no pair to compare
    assert run.metrics["closed_consistency"] == 1.0
    assert run.metrics["closed_accuracy"] == 1.0
    assert run.metrics["n_missing_answers"] == 1  # the failed variant; MUMBLE still replied
    assert len(rules.requests) == 5  # the corrupt group is never sent


def test_an_empty_reply_is_counted_apart_not_scored_as_a_different_answer(
    tmp_path: Path,
) -> None:
    """The model answers "SILENT" with nothing: that variant is neither an answer that
    disagrees nor an unparsed one, and the other two still agree."""
    groups = [_group("g1", ["What colour is g1?", "SILENT g1?", "Which colour has g1?"])]
    task = consistency_rephrasing(n=1, prompt="bare")
    task.dataset = MemoryDataset([make_sample(g, None) for g in groups])
    model = ReplyRules(consistency_reply).model
    (log,) = inspect_eval(task, model=model, log_dir=str(tmp_path), display="none")
    (run,) = runs_from_log(log)
    outcomes = run.metrics["outcomes"]
    assert (outcomes["variants_empty"], outcomes["variants_unparsed"]) == (1, 0)
    assert outcomes["variants_failed"] == 0
    assert run.metrics["n_missing_answers"] == 1
    assert run.metrics["closed_consistency"] == 1.0
    assert run.metrics["consistency"] == 1.0


@pytest.fixture(scope="module")
def reference_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    tasks = [
        consistency_rephrasing(n=8, prompt="mub"),
        consistency_restyling(n=8, prompt="mub"),
        consistency_masking(n=8, prompt="mmr3"),
    ]
    logs = inspect_eval(
        tasks,
        model="mmtrust/reference",
        log_dir=str(tmp_path_factory.mktemp("consistency")),
        display="none",
        max_connections=64,
    )
    assert [log.status for log in logs] == ["success"] * 3
    return {run.task: run for log in logs for run in runs_from_log(log)}


def test_reference_model_consistency_runs(reference_runs: dict[str, Run]) -> None:
    assert set(reference_runs) == {
        "consistency_rephrasing",
        "consistency_restyling",
        "consistency_masking",
    }
    for run in reference_runs.values():
        metrics = run.metrics
        assert run.n == 8
        for key in ("consistency", "accuracy", "hmean", "semantic_similarity", "ss_gt"):
            assert metrics[key] is not None and 0.0 <= metrics[key] <= 1.0, key
        assert metrics["outcomes"]["groups_scored"] == 8
    masking = reference_runs["consistency_masking"]
    assert masking.details["provenance"]["task_args"]["prompt"] == "mmr3"
    page = render_report(list(reference_runs.values()))
    assert "Consistency (MM-R3)" in page


def test_mmr3_prompt_is_verbatim() -> None:
    assert MMR3_TEMPLATE.format(question="Q?") == (
        "Question: Please answer the question with a very-short answer. Q? Answer:"
    )
    with pytest.raises(ValueError, match="Unknown prompt"):
        consistency_masking(n=1, prompt="haiku")  # type: ignore[arg-type]


def test_generator_rephrasings_and_a_failing_generator(tmp_path: Path) -> None:
    groups = [
        _group("r1", ["What colour is r1?"]),
        _group("r2", ["What colour is NOREWRITE r2?"]),
    ]
    task = consistency_rephrasing(n=1, prompt="bare", rephraser="generator", variants=2)
    task.dataset = MemoryDataset([make_sample(g, None) for g in groups])
    (log,) = inspect_eval(
        task,
        model=ReplyRules(consistency_reply).model,
        model_roles={"generator": ReplyRules(rephraser_reply, "mockllm/generator").model},
        log_dir=str(tmp_path),
        display="none",
    )
    scores = {s.id: s.scores["variant_answers"] for s in log.samples or [] if s.scores}
    labels = scores["r1"].metadata["labels"]  # type: ignore[index]
    assert labels == ["v0", "rephrasing 1", "rephrasing 2"]  # the original itself is dropped
    failed = scores["r2"].metadata  # type: ignore[assignment]
    assert failed is not None and GENERATOR_ERROR in failed["rephraser_error"]
    assert failed["labels"] == ["v0"]  # asked as it is
    (run,) = runs_from_log(log)
    assert run.metrics["outcomes"]["rephraser_failures"] == 1


def _mmr3_fixture(tmp_path: Path) -> Path:
    for name in ("a.png", "a_candy.png", "m1.png", "m2.png"):
        Image.new("RGB", (16, 16), (90, 120, 200)).save(tmp_path / name)
    records = [
        {
            "id": "ok",
            "image": "a.png",
            "question": "What is it?",
            "rephrasings": ["What's it?"],
            "answers": ["a kitchen", "kitchen"],
        },
        {
            "id": "gone",
            "image": "missing.png",
            "question": "Q?",
            "rephrasings": ["Q2?"],
            "answers": ["x"],
        },
        {"id": "broken", "image": "a.png", "answers": ["x"]},
    ]
    (tmp_path / "rephrasing.json").write_text(json.dumps(records))
    styled = [{"id": "s", "image": "a.png", "styles": {"candy": "a_candy.png"}, "answers": ["bar"]}]
    (tmp_path / "restyling.json").write_text(json.dumps(styled))
    masked = [{"id": "m", "masks": ["m1.png", "m2.png"], "answers": ["dog"]}]
    (tmp_path / "masking.jsonl").write_text("\n".join(json.dumps(r) for r in masked))
    return tmp_path


def test_mmr3_files_load_with_bad_records_kept_as_input_errors(tmp_path: Path) -> None:
    folder = _mmr3_fixture(tmp_path)
    ok, gone, broken = (
        _meta(s.metadata) for s in load_mmr3(folder / "rephrasing.json", "rephrasing")
    )
    assert [v["label"] for v in ok.extra["variants"]] == ["original", "rephrasing 1"]
    assert ok.extra["answers"] == ["a kitchen", "kitchen"] and ok.input_error is None
    assert "missing image" in (gone.input_error or "")
    assert "malformed record" in (broken.input_error or "") and "(id broken)" in (
        broken.input_error or ""
    )
    (styled,) = (_meta(s.metadata) for s in load_mmr3(folder / "restyling.json", "restyling"))
    assert [v["label"] for v in styled.extra["variants"]] == ["original", "candy"]
    assert styled.extra["mmr3_prompt"].startswith("Question: Please describe the place")
    (masked,) = (_meta(s.metadata) for s in load_mmr3(folder / "masking.jsonl", "masking"))
    assert masked.question == MASK_QUESTION and len(masked.extra["variants"]) == 2


def test_mmr3_file_end_to_end_with_open_answers(tmp_path: Path) -> None:
    folder = _mmr3_fixture(tmp_path)
    task = consistency_rephrasing(mmr3_file=str(folder / "rephrasing.json"), prompt="mmr3")
    model = ReplyRules(consistency_reply).model
    (log,) = inspect_eval(task, model=model, log_dir=str(tmp_path), display="none")
    (run,) = runs_from_log(log)
    assert run.metrics["outcomes"]["groups_scored"] == 1
    assert run.metrics["outcomes"]["groups_input_error"] == 2
    assert run.metrics["outcomes"]["variants_unparsed"] == 0  # open answers are not "unparsed"
    assert "closed_consistency" not in run.metrics
    assert run.metrics["consistency"] is not None  # the model's "A" twice: identical
