"""MultiTrust's refusal tasks' loaders (``load_refusals``: F.4, F.5, F.7, P.5) on tiny data roots.

Every sub-dataset is loaded from a clean root (items as written, prompts formattable) and from a
root with planted defects (each named by file and record, the rest unharmed); then the pairing
of records with images (natural numeric order, F.7's deterministic a/b choice) and the edge
cases on hand-written files. Nothing raises for bad data.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from string import Formatter

import pytest
from PIL import Image

from mmtrust.benchmarks.multitrust import table
from mmtrust.benchmarks.multitrust.items import RawItem, SubsetLoad
from mmtrust.benchmarks.multitrust.loaders_refusals import (
    LAYOUTS,
    PREFERENCE_HALF,
    load_refusals,
    natural_key,
    preference_choice,
    preference_image,
)
from mmtrust.benchmarks.multitrust.table import SubDataset, TaskSpec
from tests.multitrust.data_roots import (
    MANIFEST_FILE,
    PlantedDefect,
    build_data_root,
    expected_items,
    iter_refusal_subsets,
    planted_defects,
)

SUBSETS = list(iter_refusal_subsets())
IDS = [f"{spec.task_id}:{sub.name}" for spec, sub in SUBSETS]
SPECS = {spec.task_id: spec for spec, _ in SUBSETS}
N = 3
"""The data roots' ``items_per_subset``."""


@pytest.fixture(scope="module")
def clean_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_root(tmp_path_factory.mktemp("clean"), items_per_subset=N)


@pytest.fixture(scope="module")
def defects_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_root(tmp_path_factory.mktemp("defects"), items_per_subset=N, defects=True)


def _as_written(root: Path, item: RawItem) -> tuple[object, ...]:
    image = None if item.image is None else item.image.relative_to(root).as_posix()
    return item.item_id, item.fields, item.truth, image, item.extra


def _items(root: Path, task: str, name: str) -> list[RawItem]:
    spec = SPECS[task]
    loaded = load_refusals(root, spec, spec.subset(name))
    assert loaded.problem is None, loaded.problem
    return loaded.items


def _image_name(item: RawItem) -> str | None:
    return None if item.image is None else item.image.name


def test_the_four_tasks_and_their_18_sub_datasets_are_covered() -> None:
    assert sorted(SPECS) == ["F.4", "F.5", "F.7", "P.5"]
    assert len(SUBSETS) == 5 + 1 + 10 + 2
    assert len({sub.name for _, sub in SUBSETS}) == len(SUBSETS)
    assert {spec.layout for spec in SPECS.values()} == LAYOUTS
    sections = [sub.section for sub in SPECS["F.7"].subsets]
    assert sections == ["plain"] * 5 + ["force"] * 5 and SPECS["F.5"].subsets[0].section is None


def test_the_rows_follow_the_toolbox_s_configs_and_scores() -> None:
    """Reply lengths of the task configs (100; P.5 150) and compute_rank.py's formulas (F.7:
    one mean over its four text/image runs and the mean of its six unrelated ones)."""
    assert [SPECS[t].max_tokens for t in ("F.4", "F.5", "F.7", "P.5")] == [100, 100, 100, 150]
    f7 = SPECS["F.7"].score
    means = {g: 1.0 if "unrelated" in g else 0.0 for g in f7.groups()}
    assert f7.value(means) == pytest.approx(1 / 5)
    f4 = SPECS["F.4"].score
    means = {g: 1.0 if "unrelated" in g else 0.0 for g in f4.groups()}
    assert f4.value(means) == pytest.approx(1 / 3)
    for spec in SPECS.values():
        assert set(spec.score.groups()) == {g for sub in spec.subsets for g in sub.group_names()}
    assert SPECS["P.5"].subsets[0].images == "privacy/vispr/categorized"


# --- clean root -----------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "sub"), SUBSETS, ids=IDS)
def test_clean_subset_loads_as_written(clean_root: Path, spec: TaskSpec, sub: SubDataset) -> None:
    loaded = load_refusals(clean_root, spec, sub)
    expected = expected_items(spec, sub, N)
    assert loaded.problem is None
    assert expected
    assert [_as_written(clean_root, item) for item in loaded.items] == [
        (e.item_id, e.fields, e.truth, e.image, e.extra) for e in expected
    ]
    assert all(item.problem is None for item in loaded.items)
    shown = sub.image in ("own", "related")
    assert all((item.image is not None) == shown for item in loaded.items)
    names = {name for _, name, _, _ in Formatter().parse(sub.prompts[0]) if name}
    for item in loaded.items:
        assert names <= set(item.fields)
        prompt = sub.prompts[0].format(**item.fields)
        assert all(item.fields[name] in prompt for name in names)


def test_clean_items_are_meaningful(clean_root: Path) -> None:
    queries = _items(clean_root, "F.4", "stereo-query-image")
    assert [(i.item_id, i.truth, i.extra["position"]) for i in queries] == [
        ("line-2", "", 0),
        ("line-3", "", 1),
        ("line-4", "", 2),
    ]
    # 2, 11, 20: as strings "11.png" < "2.png"; paired in natural order
    assert [_image_name(i) for i in queries] == ["2.png", "11.png", "20.png"]
    assert "one faith, in general," in queries[1].fields["statement"]  # quoted in the CSV
    vision = _items(clean_root, "F.5", "vision-preference")
    assert len(vision) == PREFERENCE_HALF  # the first 120 of 123 records
    assert [_image_name(i) for i in vision[8:11]] == ["9.png", "10.png", "11.png"]
    assert _image_name(vision[-1]) == "120.png"
    assert {i.fields["topic"] for i in vision} == {"ideology", "culture/lifestyle"}
    assert all(i.extra["topic"] == i.fields["topic"] and i.truth == "" for i in vision)
    prompt = SPECS["F.5"].subsets[0].prompts[0].format(**vision[1].fields)
    assert prompt.startswith("The image presents two options related to culture/lifestyle.")
    plain = _items(clean_root, "F.7", "subjective-preference-plain-image")
    force = _items(clean_root, "F.7", "subjective-preference-force-image")
    assert len(plain) == PREFERENCE_HALF and [i.item_id for i in force] == ["120", "121", "122"]
    assert all("Only return me the answer" in i.fields["statement"] for i in force)
    for item in plain + force:
        index = int(item.item_id)
        assert item.extra["choice"] == preference_choice(index)
        assert item.image is not None and item.image.as_posix().endswith(
            f"fairness/subjective_choice_images/choice_{item.extra['choice']}_images/"
            f"{index % PREFERENCE_HALF + 1}.png"
        )
    assert {i.extra["choice"] for i in plain} == {"a", "b"}
    text = _items(clean_root, "F.7", "subjective-preference-force-text")
    assert all(i.image is None and "choice" not in i.extra for i in text)
    leakage = _items(clean_root, "P.5", "vispr-leakage")
    assert [(i.item_id, i.fields["type"], i.truth) for i in leakage] == [
        ("line-1", "name", "Jane Example"),
        ("line-2", "phone number", "5550100"),  # a number in the file, text here
        ("line-3", "home address", "12 Elm Street, Springfield"),
    ]
    assert [i.extra["sheet"] for i in leakage] == ["Name", "Phone", "Address"]
    assert leakage[0].image is not None
    assert leakage[0].image.as_posix().endswith("privacy/vispr/categorized/Name/vispr_0000.jpg")
    assert leakage[2].image is not None  # not in its sheet's folder: found beside the sheets
    assert leakage[2].image.as_posix().endswith("privacy/vispr/categorized/vispr_0002.jpg")
    protected = SPECS["P.5"].subset("vispr-leakage-protected").prompts[0]
    assert protected.format(**leakage[1].fields).endswith(
        "should be protected. What is the phone number shown in the image?"
    )


def test_text_variants_need_no_image(tmp_path: Path) -> None:
    root = build_data_root(tmp_path, items_per_subset=N)
    for path in sorted(root.rglob("*.png")) + sorted(root.rglob("*.jpg")):
        path.unlink()
    for spec, sub in SUBSETS:
        loaded = load_refusals(root, spec, sub)
        problems = [i.problem for i in loaded.items if i.problem]
        if sub.image == "own":
            assert loaded.items and len(problems) == len(loaded.items), sub.name
            assert all("missing image" in str(p) for p in problems), sub.name
        else:
            assert loaded.problem is None and problems == [], sub.name
    # a folder that is not there at all: the same, said so
    (root / "fairness/stereo_query_images").rmdir()
    items = _items(root, "F.4", "stereo-query-image")
    assert all(
        "the folder fairness/stereo_query_images does not exist" in str(i.problem) for i in items
    )
    assert all(i.problem is None for i in _items(root, "F.4", "stereo-query-text"))


# --- defects root ---------------------------------------------------------------------------


def _planted_in(sub: SubDataset) -> list[PlantedDefect]:
    return [d for d in planted_defects(N) if d.file == sub.annotation and sub.name in d.subsets]


@pytest.mark.parametrize(("spec", "sub"), SUBSETS, ids=IDS)
def test_defects_are_named_and_the_rest_loads(
    defects_root: Path, spec: TaskSpec, sub: SubDataset
) -> None:
    loaded = load_refusals(defects_root, spec, sub)
    planted = _planted_in(sub)
    assert loaded.problem is None
    if sub.section == "plain" and sub.image != "own":
        assert planted == []  # the plain half's defects are its images'
    else:
        assert planted, f"{sub.name}: no defect planted"
    by_id = {item.item_id: item for item in loaded.items}
    for defect in planted:
        item = by_id[str(defect.item_id)]
        assert item.problem is not None, defect
        assert item.problem.startswith(f"{defect.file} {defect.where}:"), item.problem
        assert item.extra["file"] == defect.file and item.extra["record"] == defect.record
        assert item.image is None
        word = {"missing-image": "missing image", "corrupt-image": "corrupt image"}
        assert word.get(defect.kind, "") in item.problem
    named = {d.item_id for d in planted}
    assert [i.item_id for i in loaded.items if i.problem and i.item_id not in named] == []
    # the clean records load as on a clean root, the planted ones (even harmless here) aside
    in_file = {d.item_id for d in planted_defects(N) if d.file == sub.annotation}
    assert [_as_written(defects_root, i) for i in loaded.items if i.item_id not in in_file] == [
        (e.item_id, e.fields, e.truth, e.image, e.extra)
        for e in expected_items(spec, sub, N)
        if e.item_id not in in_file
    ]


def test_the_problems_say_what_is_wrong(defects_root: Path) -> None:
    def problem(task: str, name: str, item_id: str) -> str:
        item = next(i for i in _items(defects_root, task, name) if i.item_id == item_id)
        return str(item.problem)

    csv_file, preferences = "fairness/stereo_query.csv", "fairness/preference.json"
    assert problem("F.4", "stereo-query-text", "line-5") == (
        f"{csv_file} line 5: 'question' is empty"
    )
    # the empty question keeps its image: the next record is shown the next one (38.png)
    assert "stereo_query_images/38.png cannot be decoded" in problem(
        "F.4", "stereo-query-image", "line-6"
    )
    assert problem("F.4", "stereo-query-image", "line-7") == (
        f"{csv_file} line 7: missing image: fairness/stereo_query_images holds 5 images, paired "
        "in natural order with the records: none is left for record number 6"
    )
    assert "holds 119 images" in problem("F.5", "vision-preference", "119")
    assert "vision_subjective_choice_images/119.png cannot be decoded" in problem(
        "F.5", "vision-preference", "118"
    )
    assert problem("F.7", "subjective-preference-force-text", "123") == (
        f"{preferences} record 123: missing 'prompt'"
    )
    assert "'topic' must be non-empty text, not 7" in problem(
        "F.7", "subjective-preference-force-unrelated-image-color", "124"
    )
    assert "a record must be a JSON object, not a JSON array" in problem(
        "F.7", "subjective-preference-force-image", "125"
    )
    leakage = "privacy/vispr/categorized/image_annotations.json"
    assert problem("P.5", "vispr-leakage", "line-4") == f"{leakage} line 4: missing 'Content'"
    assert "'Content' must be non-empty text, not ['John', 'Example']" in problem(
        "P.5", "vispr-leakage-protected", "line-5"
    )
    missing = problem("P.5", "vispr-leakage", "line-7")
    assert (
        "categorized/Name/bad_3.jpg does not exist (nor privacy/vispr/categorized/bad_3.jpg)"
        in (missing)
    )
    assert "line 9: not valid JSON" in problem("P.5", "vispr-leakage", "line-9")


def test_every_layout_has_its_defects_listed(defects_root: Path) -> None:
    files = {sub.annotation for _, sub in SUBSETS}
    ours = [d for d in planted_defects(N) if d.file in files]
    assert {d.kind for d in ours} == {
        "missing-key",
        "bad-truth",
        "bad-label",
        "wrong-shape",
        "missing-image",
        "corrupt-image",
        "truncated-line",
    }
    assert all(d.subsets and d.item_id is not None for d in ours)
    layouts = {spec.layout for spec, sub in SUBSETS if _planted_in(sub)}
    assert layouts == LAYOUTS
    manifest = json.loads((defects_root / MANIFEST_FILE).read_text())
    assert {(d.file, d.item_id) for d in ours} <= {(d["file"], d["item_id"]) for d in manifest}
    # an image defect shows only where the image is shown
    images = [d for d in ours if d.kind in ("missing-image", "corrupt-image")]
    shown = {sub.name for _, sub in SUBSETS if sub.image == "own"}
    assert images and all(set(d.subsets) <= shown for d in images)


def test_a_small_root_builds_the_same_files_twice(tmp_path: Path) -> None:
    one = build_data_root(tmp_path / "one", items_per_subset=2, defects=True)
    two = build_data_root(tmp_path / "two", items_per_subset=2, defects=True)
    files = {sub.annotation for _, sub in SUBSETS}
    folders = {str(sub.images) for _, sub in SUBSETS if sub.images}
    assert all((one / f).read_bytes() == (two / f).read_bytes() for f in files)
    pictures = sorted(p.relative_to(one) for d in folders for p in (one / d).rglob("*.*"))
    assert pictures and all((one / p).read_bytes() == (two / p).read_bytes() for p in pictures)


# --- pairing --------------------------------------------------------------------------------


def _image(path: Path, colour: tuple[int, int, int] = (200, 30, 30)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 32), colour).save(path)


def _write(root: Path, sub: SubDataset, content: str | bytes | object) -> None:
    path = root / sub.annotation
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))


def _load(root: Path, task: str, name: str, content: str | bytes | object) -> SubsetLoad:
    spec = SPECS[task]
    sub = spec.subset(name)
    _write(root, sub, content)
    return load_refusals(root, spec, sub)


def test_natural_order() -> None:
    names = ["10.png", "b.png", "2.png", "a10.png", "1.png", "a9.png", "A9.png", "²1.png"]
    assert sorted(names, key=natural_key) == [
        "1.png",
        "2.png",
        "10.png",
        "A9.png",
        "a9.png",
        "a10.png",
        "b.png",
        "²1.png",
    ]


def test_records_are_paired_with_images_in_numeric_order(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "fairness/stereo_query_images"
    for name in ("10.png", "2.png", "1.png"):
        _image(folder / name)
    (folder / ".DS_Store").write_bytes(b"\x00")  # not images: not paired
    (folder / "notes.txt").write_text("made by hand")
    (folder / "sub.png").mkdir()
    text = "question,source\nFirst?,x\nSecond?,y\nThird?,z\n"
    loaded = _load(tmp_path, "F.4", "stereo-query-image", text)
    assert [(i.fields["statement"], _image_name(i)) for i in loaded.items] == [
        ("First?", "1.png"),
        ("Second?", "2.png"),
        ("Third?", "10.png"),  # 10 comes last
    ]
    for name in ("10.png", "2.png", "1.png"):
        _image(tmp_path / "fairness/vision_subjective_choice_images" / name)
    records = [{"prompt": f"P{k}", "topic": f"topic {k}"} for k in range(3)]
    vision = _load(tmp_path, "F.5", "vision-preference", records)
    assert [(i.fields["topic"], _image_name(i)) for i in vision.items] == [
        ("topic 0", "1.png"),
        ("topic 1", "2.png"),
        ("topic 2", "10.png"),
    ]
    # more images than records: the rest are not shown, said in the log
    _image(folder / "11.png")
    with caplog.at_level(logging.WARNING):
        more = _load(tmp_path, "F.4", "stereo-query-image", text)
    assert [_image_name(i) for i in more.items] == ["1.png", "2.png", "10.png"]
    assert "pairs 3 records with 4 images" in caplog.text


def test_a_bad_row_keeps_its_position(tmp_path: Path) -> None:
    folder = tmp_path / "fairness/stereo_query_images"
    for k in range(1, 6):
        _image(folder / f"{k}.png")
    text = (
        "\ufeffquestion\n"  # a byte-order mark
        "First?\n"
        "\n"  # an empty line: no record
        ",\n"  # empty cells: a record without a question, its image kept
        '"Has, a comma?"\n'
        "Unquoted, comma?\n"  # a field past the header
        "Fifth?\n"
        "Sixth?\n"  # past the five images
        ",\n"  # padding at the end: dropped
        "\n"
    )
    image = _load(tmp_path, "F.4", "stereo-query-image", text)
    assert [(i.item_id, i.extra["record"], _image_name(i)) for i in image.items] == [
        ("line-2", 2, "1.png"),
        ("line-4", 4, None),
        ("line-5", 5, "3.png"),
        ("line-6", 6, None),
        ("line-7", 7, "5.png"),
        ("line-8", 8, None),
    ]
    problems = [str(i.problem) for i in image.items]
    assert "line 4: 'question' is empty" in problems[1]
    assert image.items[2].fields == {"statement": "Has, a comma?"}
    assert "line 6: fields past the header's last column: ' comma?'" in problems[3]
    assert "none is left for record number 6" in problems[5]
    text_only = load_refusals(tmp_path, SPECS["F.4"], SPECS["F.4"].subset("stereo-query-text"))
    assert [i.problem is None for i in text_only.items] == [True, False, True, False, True, True]


def test_f7_choice_is_deterministic(tmp_path: Path) -> None:
    choices = "".join(preference_choice(i) for i in range(24))
    assert choices == "aaaaaabbabbaabbaaabbbabb"  # pinned: the images a run is shown
    assert 40 <= sum(preference_choice(i) == "a" for i in range(PREFERENCE_HALF)) <= 80
    # the same in another interpreter, whatever its hash seed
    code = (
        "from mmtrust.benchmarks.multitrust.loaders_refusals import preference_choice as c;"
        "print(''.join(c(i) for i in range(240)))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "".join(preference_choice(i) for i in range(240))
    # force record 120 + m is shown image m + 1, in its own choice's folder
    assert preference_image(0) == f"choice_{preference_choice(0)}_images/1.png"
    assert preference_image(121) == f"choice_{preference_choice(121)}_images/2.png"
    root = build_data_root(tmp_path / "root", items_per_subset=2)
    spec = SPECS["F.7"]
    sub = spec.subset("subjective-preference-plain-image")
    first = [i.image for i in load_refusals(root, spec, sub).items]
    assert first == [i.image for i in load_refusals(root, spec, sub).items]


def test_f7_halves_and_their_own_topics(tmp_path: Path) -> None:
    records: list[object] = [
        {"prompt": f"Plain {k}?", "topic": "ideology"} for k in range(PREFERENCE_HALF)
    ]
    records += [{"prompt": f"Force {k}?", "topic": "culture/lifestyle"} for k in range(2)]
    force = _load(tmp_path, "F.7", "subjective-preference-force-text", records)
    # the toolbox labels the force half with the first 120 records' topics; here its own
    assert [(i.item_id, i.fields, i.extra["topic"]) for i in force.items] == [
        ("120", {"statement": "Force 0?"}, "culture/lifestyle"),
        ("121", {"statement": "Force 1?"}, "culture/lifestyle"),
    ]
    plain = load_refusals(
        tmp_path, SPECS["F.7"], SPECS["F.7"].subset("subjective-preference-plain-text")
    )
    assert (
        len(plain.items) == PREFERENCE_HALF and plain.items[-1].fields["statement"] == "Plain 119?"
    )
    vision = load_refusals(tmp_path, SPECS["F.5"], SPECS["F.5"].subsets[0])
    assert len(vision.items) == PREFERENCE_HALF  # F.5 reads the first 120 only
    short = _load(tmp_path, "F.7", "subjective-preference-force-image", records[:PREFERENCE_HALF])
    assert short.items == [] and "holds no records past the first 120" in str(short.problem)
    few = _load(tmp_path, "F.7", "subjective-preference-plain-text", records[:2])
    assert [i.item_id for i in few.items] == ["0", "1"]


def test_private_content_forms(tmp_path: Path) -> None:
    folder = tmp_path / "privacy/vispr/categorized"
    _image(folder / "Name/a.jpg")
    ok = {"SheetName": "Name", "Img Path": "a.jpg", "Info Type": "name"}
    listed = _load(
        tmp_path,
        "P.5",
        "vispr-leakage",
        [
            {**ok, "Content": "Ann"},
            {**ok, "Content": True},
            {**ok, "SheetName": "../Name", "Content": "Ann"},
            {**ok, "Img Path": "/etc/a.jpg", "Content": "Ann"},
            {**ok, "Content": 42},
            "not a record",
        ],
    )
    assert [(i.item_id, i.extra["record"], i.truth) for i in listed.items] == [
        ("0", 0, "Ann"),
        ("1", 1, ""),
        ("2", 2, ""),
        ("3", 3, ""),
        ("4", 4, "42"),
        ("5", 5, ""),
    ]
    problems = [str(i.problem) for i in listed.items]
    assert "record 1: 'Content' must be non-empty text, not True" in problems[1]
    assert "'SheetName' '../Name' cannot name a folder" in problems[2]
    assert "'Img Path' '/etc/a.jpg' points outside the data root" in problems[3]
    assert "a record must be a JSON object, not a JSON string" in problems[5]
    one = _load(tmp_path, "P.5", "vispr-leakage", {**ok, "Content": "Ann"})
    assert [(i.item_id, i.truth, i.problem) for i in one.items] == [("line-1", "Ann", None)]


@pytest.mark.parametrize(
    ("task", "name", "content", "says"),
    [
        ("F.4", "stereo-query-text", "", "has no header"),
        ("F.4", "stereo-query-text", "Question,topic\nWhy?,x\n", "has no column 'question'"),
        ("F.4", "stereo-query-text", "question\n", "holds no records"),
        ("F.4", "stereo-query-text", "question\n,\n,\n", "holds no records"),
        ("F.4", "stereo-query-text", b"question\n\xff\xfe\n", "is not UTF-8 text"),
        ("F.4", "stereo-query-text", 'question\n"open', "is not valid CSV"),
        ("F.5", "vision-preference", {"prompt": "x", "topic": "y"}, "holds a JSON object"),
        ("F.5", "vision-preference", "[]", "holds no records"),
        ("F.7", "subjective-preference-plain-text", '[{"prompt": ', "is not valid JSON"),
        ("F.7", "subjective-preference-plain-text", '{"prompt": "x"}\n', "holds a JSON object"),
        ("P.5", "vispr-leakage", "not json at all", "not valid JSON or JSONL"),
        ("P.5", "vispr-leakage", {"records": []}, "holds a JSON object"),
        ("P.5", "vispr-leakage", "[]", "holds no records"),
        ("P.5", "vispr-leakage", '[{"SheetName": ', "is not valid JSON"),
    ],
)
def test_unreadable_files_are_subset_problems(
    tmp_path: Path, task: str, name: str, content: str | bytes | object, says: str
) -> None:
    loaded = _load(tmp_path, task, name, content)
    assert loaded.items == [] and loaded.problem is not None
    assert SPECS[task].subset(name).annotation in loaded.problem and says in loaded.problem


def test_a_missing_annotation_file_is_a_subset_problem_naming_it(tmp_path: Path) -> None:
    for spec, sub in SUBSETS:
        loaded = load_refusals(tmp_path, spec, sub)
        assert loaded.items == [] and loaded.problem is not None
        assert loaded.problem.startswith(f"annotation file not found: {sub.annotation}")


def test_junk_never_raises(tmp_path: Path) -> None:
    junk: list[str | bytes | object] = [
        b"\x00\x01\x02",
        "a,b\n\x00,1\n",
        [1, None, "x", {"prompt": 3, "topic": None}, {"SheetName": ""}, {}],
        {"weird": []},
        {"SheetName": 1, "Img Path": [], "Info Type": {}, "Content": None},
        '"string"',
        [[]] * (PREFERENCE_HALF + 2),
    ]
    (tmp_path / "fairness/stereo_query_images").mkdir(parents=True)
    (tmp_path / "fairness/stereo_query_images/1.png").write_bytes(b"not a png")
    for spec, sub in SUBSETS:
        for content in junk:
            loaded = _load(tmp_path, spec.task_id, sub.name, content)
            assert isinstance(loaded, SubsetLoad)
            assert loaded.problem is not None or all(i.problem for i in loaded.items)


def test_programming_errors_raise(clean_root: Path) -> None:
    f4, p5 = SPECS["F.4"], SPECS["P.5"]
    with pytest.raises(ValueError, match=r"not a sub-dataset of F\.4"):
        load_refusals(clean_root, f4, p5.subsets[0])
    t1 = table.task_spec("T.1")
    with pytest.raises(ValueError, match="not a refusal one"):
        load_refusals(clean_root, t1, t1.subsets[0])
    f7 = SPECS["F.7"]
    odd = replace(f7.subsets[0], section="middle")
    with pytest.raises(ValueError, match="preferences has no section 'middle'"):
        load_refusals(clean_root, replace(f7, subsets=(odd,)), odd)
    blind = replace(f4.subset("stereo-query-image"), images=None)
    with pytest.raises(ValueError, match="names no folder"):
        load_refusals(clean_root, replace(f4, subsets=(blind,)), blind)
