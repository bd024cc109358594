"""MM-R3 consistency tasks: item groups, bookkeeping on a scripted model (tests/scripted_model.py
says why), and the three tasks end to end on the reference model."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset
from PIL import Image

from mmtrust.datasets.consistency import (
    MASK_QUESTION,
    masking_groups,
    rephrasing_groups,
    restyling_groups,
)
from mmtrust.datasets.images import image_to_data_uri
from mmtrust.datasets.schema import ItemMetadata, make_sample
from mmtrust.perturb.restyle import COLOUR_FREE_FAMILIES
from mmtrust.report.html import render_report
from mmtrust.report.results import Run, runs_from_log
from mmtrust.tasks.consistency import (
    MMR3_TEMPLATE,
    consistency_masking,
    consistency_rephrasing,
    consistency_restyling,
)
from tests import scripted_model


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
    scripted_model.REQUESTS.clear()
    task = consistency_rephrasing(n=1, prompt="bare")
    task.dataset = MemoryDataset([make_sample(g, None) for g in groups])
    (log,) = inspect_eval(task, model="scripted/test", log_dir=str(tmp_path), display="none")
    (run,) = runs_from_log(log)
    assert run.task == "consistency_rephrasing" and run.n == 3
    assert run.metrics["outcomes"] == {
        "groups_scored": 2,
        "groups_input_error": 1,
        "variants_failed": 1,
        "variants_unparsed": 1,
    }
    # g1 answers A twice (agrees, right); g2 has one answer left (A): no pair to compare
    assert run.metrics["closed_consistency"] == 1.0
    assert run.metrics["closed_accuracy"] == 1.0
    assert run.metrics["n_missing_answers"] == 1  # the failed variant; MUMBLE still replied
    assert len(scripted_model.REQUESTS) == 5  # the corrupt group is never sent


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
