"""MUB loader on a fixture in the original format (built here: a fresh clone has no shared/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from mmtrust.datasets.mub import MubFormatError, load_mub
from mmtrust.datasets.schema import ItemMetadata

SHARED_SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "mub"


def _record(new_id: str, model: str, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "question": "<image 1> What is shown?",
        "choices": {"A": "a cat", "B": "a dog", "C": "a bird", "D": "a fish"},
        "answer": "B",
        "response": "B",
        "all_category": "animals",
        "question_correction": "TT",
        "model": model,
        "question_type_CHorYN": "CH",
        "guide": "And the true answer is : A",
        "dataset": "SEED",
        "num": 9,
        "new_id": new_id,
    }
    record.update(fields)
    return record


@pytest.fixture
def mub_files(tmp_path: Path) -> tuple[Path, Path]:
    images = tmp_path / "extract_img_all"
    images.mkdir()
    for k in range(4):
        Image.new("RGB", (32, 32), (40 * k, 90, 200)).save(images / f"{k}.jpg")
    (images / "4.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")  # corrupt
    Image.new("RGB", (32, 32), (1, 2, 3)).save(images / "5.png", format="WEBP")  # WebP as .png
    records: list[Any] = [
        _record("extract_img_all/0.jpg", "gpt-4o"),
        _record("extract_img_all/0.jpg", "gpt-4o"),  # a copy, as the files repeat them: merged
        _record(
            "extract_img_all/1.jpg",
            "gpt-4o",
            question="Is the sky blue? Please answer yes or no.",
            answer="yes",
            question_type_CHorYN="YN",
            dataset="MME",
            num=12,
        ),
        _record(
            "extract_img_all/2.jpg",
            "gpt-4o",
            question="How many towels?  A) 0 B) 1 C) 2 D) 3. Please choose an answer from [A, B].",
            answer="C",
            dataset="ConBench_CH",
            num=6,
        ),
        _record("extract_img_all/3.jpg", "gpt-4o", answer="E"),  # unknown option letter
        _record("extract_img_all/4.jpg", "gpt-4o"),  # corrupt image
        _record("extract_img_all/9.jpg", "gpt-4o"),  # missing image
        _record("extract_img_all/5.png", "gpt-4o"),  # WebP named .png
        {"new_id": "extract_img_all/7.jpg", "answer": "A"},  # no question at all
        "not even an object",
    ]
    del records[3]["choices"]
    path = tmp_path / "all_combined_items.jsonl"
    path.write_text(json.dumps(records))
    return path, images


def _by_id(dataset) -> dict[str, ItemMetadata]:  # type: ignore[no-untyped-def]
    return {str(s.id): s.metadata_as(ItemMetadata) for s in dataset}


def test_deduplicates_by_new_id(mub_files: tuple[Path, Path]) -> None:
    path, images = mub_files
    dataset = load_mub(path, images)
    ids = [s.id for s in dataset]
    assert len(ids) == len(set(ids)) == 9
    item = _by_id(dataset)["extract_img_all/0.jpg"]
    assert (item.source, item.difficulty, item.answer, item.input_error) == (
        "SEED",
        "medium",
        "B",
        None,
    )


def test_yes_no_and_inline_options(mub_files: tuple[Path, Path]) -> None:
    items = _by_id(load_mub(*mub_files))
    yes_no = items["extract_img_all/1.jpg"]
    assert (yes_no.question_type, yes_no.answer, yes_no.difficulty) == ("yn", "Yes", "high")
    inline = items["extract_img_all/2.jpg"]
    assert inline.options_in_question
    assert inline.options == {"A": "0", "B": "1", "C": "2", "D": "3"}


def test_bad_records_and_images_are_kept_with_a_reason(mub_files: tuple[Path, Path]) -> None:
    path, images = mub_files
    items = _by_id(load_mub(path, images))
    assert "not one of the options" in str(items["extract_img_all/3.jpg"].input_error)
    assert "corrupt image" in str(items["extract_img_all/4.jpg"].input_error)
    missing = str(items["extract_img_all/9.jpg"].input_error)
    assert "missing image" in missing and "9.jpg" in missing and "record 6" in missing
    assert "question" in str(items["extract_img_all/7.jpg"].input_error)
    malformed = [i for key, i in items.items() if "record-9" in key]
    assert malformed and "JSON object" in str(malformed[0].input_error)


def test_webp_named_png_is_inlined_with_its_real_type(mub_files: tuple[Path, Path]) -> None:
    path, images = mub_files
    sample = next(s for s in load_mub(path, images) if s.id == "extract_img_all/5.png")
    image = sample.input[0].content[0]  # type: ignore[index,union-attr]
    assert image.image.startswith("data:image/webp;base64,")  # type: ignore[union-attr]


def test_implicit_notes_are_split(tmp_path: Path) -> None:
    record = _record(
        "extract_img_all/0.jpg",
        "gpt-4o",
        closed_model_response_F="1. Looks like a cat.\n///\n2. Surely a bird.",
        closed_model_response_T="It barks. /// It has a leash.",
    )
    path = tmp_path / "allmislead.json"
    path.write_text(json.dumps([record]))
    (item,) = _by_id(load_mub(path, tmp_path)).values()
    assert item.extra["notes_to_false"] == ["Looks like a cat.", "Surely a bird."]
    assert item.extra["notes_to_true"] == ["It barks.", "It has a leash."]


def test_whole_file_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(MubFormatError, match="not found"):
        load_mub(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{broken")
    with pytest.raises(MubFormatError, match="neither a JSON array"):
        load_mub(bad)
    scalar = tmp_path / "scalar.json"
    scalar.write_text('{"question": "x"}')
    with pytest.raises(MubFormatError, match="JSON array"):
        load_mub(scalar)


@pytest.mark.skipif(not SHARED_SAMPLES.is_dir(), reason="shared/samples is not part of a clone")
def test_real_samples_load(tmp_path: Path) -> None:
    combined = load_mub(SHARED_SAMPLES / "all_combined_items.sample.json", tmp_path)
    assert len(combined) == 28
    metas = [s.metadata_as(ItemMetadata) for s in combined]
    assert all("missing image" in str(m.input_error) for m in metas)
    implicit = load_mub(SHARED_SAMPLES / "allmislead_gpt6.sample.json", tmp_path)
    notes = implicit[0].metadata_as(ItemMetadata).extra["notes_to_false"]
    assert len(notes) == 5 and not notes[0].startswith("1.")
