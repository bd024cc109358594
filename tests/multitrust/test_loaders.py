"""MultiTrust loaders (``loaders.load_subset``) on tiny data roots in the exact layouts.

Every sub-dataset of every task is loaded from a clean root (items as written) and from a root
with planted defects (each named by file and record, the rest unharmed); then the edge cases
the spec leaves open (shapes, encodings, image places, partial files) on hand-written files.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from PIL import Image

from mmtrust.benchmarks.multitrust.items import RawItem, SubsetLoad
from mmtrust.benchmarks.multitrust.loaders import load_subset
from mmtrust.benchmarks.multitrust.table import TRUTHFULNESS_ROBUSTNESS as TASKS
from mmtrust.benchmarks.multitrust.table import SubDataset, TaskSpec, task_spec
from tests.multitrust.data_roots import (
    MANIFEST_FILE,
    PlantedDefect,
    build_data_root,
    expected_items,
    iter_subsets,
    planted_defects,
)

SUBSETS = list(iter_subsets())
IDS = [f"{spec.task_id}:{sub.name}" for spec, sub in SUBSETS]


@pytest.fixture(scope="module")
def clean_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_root(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def defects_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_root(tmp_path_factory.mktemp("defects"), defects=True)


def _as_written(root: Path, item: RawItem) -> tuple[object, ...]:
    image = None if item.image is None else item.image.relative_to(root).as_posix()
    return item.item_id, item.fields, item.truth, image, item.extra


# --- clean root -----------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "sub"), SUBSETS, ids=IDS)
def test_clean_subset_loads_as_written(clean_root: Path, spec: TaskSpec, sub: SubDataset) -> None:
    loaded = load_subset(clean_root, spec, sub)
    expected = expected_items(spec, sub)
    assert loaded.problem is None
    assert [_as_written(clean_root, item) for item in loaded.items] == [
        (e.item_id, e.fields, e.truth, e.image, e.extra) for e in expected
    ]
    assert all(item.problem is None for item in loaded.items)
    shown = sub.image in ("own", "related")
    assert all((item.image is not None) == shown for item in loaded.items)


def test_every_subset_of_the_13_tasks_loads_without_a_problem(clean_root: Path) -> None:
    assert len(TASKS) == 13
    counts = {}
    for spec in TASKS:
        for sub in spec.subsets:
            loaded = load_subset(clean_root, spec, sub)
            assert loaded.problem is None, loaded.problem
            assert [i.problem for i in loaded.items if i.problem] == [], sub.name
            counts[sub.name] = len(loaded.items)
    assert len(counts) == 60 and min(counts.values()) == 3
    # several scoring groups in one file: 3 per T.6 kind, R.3 category, R.6 task
    assert counts["d-mis-visual-confusion"] == 15
    assert counts["dt-text"] == 30 and counts["advglue-plus-related-image"] == 18


def test_clean_truths_are_meaningful(clean_root: Path) -> None:
    def items(task: str, name: str) -> list[RawItem]:
        spec = task_spec(task)
        return load_subset(clean_root, spec, spec.subset(name)).items

    assert [i.truth for i in items("T.1", "d-basic-scene")] == ["Yes", "No", "Yes"]
    scene = clean_root / "truthfulness/query_basic/query_d_scene.json"
    assert '"truth": "yes"' in scene.read_text()  # written lower-case, normalised on load
    for item in items("T.1", "g-basic-grounding"):
        assert item.image is not None
        with Image.open(item.image) as image:
            assert item.extra["img_size"] == image.size
        assert len(json.loads(str(item.truth))) == 4
    judged = [i.truth for i in items("T.4", "visual-assistance-text")]
    assert len(judged[1]) > 60 and judged[1].count(".") >= 2 and len(judged[0]) < 20
    assert items("R.4", "adv-untarget")[0].truth == "goldfish"
    assert items("R.5", "adv-target")[0].truth == "toaster"
    assert {i.truth for i in items("R.3", "dt-text")} == {"0", "1"}
    assert items("R.1", "coco-o-sketch")[0].extra["labels"] == ["dog", "animal"]


# --- defects root ---------------------------------------------------------------------------


def _planted_in(sub: SubDataset) -> list[PlantedDefect]:
    return [d for d in planted_defects() if d.file == sub.annotation and sub.name in d.subsets]


@pytest.mark.parametrize(("spec", "sub"), SUBSETS, ids=IDS)
def test_defects_are_named_and_the_rest_loads(
    defects_root: Path, spec: TaskSpec, sub: SubDataset
) -> None:
    loaded = load_subset(defects_root, spec, sub)
    planted = _planted_in(sub)
    whole = [d for d in planted if d.item_id is None]
    if whole:
        assert loaded.items == [] and loaded.problem is not None
        assert sub.annotation in loaded.problem
        return
    assert planted, f"{sub.name}: no defect planted"
    assert loaded.problem is None
    by_id = {item.item_id: item for item in loaded.items}
    for defect in planted:
        item = by_id[str(defect.item_id)]
        assert item.problem is not None, defect
        assert f"{defect.file} {defect.where}:" in item.problem
        assert item.extra["file"] == defect.file and item.extra["record"] == defect.record
        assert item.image is None
    named = {d.item_id for d in planted}
    assert [i.item_id for i in loaded.items if i.problem and i.item_id not in named] == []
    # the clean records load as on a clean root, planted ones (even those harmless here) aside
    in_file = {d.item_id for d in planted_defects() if d.file == sub.annotation}
    assert [_as_written(defects_root, i) for i in loaded.items if i.item_id not in in_file] == [
        (e.item_id, e.fields, e.truth, e.image, e.extra) for e in expected_items(spec, sub)
    ]


def test_every_kind_of_defect_is_planted_and_listed(defects_root: Path) -> None:
    planted = planted_defects()
    kinds = {d.kind for d in planted}
    assert kinds == {
        "missing-key",
        "bad-truth",
        "unknown-kind",
        "bad-label",
        "missing-image",
        "corrupt-image",
        "truncated-line",
        "invalid-json",
        "wrong-shape",
        "missing-annotation",
    }
    assert all(d.subsets for d in planted)
    layouts = {spec.layout for spec, sub in SUBSETS for d in _planted_in(sub)}
    assert layouts == {spec.layout for spec in TASKS}
    manifest = json.loads((defects_root / MANIFEST_FILE).read_text())
    assert len(manifest) == len(planted) and manifest[0]["kind"] == planted[0].kind
    # an image defect shows only where the image is shown (the text variants still load it)
    spec = task_spec("T.4")
    text = load_subset(defects_root, spec, spec.subset("visual-assistance-text"))
    assert text.problem is None
    assert sum(1 for i in text.items if i.problem) == 1  # the record without a query


def test_build_is_deterministic(tmp_path: Path) -> None:
    one = build_data_root(tmp_path / "one", items_per_subset=2, defects=True)
    two = build_data_root(tmp_path / "two", items_per_subset=2, defects=True)
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert all((one / f).read_bytes() == (two / f).read_bytes() for f in files)


def test_a_missing_annotation_file_is_a_subset_problem_naming_it(tmp_path: Path) -> None:
    for spec, sub in SUBSETS:
        loaded = load_subset(tmp_path, spec, sub)
        assert loaded.items == [] and loaded.problem is not None
        assert loaded.problem.startswith(f"annotation file not found: {sub.annotation}")


# --- edge cases on hand-written files -------------------------------------------------------


def _load(root: Path, task: str, name: str, content: str | bytes | object) -> SubsetLoad:
    spec = task_spec(task)
    sub = spec.subset(name)
    path = root / sub.annotation
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return load_subset(root, spec, sub)


def _image(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 32), (200, 30, 30)).save(path)


@pytest.mark.parametrize(
    ("task", "name", "content", "says"),
    [
        ("T.2", "advanced-math", {"records": []}, "holds a JSON object; expected a JSON list"),
        ("R.3", "dt-text", [], "holds a JSON array; expected a JSON object"),
        ("R.6", "advglue-text", '"sst2"', "holds a JSON string"),
        ("T.5", "g-text-misleading", "[]", "holds no records"),
        ("R.2", "benchlmm-mri", "\n\n", "holds no records"),
        ("T.1", "d-basic-object", '[{"image": "a.png", ', "is not valid JSON"),
        ("R.1", "coco-o-tattoo", b"\xff\xfe\x00\x81", "is not UTF-8 text"),
        ("R.3", "dt-text", {"base": []}, "has none of augment"),
    ],
)
def test_unreadable_files_are_subset_problems(
    tmp_path: Path, task: str, name: str, content: str | bytes | object, says: str
) -> None:
    loaded = _load(tmp_path, task, name, content)
    assert loaded.items == [] and loaded.problem is not None
    assert task_spec(task).subset(name).annotation in loaded.problem and says in loaded.problem


def test_junk_records_are_item_problems(tmp_path: Path) -> None:
    junk = [1, None, "x", {"image": 3, "query": "q", "truth": "Yes"}, {"query": "q"}]
    loaded = _load(tmp_path, "T.2", "advanced-math", junk)
    assert [i.item_id for i in loaded.items] == ["0", "1", "2", "3", "4"]
    problems = [str(i.problem) for i in loaded.items]
    assert "record 0: a record must be a JSON object, not a JSON number" in problems[0]
    assert "record 3: 'image' must be non-empty text" in problems[3]
    assert "record 4: missing 'truth'" in problems[4]


def test_jsonl_as_one_json_array_and_repeated_names(tmp_path: Path) -> None:
    records = [{"image_name": "a.jpg", "question": "Q?", "answer": 5}] * 2
    _image(tmp_path / "robustness/ood-sensor/source/a.jpg")
    loaded = _load(tmp_path, "R.2", "benchlmm-mri", records)
    assert [i.item_id for i in loaded.items] == ["a.jpg", "a.jpg#1"]
    assert [i.extra["record"] for i in loaded.items] == [0, 1]
    assert loaded.items[0].truth == "5" and loaded.items[0].problem is None


def test_a_partial_keyed_file_loads_what_it_has(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = {"augment": [{"id": 7, "sentence": "Good.", "label": "1"}], "shake_w": {"id": 1}}
    with caplog.at_level(logging.WARNING):
        loaded = _load(tmp_path, "R.3", "dt-text", data)
    assert loaded.problem is None
    assert [(i.item_id, i.truth, i.problem is None) for i in loaded.items] == [
        ("augment/7", "1", True),
        ("shake_w", "", False),
    ]
    assert "'shake_w': a JSON object, not a list" in str(loaded.items[1].problem)
    assert "bible_p0.6" in caplog.text and "tweet_p0" in caplog.text


def test_image_places_tried_in_order(tmp_path: Path) -> None:
    records = [
        {"image": "beside.png", "query": "q", "truth": "t"},
        {"image": "sub/base.png", "query": "q", "truth": "t"},
        {"image": "both.png", "query": "q", "truth": "t"},
        {"image": "../escape.png", "query": "q", "truth": "t"},
        {"image": "nowhere.png", "query": "q", "truth": "t"},
    ]
    images = tmp_path / "truthfulness/misleading_images/mistext"
    beside = tmp_path / "truthfulness/query_misleading/mistext"
    for path in (beside / "beside.png", images / "base.png", images / "both.png"):
        _image(path)
    _image(beside / "both.png")
    loaded = _load(tmp_path, "T.5", "g-text-misleading", records)
    found = [i.image.relative_to(tmp_path).as_posix() if i.image else None for i in loaded.items]
    assert found[:3] == [
        "truthfulness/query_misleading/mistext/beside.png",
        "truthfulness/misleading_images/mistext/base.png",
        "truthfulness/misleading_images/mistext/both.png",
    ]
    assert "points outside the data root" in str(loaded.items[3].problem)
    nowhere = str(loaded.items[4].problem)
    assert f"{images}/nowhere.png does not exist" in nowhere and "query_misleading" in nowhere


def test_grounding_boxes(tmp_path: Path) -> None:
    _image(tmp_path / "truthfulness/basic_images/grounding/g.png")
    records = [
        {"image": "g.png", "query": "q", "truth": [0.1, 0.2, 0.3, 0.4]},
        {"image": "g.png", "query": "q", "truth": "[10, 20, 30, 40]"},
        {"image": "g.png", "query": "q", "truth": "[0.5, 0.2, 0.3, 0.4]"},
    ]
    loaded = _load(tmp_path, "T.1", "g-basic-grounding", records)
    assert loaded.items[0].truth == "[0.1, 0.2, 0.3, 0.4]"
    assert loaded.items[0].extra["img_size"] == (40, 32)
    assert "is not a box" in str(loaded.items[1].problem)
    assert "is not a box" in str(loaded.items[2].problem)


def test_programming_errors_raise(clean_root: Path) -> None:
    with pytest.raises(ValueError, match=r"not a sub-dataset of T\.1"):
        load_subset(clean_root, task_spec("T.1"), task_spec("T.2").subsets[0])
