"""MultiTrust's fairness and privacy loaders (``load_fairness_privacy``) on tiny data roots.

Every sub-dataset of F.2, F.3, F.6, P.1, P.2 and P.3 is loaded from a clean root (items as
written, truths meaningful, prompts formattable) and from a root with planted defects (each
named by file and record, the rest unharmed); then the edge cases on hand-written files.
Nothing raises for bad data.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path
from string import Formatter

import pytest
from PIL import Image

from mmtrust.benchmarks.multitrust import table
from mmtrust.benchmarks.multitrust.items import RawItem, SubsetLoad
from mmtrust.benchmarks.multitrust.loaders_fairness_privacy import (
    STEREO_TYPES,
    load_fairness_privacy,
    reads_topics,
)
from mmtrust.benchmarks.multitrust.table import SubDataset, TaskSpec
from tests.multitrust.data_roots import (
    MANIFEST_FILE,
    PlantedDefect,
    build_data_root,
    expected_items,
    iter_fairness_privacy_subsets,
    planted_defects,
)

SUBSETS = list(iter_fairness_privacy_subsets())
IDS = [f"{spec.task_id}:{sub.name}" for spec, sub in SUBSETS]
SPECS = {spec.task_id: spec for spec, _ in SUBSETS}


@pytest.fixture(scope="module")
def clean_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_root(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def defects_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_root(tmp_path_factory.mktemp("defects"), defects=True)


def _as_written(root: Path, item: RawItem) -> tuple[object, ...]:
    image = None if item.image is None else item.image.relative_to(root).as_posix()
    return item.item_id, item.fields, item.truth, image, item.extra


def _items(root: Path, task: str, name: str) -> list[RawItem]:
    spec = SPECS[task]
    loaded = load_fairness_privacy(root, spec, spec.subset(name))
    assert loaded.problem is None, loaded.problem
    return loaded.items


def test_the_six_tasks_and_their_33_sub_datasets_are_covered() -> None:
    assert sorted(SPECS) == ["F.2", "F.3", "F.6", "P.1", "P.2", "P.3"]
    assert len(SUBSETS) == 5 + 10 + 2 + 2 + 1 + 5
    assert len({sub.name for _, sub in SUBSETS}) == len(SUBSETS)


# --- clean root -----------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "sub"), SUBSETS, ids=IDS)
def test_clean_subset_loads_as_written(clean_root: Path, spec: TaskSpec, sub: SubDataset) -> None:
    loaded = load_fairness_privacy(clean_root, spec, sub)
    expected = expected_items(spec, sub)
    assert loaded.problem is None
    assert expected
    assert [_as_written(clean_root, item) for item in loaded.items] == [
        (e.item_id, e.fields, e.truth, e.image, e.extra) for e in expected
    ]
    assert all(item.problem is None for item in loaded.items)
    shown = sub.image in ("own", "related")
    assert all((item.image is not None) == shown for item in loaded.items)
    # every item fills its prompt's placeholders, and its text is in the prompt
    names = {name for _, name, _, _ in Formatter().parse(sub.prompts[0]) if name}
    for item in loaded.items:
        assert names <= set(item.fields)
        prompt = sub.prompts[0].format(**item.fields)
        assert all(item.fields[name] in prompt for name in names)


def test_clean_truths_are_meaningful(clean_root: Path) -> None:
    agreement = _items(clean_root, "F.2", "stereo-agreement-text")
    assert len(agreement) == 18 and Counter(i.truth for i in agreement) == dict.fromkeys(
        STEREO_TYPES, 3
    )
    assert all(i.extra["type"] == i.truth for i in agreement)
    assert {i.item_id for i in agreement} >= {"age/1", "socioeconomic/3"}
    quoted = next(i for i in agreement if i.item_id == "gender/1")
    assert quoted.fields["statement"] == 'People say "one gender", always, thinks alike.'
    topics = _items(clean_root, "F.3", "stereo-topic-classification-image")
    assert {(i.truth, i.extra["label"]) for i in topics} == {
        (str(k + 1), kind) for k, kind in enumerate(STEREO_TYPES)
    }
    socioeconomic = next(i for i in topics if i.item_id == "socioeconomic/2")
    assert socioeconomic.truth == "6" and socioeconomic.image is not None
    assert socioeconomic.image.as_posix().endswith("fairness/stereo_images/socioeconomic/2.png")
    classes = _items(clean_root, "F.3", "stereo-classification-image")
    assert [(i.truth, i.extra["label"]) for i in classes] == [
        ("1", "stereotype"),
        ("2", "anti-stereotype"),
        ("3", "unrelated"),
    ]
    people = _items(clean_root, "F.6", "profession-pred-with-description")
    assert len(people) == 12 and {i.truth for i in people} == {""}
    assert len({i.fields["profession"] for i in people}) == 4
    genders = Counter(i.extra["gender"] for i in people)
    ages = Counter(i.extra["age"] for i in people)
    tones = Counter(i.extra["skintone"] for i in people)
    assert genders == {"male": 6, "female": 6}  # balanced
    assert len(set(ages.values())) > 1 and len(set(tones.values())) > 1  # not balanced
    assert set(ages) == {"young", "middle", "older"} and set(tones) == {"light", "medium", "dark"}
    described = table.FAIRNESS_PRIVACY[2].subsets[1].prompts[0].format(**people[1].fields)
    assert "who is female, middle, and has a medium." in described
    for name in ("vispr-recognition", "vizwiz-recognition"):
        assert [i.truth for i in _items(clean_root, "P.1", name)] == ["Yes", "No", "Yes"]
    vizwiz = _items(clean_root, "P.1", "vizwiz-recognition")
    assert vizwiz[1].item_id == "VizWiz_priv_0001.jpg" and vizwiz[1].image is not None
    assert vizwiz[1].image.name == "VizWiz_priv_0001.png"  # named .jpg, released as .png
    questions = _items(clean_root, "P.2", "vispr-recognition-pri-query")
    assert [i.truth for i in questions] == ["Yes", "No", "Yes"]
    assert questions[0].image == questions[1].image  # two questions, one image: ids by position
    ratings = _items(clean_root, "P.3", "confaide-image")
    assert [(i.truth, i.extra["label"]) for i in ratings] == [
        ("-100.0", -100.0),
        ("50.0", 50.0),
        ("0.0", 0.0),
    ]
    assert [i.image.name if i.image else None for i in ratings] == ["0.png", "1.png", "2.png"]


def test_text_variants_need_no_image(tmp_path: Path) -> None:
    root = build_data_root(tmp_path)
    for path in sorted(root.rglob("*.png")) + sorted(root.rglob("*.jpg")):
        path.unlink()
    for spec, sub in SUBSETS:
        loaded = load_fairness_privacy(root, spec, sub)
        problems = [i.problem for i in loaded.items if i.problem]
        if sub.image == "own":
            assert loaded.items and len(problems) == len(loaded.items), sub.name
            assert all("missing image" in str(p) for p in problems)
        else:
            assert loaded.problem is None and problems == [], sub.name


# --- defects root ---------------------------------------------------------------------------


def _planted_in(sub: SubDataset) -> list[PlantedDefect]:
    return [d for d in planted_defects() if d.file == sub.annotation and sub.name in d.subsets]


@pytest.mark.parametrize(("spec", "sub"), SUBSETS, ids=IDS)
def test_defects_are_named_and_the_rest_loads(
    defects_root: Path, spec: TaskSpec, sub: SubDataset
) -> None:
    loaded = load_fairness_privacy(defects_root, spec, sub)
    planted = _planted_in(sub)
    assert planted, f"{sub.name}: no defect planted"
    assert loaded.problem is None
    by_id = {item.item_id: item for item in loaded.items}
    for defect in planted:
        item = by_id[str(defect.item_id)]
        assert item.problem is not None, defect
        assert item.problem.startswith(f"{defect.file} {defect.where}:"), item.problem
        assert item.extra["file"] == defect.file and item.extra["record"] == defect.record
        assert item.image is None
    named = {d.item_id for d in planted}
    assert [i.item_id for i in loaded.items if i.problem and i.item_id not in named] == []
    in_file = {d.item_id for d in planted_defects() if d.file == sub.annotation}
    assert [_as_written(defects_root, i) for i in loaded.items if i.item_id not in in_file] == [
        (e.item_id, e.fields, e.truth, e.image, e.extra) for e in expected_items(spec, sub)
    ]


def _problem(root: Path, task: str, name: str, item_id: str) -> str:
    item = next(i for i in _items(root, task, name) if i.item_id == item_id)
    return str(item.problem)


def test_the_problems_say_what_is_wrong(defects_root: Path) -> None:
    statements = "fairness/stereo_statement.csv"
    assert _problem(defects_root, "F.2", "stereo-agreement-text", "politics/4") == (
        f"{statements} line 20: 'Type' 'Politics' is not one of "
        "Age, Gender, Nationality, Race, Religion, Socioeconomic"
    )
    assert "missing 'Stereo Statement' (the row ends before it)" in _problem(
        defects_root, "F.3", "stereo-topic-classification-text", "age/5"
    )
    assert "'Stereo Statement' is empty" in _problem(
        defects_root, "F.2", "stereo-agreement-text", "age/6"
    )
    assert "'Label' 'neutral' is not one of stereotype" in _problem(
        defects_root, "F.3", "stereo-classification-text", "4"
    )
    two = _problem(defects_root, "F.6", "profession-pred", "person_12.jpg")
    assert two == (
        "fairness/profess_prediction.csv line 14: gender: 2 of gender_presentation_masc, "
        "gender_presentation_fem are 1: gender_presentation_masc, gender_presentation_fem; "
        "exactly one must be"
    )
    assert "age: 0 of age_presentation_older" in _problem(
        defects_root, "F.6", "profession-pred", "person_13.jpg"
    )
    assert "missing 'age_presentation_older'" in _problem(
        defects_root, "F.6", "profession-pred-with-description", "person_14.jpg"
    )
    assert "'private' 'maybe' is not yes/no" in _problem(
        defects_root, "P.1", "vispr-recognition", "vispr_0003.jpg"
    )
    assert "line 8: not valid JSON" in _problem(defects_root, "P.1", "vispr-recognition", "line-8")
    assert "'private' 2 is not yes/no" in _problem(
        defects_root, "P.1", "vizwiz-recognition", "VizWiz_priv_0004.jpg"
    )
    assert "corrupt image" in _problem(defects_root, "P.2", "vispr-recognition-pri-query", "6")
    confaide = "privacy/confaide/prompts.txt"
    assert _problem(defects_root, "P.3", "confaide-text", "5") == (
        f"{confaide} line 6: the label on privacy/confaide/labels.txt line 6 'high' is not a number"
    )
    assert _problem(defects_root, "P.3", "confaide-text", "6") == (
        f"{confaide} line 7: the prompt is blank"
    )
    assert _problem(defects_root, "P.3", "confaide-unrelated-image-noise", "8") == (
        f"{confaide} line 9: no label: privacy/confaide/labels.txt has only 7 lines"
    )
    assert "corrupt image" in _problem(defects_root, "P.3", "confaide-image", "3")
    assert "missing image" in _problem(defects_root, "P.3", "confaide-image", "4")
    # in the text variant those two lines load
    text = {i.item_id: i for i in _items(defects_root, "P.3", "confaide-text")}
    assert text["3"].problem is None and text["4"].truth == "-50.0"


def test_every_layout_has_its_defects_listed(defects_root: Path) -> None:
    ours = [d for d in planted_defects() if any(d.file == s.annotation for _, s in SUBSETS)]
    assert {d.kind for d in ours} == {
        "missing-key",
        "bad-truth",
        "unknown-kind",
        "bad-label",
        "missing-image",
        "corrupt-image",
        "truncated-line",
    }
    layouts = {spec.layout for spec, sub in SUBSETS if _planted_in(sub)}
    assert layouts == {spec.layout for spec in SPECS.values()}
    manifest = json.loads((defects_root / MANIFEST_FILE).read_text())
    listed = {(d["file"], d["item_id"]) for d in manifest}
    assert {(d.file, d.item_id) for d in ours} <= listed
    # the F.6 rows with two or no flags of an attribute are named: the others keep their own
    bad_flags = [d for d in ours if d.file.endswith("profess_prediction.csv")]
    assert [d.kind for d in bad_flags][:2] == ["bad-label", "bad-label"]


def test_a_small_root_builds_the_same_files_twice(tmp_path: Path) -> None:
    one = build_data_root(tmp_path / "one", items_per_subset=2, defects=True)
    two = build_data_root(tmp_path / "two", items_per_subset=2, defects=True)
    ours = ("fairness", "privacy")
    files = sorted(p.relative_to(one) for d in ours for p in (one / d).rglob("*") if p.is_file())
    assert files and all((one / f).read_bytes() == (two / f).read_bytes() for f in files)
    assert (one / "privacy/confaide/labels.txt").is_file()


# --- edge cases on hand-written files -------------------------------------------------------


def _load(
    root: Path, task: str, name: str, content: str | bytes | object, file: str | None = None
) -> SubsetLoad:
    spec = SPECS[task]
    sub = spec.subset(name)
    path = root / (file or sub.annotation)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return load_fairness_privacy(root, spec, sub)


def _image(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 32), (200, 30, 30)).save(path)


def test_a_missing_annotation_file_is_a_subset_problem_naming_it(tmp_path: Path) -> None:
    for spec, sub in SUBSETS:
        loaded = load_fairness_privacy(tmp_path, spec, sub)
        assert loaded.items == [] and loaded.problem is not None
        assert loaded.problem.startswith(f"annotation file not found: {sub.annotation}")


@pytest.mark.parametrize(
    ("task", "name", "content", "says"),
    [
        (
            "F.2",
            "stereo-agreement-text",
            "Number,Type\n1,Age\n",
            "has no column 'Stereo Statement'",
        ),
        ("F.3", "stereo-topic-classification-text", "Number,Label\n", "has no column 'Type'"),
        ("F.3", "stereo-classification-text", "", "has no header"),
        ("F.3", "stereo-classification-text", "Number,Sentence,Label\n", "holds no records"),
        ("F.6", "profession-pred", "filename,class1\nx.jpg,nurse\n", "'gender_presentation_masc'"),
        ("F.6", "profession-pred", b"filename,\xff\xfe\n", "is not UTF-8 text"),
        ("F.2", "stereo-agreement-text", 'Number,Type,Stereo Statement\n1,Age,"open', "valid CSV"),
        ("P.1", "vizwiz-recognition", {"image": "a.jpg", "private": 1}, "holds a JSON object"),
        ("P.1", "vizwiz-recognition", '[{"image": "a.jpg", ', "is not valid JSON"),
        ("P.2", "vispr-recognition-pri-query", "not json at all", "not valid JSON or JSONL"),
        ("P.2", "vispr-recognition-pri-query", "[]", "holds no records"),
        ("P.3", "confaide-text", "\n\n", "holds no records"),
    ],
)
def test_unreadable_files_are_subset_problems(
    tmp_path: Path, task: str, name: str, content: str | bytes | object, says: str
) -> None:
    (tmp_path / "privacy/confaide").mkdir(parents=True)
    (tmp_path / "privacy/confaide/labels.txt").write_text("1\n")
    loaded = _load(tmp_path, task, name, content)
    assert loaded.items == [] and loaded.problem is not None
    assert SPECS[task].subset(name).annotation in loaded.problem and says in loaded.problem


def test_confaide_without_labels_or_with_more_labels(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = _load(tmp_path, "P.3", "confaide-text", "Rate this.\n")
    assert missing.items == [] and str(missing.problem).startswith(
        "labels file not found: privacy/confaide/labels.txt"
    )
    (tmp_path / "privacy/confaide/labels.txt").write_text("50\n-100\nnan\n250\n\n")
    with caplog.at_level(logging.WARNING):
        loaded = _load(tmp_path, "P.3", "confaide-text", "Rate this.\r\n  Rate that.  \r\n")
    assert "may be misaligned" in caplog.text
    assert [(i.item_id, i.truth, i.fields) for i in loaded.items[:2]] == [
        ("0", "50.0", {"statement": "Rate this."}),
        ("1", "-100.0", {"statement": "Rate that."}),
    ]
    problems = [str(i.problem) for i in loaded.items[2:]]
    assert problems == [
        "privacy/confaide/prompts.txt line 3: no prompt (privacy/confaide/prompts.txt has only "
        "2 lines) for the label 'nan' on privacy/confaide/labels.txt line 3",
        "privacy/confaide/prompts.txt line 4: no prompt (privacy/confaide/prompts.txt has only "
        "2 lines) for the label '250' on privacy/confaide/labels.txt line 4",
    ]
    (tmp_path / "privacy/confaide/labels.txt").write_text("nan\n250\n")
    loaded = _load(tmp_path, "P.3", "confaide-text", "A.\nB.\n")
    assert ["is outside [-100, 100]" in str(i.problem) for i in loaded.items] == [True, True]


def test_csv_rows_edge_cases(tmp_path: Path) -> None:
    text = (
        "\ufeffNumber , Sentence,Label\n"  # a byte-order mark, spaces around a header name
        "1,A sentence.,Anti-Stereotype\n"
        ",,\n"  # spreadsheet padding: skipped
        "\n"
        "2,Has, a comma,unrelated\n"  # an unquoted comma: a field past the header
        "3,A sentence.,unrelated,\n"  # an empty trailing field is padding
        "../4,A sentence.,unrelated\n"
        "3,Again.,stereotype\n"
    )
    loaded = _load(tmp_path, "F.3", "stereo-classification-text", text)
    assert loaded.problem is None
    assert [(i.item_id, i.extra["record"], i.truth) for i in loaded.items] == [
        ("1", 2, "2"),
        ("2", 5, ""),
        ("3", 6, "3"),
        ("../4", 7, ""),
        ("3#8", 8, "1"),
    ]
    assert loaded.items[0].extra["label"] == "anti-stereotype"
    assert "line 5: fields past the header's last column: 'unrelated'" in str(
        loaded.items[1].problem
    )
    assert "cannot name an image file" in str(loaded.items[3].problem)


def test_profession_flags(tmp_path: Path) -> None:
    header = (
        "filename,class1,gender_presentation_masc,gender_presentation_fem,age_presentation_older,"
        "age_presentation_middle,age_presentation_young,skin_tone_1_3,skin_tone_4_6,"
        "skin_tone_7_10\n"
    )
    rows = (
        "a.jpg,nurse,0,1,,,1,0,0,1\n"  # empty cells are 0
        "b.jpg,pilot,1,0,0,0,0,1,0,0\n"  # no age
        "c.jpg,pilot,1,0,2,0,0,1,0,0\n"  # a flag that is not 0 or 1
        "/abs.jpg,pilot,1,0,1,0,0,1,0,0\n"
    )
    _image(tmp_path / "fairness/profession_images/a.jpg")
    loaded = _load(tmp_path, "F.6", "profession-pred-with-description", header + rows)
    first = loaded.items[0]
    assert first.problem is None and first.fields == {
        "profession": "nurse",
        "gender": "female",
        "age": "young",
        "skintone": "dark",
    }
    assert first.truth == "" and first.extra["skintone"] == "dark"
    problems = [str(i.problem) for i in loaded.items[1:]]
    assert "line 3: age: 0 of" in problems[0]
    assert "line 4: 'age_presentation_older' '2' is not 0 or 1" in problems[1]
    assert "points outside the data root" in problems[2]


@pytest.mark.parametrize(
    ("value", "truth"),
    [
        *((True, "Yes"), (False, "No"), (1, "Yes"), (0, "No"), (1.0, "Yes"), ("yes", "Yes")),
        *((" No ", "No"), ("true", "Yes"), ("0", "No"), (2, None), ("maybe", None), (None, None)),
    ],
)
def test_yes_no_truths(tmp_path: Path, value: object, truth: str | None) -> None:
    _image(tmp_path / "privacy/vispr/test2017/a.jpg")
    loaded = _load(tmp_path, "P.1", "vispr-recognition", [{"image": "a.jpg", "private": value}])
    item = loaded.items[0]
    assert (item.truth, item.problem is None) == ((truth, True) if truth else ("", False))


def test_json_forms_and_image_places(tmp_path: Path) -> None:
    _image(tmp_path / "privacy/vispr/test2017/a.jpg")
    _image(tmp_path / "privacy/vispr/test2017/b.jpg")
    jsonl = '{"image": "a.jpg", "private": 1}\n\n{"image": "sub/b.jpg", "private": 0}\n[1]\n'
    loaded = _load(tmp_path, "P.1", "vispr-recognition", jsonl)
    assert [(i.item_id, i.extra["record"], i.problem is None) for i in loaded.items] == [
        ("a.jpg", 1, True),
        ("sub/b.jpg", 3, True),  # the name's last part, found under the images folder
        ("line-4", 4, False),
    ]
    assert "line 4: a record must be a JSON object" in str(loaded.items[2].problem)
    one = _load(tmp_path, "P.1", "vispr-recognition", '{"image": "a.jpg", "private": true}')
    assert [i.truth for i in one.items] == ["Yes"]  # JSONL of one record
    listed = _load(tmp_path, "P.2", "vispr-recognition-pri-query", "")
    assert listed.problem is not None
    question = '{"image": "a.jpg", "question": "Q?", "private_qa": true}\n'
    questions = _load(tmp_path, "P.2", "vispr-recognition-pri-query", question * 2)
    assert [(i.item_id, i.fields) for i in questions.items] == [
        ("line-1", {"question": "Q?"}),
        ("line-2", {"question": "Q?"}),
    ]
    # a .json file holding one object is not a list of records (JSONL of one line would be)
    alone = _load(tmp_path, "P.2", "vispr-recognition-pri-query", question)
    assert "holds a JSON object" in str(alone.problem)
    nowhere = _load(tmp_path, "P.1", "vizwiz-recognition", [{"image": "n.jpg", "private": 1}])
    problem = str(nowhere.items[0].problem)
    assert "Filling_Images/n.jpg does not exist" in problem and "Filling_Images/n.png" in problem


def test_junk_never_raises(tmp_path: Path) -> None:
    junk: list[str | bytes | object] = [
        b"\x00\x01\x02",
        "a,b\n\x00,1\n",
        [1, None, "x", {"image": 3}, {"image": ""}, {}],
        {"weird": []},
        '"string"',
        "Number,Type,Stereo Statement,Number\n1,2,3,4\n",
    ]
    (tmp_path / "privacy/confaide").mkdir(parents=True)
    (tmp_path / "privacy/confaide/labels.txt").write_bytes(b"\xff\n")
    for spec, sub in SUBSETS:
        for content in junk:
            loaded = _load(tmp_path, spec.task_id, sub.name, content)
            assert isinstance(loaded, SubsetLoad)
            assert loaded.problem is not None or all(i.problem for i in loaded.items)


def test_programming_errors_raise(clean_root: Path) -> None:
    f2, p1 = SPECS["F.2"], SPECS["P.1"]
    with pytest.raises(ValueError, match=r"not a sub-dataset of F\.2"):
        load_fairness_privacy(clean_root, f2, p1.subsets[0])
    t1 = table.task_spec("T.1")
    with pytest.raises(ValueError, match="not a fairness/privacy one"):
        load_fairness_privacy(clean_root, t1, t1.subsets[0])
    assert [reads_topics(sub) for sub in SPECS["F.3"].subsets] == [False] * 5 + [True] * 5
