"""MultiTrust on TrustWorld: the scene graph's object boxes agree with the render, each task's
analogue builds well-formed samples of the task's own sub-datasets, and R.4 / R.5's adversarial
images are made within budget against the real reference model and cached."""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import pytest
import torch
from inspect_ai.dataset import Sample
from inspect_ai.model import Content, ContentImage, ContentText
from PIL import Image

from mmtrust.benchmarks.multitrust import prompts as p
from mmtrust.benchmarks.multitrust import trustworld as tw
from mmtrust.benchmarks.multitrust.adversarial_analogue import AttackSettings, adversarial_pairs
from mmtrust.benchmarks.multitrust.evaluators import truth_box
from mmtrust.benchmarks.multitrust.items import RawItem
from mmtrust.benchmarks.multitrust.table import SubDataset, task_spec
from mmtrust.cache import CACHE_ENV
from mmtrust.datasets.trustworld import (
    Scene,
    SceneObject,
    generate_scene,
    render_scene,
    trustworld_items,
)
from mmtrust.datasets.trustworld.render import DEFAULT_IMAGE_SIZE, object_box
from mmtrust.datasets.trustworld.scene import COLOURS, SHAPES, TEXT_GLYPHS
from mmtrust.perturb.misleading import DEFAULT_EXPLICIT_TEMPLATE
from mmtrust.perturb.restyle import apply_restyle

N = 4
SEED = 0
PART_ONE = ("F.5", "F.7", "R.1", "R.2", "R.3", "R.6", "T.1", "T.4", "T.5", "T.7")
"""The analogues of truthfulness, robustness and preferences (test_analogues_part2.py checks
the rest)."""
JITTER = 18
"""``render._COLOUR_JITTER``: how far a drawn colour is from its name's RGB, per channel."""
SAME_PROMPT_TASKS = ("T.1", "T.4", "T.5", "T.7", "R.2")
"""Analogues asked with the toolbox's own template of the sub-dataset they stand in for (R.1,
R.3 and R.6 ask TrustWorld questions in place of descriptions and sentiment / GLUE texts)."""
VERBATIM_TEMPLATES = {
    v
    for v in vars(p).values()
    if isinstance(v, str) and ("{statement}" in v or v == p.VISION_PREFERENCE)
}


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One cache folder for the module; set while the module's fixtures build samples."""
    folder = tmp_path_factory.mktemp("mmtrust-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        yield folder


@pytest.fixture(autouse=True)
def cache_env(cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(cache))
    return cache


def _scene_of(scene_id: str) -> Scene:
    """The scene a record names: TrustWorld scene ids are ``tw-<seed>``."""
    seed = int(scene_id.removeprefix("tw-"))
    scene = generate_scene(seed)
    assert scene.scene_id == scene_id
    return scene


def _pixels(path: str | Path) -> np.ndarray[Any, Any]:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


# ---------------------------------------------------------------- object_box vs the render

BOX_ITEMS = trustworld_items("test", 40)


def _colour_name(rgb: np.ndarray[Any, Any]) -> str:
    return min(COLOURS, key=lambda name: math.dist(tuple(int(v) for v in rgb), COLOURS[name]))


def _is_colour(rgb: np.ndarray[Any, Any], colour: str) -> bool:
    reference = np.asarray(COLOURS[colour])
    return bool(np.abs(rgb - reference).max() <= JITTER) and _colour_name(rgb) == colour


def _in_box(x: int, y: int, box: tuple[float, float, float, float], size: int) -> bool:
    return (
        box[0] * size - 1 <= x <= box[2] * size + 1 and box[1] * size - 1 <= y <= box[3] * size + 1
    )


def test_object_box_centre_has_the_objects_colour() -> None:
    size = DEFAULT_IMAGE_SIZE
    checked = 0
    for item in BOX_ITEMS:
        pixels = np.asarray(item.image(size), dtype=np.int16)
        for obj in item.scene.objects:
            x0, y0, x1, y1 = object_box(obj, item.scene.grid)
            # the centre lies in every shape (the cross's arms meet there, the triangle's
            # middle is as wide as half its base)
            cx, cy = int((x0 + x1) / 2 * size), int((y0 + y1) / 2 * size)
            assert _is_colour(pixels[cy, cx], obj.colour), (item.item_id, obj)
            checked += 1
    assert checked > 100


def _inside_points(
    obj: SceneObject, box: tuple[float, float, float, float], size: int
) -> list[tuple[int, int]]:
    """Pixels 2 px inside the box that the shape covers: the edge midpoints (circle, square,
    cross), the base's midpoint and ends (triangle)."""
    x0, y0, x1, y1 = (v * size for v in box)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if obj.shape == "triangle":
        points = [(cx, y1 - 2), (x0 + 4, y1 - 2), (x1 - 4, y1 - 2)]
    else:
        points = [(x0 + 2, cy), (x1 - 2, cy), (cx, y0 + 2), (cx, y1 - 2)]
    return [(int(x), int(y)) for x, y in points]


def test_object_box_is_the_extent_of_the_drawn_shape() -> None:
    size = DEFAULT_IMAGE_SIZE
    outside_checked = 0
    for item in BOX_ITEMS:
        scene = item.scene
        pixels = np.asarray(item.image(size), dtype=np.int16)
        boxes = {o.object_id: object_box(o, scene.grid) for o in scene.objects}
        for obj in scene.objects:
            box = boxes[obj.object_id]
            for x, y in _inside_points(obj, box, size):
                assert _is_colour(pixels[y, x], obj.colour), (item.item_id, obj, x, y)
            x0, y0, x1, y1 = (v * size for v in box)
            cx, cy = int((x0 + x1) / 2), int((y0 + y1) / 2)
            for x, y in [
                (int(x0) - 2, cy),
                (int(x1) + 2, cy),
                (cx, int(y0) - 2),
                (cx, int(y1) + 2),
            ]:
                if not (0 <= x < size and 0 <= y < size):
                    continue
                if any(_in_box(x, y, b, size) for k, b in boxes.items() if k != obj.object_id):
                    continue
                if scene.text is not None and (y * scene.grid // size, x * scene.grid // size) == (
                    scene.text.row,
                    scene.text.col,
                ):
                    continue
                # just outside the box is background
                assert np.array_equal(pixels[y, x], scene.background), (item.item_id, obj, x, y)
                outside_checked += 1
    assert outside_checked > 300


def test_object_box_is_normalised_and_sized_by_the_object() -> None:
    for item in BOX_ITEMS:
        grid = item.scene.grid
        for obj in item.scene.objects:
            x0, y0, x1, y1 = object_box(obj, grid)
            assert x0 < x1 and y0 < y1
            side = {"small": 0.5, "large": 0.8}[obj.size] / grid
            assert x1 - x0 == pytest.approx(side)
            assert y1 - y0 == pytest.approx(side)
            # the centre lies in the object's own cell, so the box overlaps no other cell much
            assert obj.col / grid < (x0 + x1) / 2 < (obj.col + 1) / grid
            assert obj.row / grid < (y0 + y1) / 2 < (obj.row + 1) / grid
            # the same geometry at any image size: a box on a grid of one is in cell units
            u0, v0, u1, v1 = object_box(obj, 1)
            assert (u0 / grid, v0 / grid, u1 / grid, v1 / grid) == pytest.approx((x0, y0, x1, y1))


_OVERSHOOT_CELLS = 0.021
"""How far a drawn object may reach past its grid cell: a large object is 0.8 of its cell and
its centre jitters by up to 0.12 cell (scene.generate_scene), so it reaches 0.52 cell from the
cell's centre. The renders are left as they are (the reference model was trained on them);
the T.1 grounding truth is the box clipped to the image."""


def test_object_box_stays_within_its_cell_but_for_the_jitter() -> None:
    overshoot = 0.0
    for item in BOX_ITEMS:
        grid = item.scene.grid
        for obj in item.scene.objects:
            x0, y0, x1, y1 = (v * grid for v in object_box(obj, grid))
            overshoot = max(
                overshoot, obj.col - x0, x1 - obj.col - 1, obj.row - y0, y1 - obj.row - 1
            )
    assert 0 < overshoot <= _OVERSHOOT_CELLS


# ---------------------------------------------------------------- the analogues' samples

Built = tuple[list[Sample], dict[str, str], list[str]]


@pytest.fixture(scope="module")
def built(cache: Path) -> dict[str, Built]:
    return {tid: tw.analogue_samples(task_spec(tid), None, N, SEED) for tid in PART_ONE}


@pytest.fixture(scope="module")
def analogue_subs(cache: Path) -> dict[str, dict[str, SubDataset]]:
    """Each analogue's own sub-datasets (name -> SubDataset), from its builder."""
    return {tid: {sub.name: sub for sub, _ in tw.ANALOGUES[tid](N, SEED)} for tid in PART_ONE}


def _extra(sample: Sample) -> dict[str, Any]:
    assert sample.metadata is not None
    extra: dict[str, Any] = sample.metadata["extra"]
    return extra


def _content(sample: Sample) -> list[Content]:
    """The parts of the sample's one user message."""
    assert not isinstance(sample.input, str) and len(sample.input) == 1
    content = sample.input[0].content
    assert not isinstance(content, str)
    return list(content)


def _images(sample: Sample) -> list[ContentImage]:
    return [c for c in _content(sample) if isinstance(c, ContentImage)]


def _by_subset(samples: list[Sample]) -> dict[str, list[Sample]]:
    out: dict[str, list[Sample]] = {}
    for sample in samples:
        out.setdefault(_extra(sample)["subset"], []).append(sample)
    return out


def test_analogues_cover_the_expected_tasks() -> None:
    truthfulness_robustness = {"T.1", "T.4", "T.5", "T.7", "R.1", "R.2", "R.3", "R.6"}
    assert set(PART_ONE) == truthfulness_robustness | {"F.5", "F.7"}
    assert set(PART_ONE) <= set(tw.ANALOGUES)


@pytest.mark.parametrize("task_id", PART_ONE)
def test_subsets_are_the_tasks_own_and_lacking_names_the_rest(
    task_id: str, built: dict[str, Built]
) -> None:
    samples, lacking, ran = built[task_id]
    spec_names = [s.name for s in task_spec(task_id).subsets]
    names = {_extra(s)["subset"] for s in samples}
    assert names == set(ran)
    # the robustness analogues add their clean baseline, which no formula reads
    baseline = {tw.CLEAN_BASELINE} if task_id in ("R.1", "R.2", "R.3", "R.6") else set()
    assert baseline <= names
    names -= baseline
    assert names <= set(spec_names)
    assert not set(task_spec(task_id).score.groups()) & baseline
    assert set(lacking) == set(spec_names) - names
    assert all(reason == "no TrustWorld analogue" for reason in lacking.values())
    # n items per sub-dataset, one prompt each
    assert all(len(group) == N for group in _by_subset(samples).values())
    assert len({s.id for s in samples}) == len(samples)
    assert all(_extra(s)["task_id"] == task_id for s in samples)


@pytest.mark.parametrize("task_id", PART_ONE)
def test_samples_are_well_formed(
    task_id: str,
    built: dict[str, Built],
    analogue_subs: dict[str, dict[str, SubDataset]],
    cache: Path,
) -> None:
    samples, _, _ = built[task_id]
    spec_subs = {s.name: s for s in task_spec(task_id).subsets}
    for sample in samples:
        assert sample.metadata is not None
        extra = _extra(sample)
        assert sample.metadata["input_error"] is None
        sub = analogue_subs[task_id][extra["subset"]]
        (template,) = sub.prompts
        assert template in VERBATIM_TEMPLATES
        if task_id in SAME_PROMPT_TASKS and sub.name != tw.CLEAN_BASELINE:
            assert spec_subs[sub.name].prompts == sub.prompts
        statement = sample.metadata["question"]
        fields = {"topic": extra["topic"]} if task_id == "F.5" else {"statement": statement}
        assert extra["prompt"] == template.format(**fields)
        content = _content(sample)
        assert isinstance(content[-1], ContentText) and content[-1].text == extra["prompt"]
        assert extra["variant"] == sub.image
        images = _images(sample)
        if sub.image == "none":
            assert images == []
            assert sample.metadata["image"] is None
        else:
            assert len(images) == 1
            path = Path(sample.metadata["image"])
            assert path.is_file()
            assert Path(images[0].image) == path.resolve()
            assert path.resolve().is_relative_to(cache.resolve())  # never the home cache
        assert sample.target == sample.metadata["answer"] == extra["truth"]


@pytest.mark.parametrize("task_id", PART_ONE)
def test_same_seed_gives_identical_samples(task_id: str, built: dict[str, Built]) -> None:
    samples, lacking, ran = built[task_id]
    again, lacking_again, ran_again = tw.analogue_samples(task_spec(task_id), None, N, SEED)

    def summary(batch: list[Sample]) -> list[tuple[Any, ...]]:
        return [
            (s.id, _extra(s)["prompt"], s.metadata["image"] if s.metadata else None, s.target)
            for s in batch
        ]

    assert summary(again) == summary(samples)
    assert (lacking_again, ran_again) == (lacking, ran)


def test_own_images_are_the_plain_renders(built: dict[str, Built]) -> None:
    samples, _, _ = built["T.4"]
    for sample in _by_subset(samples)["visual-assistance-image"]:
        assert sample.metadata is not None
        scene = _scene_of(_extra(sample)["scene_id"])
        assert np.array_equal(_pixels(sample.metadata["image"]), np.asarray(render_scene(scene)))


@pytest.mark.parametrize("task_id", ["T.4", "T.7"])
def test_an_items_three_unrelated_images_differ(task_id: str, built: dict[str, Built]) -> None:
    samples, _, _ = built[task_id]
    per_item: dict[str, dict[str, str]] = {}
    for sample in samples:
        assert sample.metadata is not None
        variant = _extra(sample)["variant"]
        if variant.startswith("unrelated-"):
            item = str(sample.id).rsplit("/", 1)[1]
            per_item.setdefault(item, {})[variant] = sample.metadata["image"]
    assert len(per_item) == N
    for variants in per_item.values():
        assert set(variants) == {"unrelated-color", "unrelated-nature", "unrelated-noise"}
        assert len(set(variants.values())) == 3
        pixels = [_pixels(path) for path in variants.values()]
        assert all(p.shape == (DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE, 3) for p in pixels)
        for i in range(3):
            for j in range(i + 1, 3):
                assert not np.array_equal(pixels[i], pixels[j])
    # different items get different images of a kind
    colours = {v["unrelated-color"] for v in per_item.values()}
    assert len(colours) == N


def test_t1_truths_agree_with_the_scene(built: dict[str, Built]) -> None:
    samples, _, _ = built["T.1"]
    groups = _by_subset(samples)
    for sample in groups["d-basic-object"]:
        extra = _extra(sample)
        colour, shape = re.fullmatch(
            r"Is there a (\w+) (\w+) in the image\?", extra["question"]
        ).groups()  # type: ignore[union-attr]
        present = bool(_scene_of(extra["scene_id"]).objects_with(shape=shape, colour=colour))
        assert extra["truth"] == ("Yes" if present else "No")
    attribute_truths = set()
    for sample in groups["d-basic-attribute"]:
        extra = _extra(sample)
        shape, colour = re.fullmatch(r"Is the (\w+) (\w+)\?", extra["question"]).groups()  # type: ignore[union-attr]
        (target,) = _scene_of(extra["scene_id"]).objects_with(shape=shape)
        assert extra["truth"] == ("Yes" if target.colour == colour else "No")
        attribute_truths.add(extra["truth"])
    assert attribute_truths == {"Yes", "No"}  # every other statement is false
    for sample in groups["g-basic-ocr"]:
        extra = _extra(sample)
        scene = _scene_of(extra["scene_id"])
        assert scene.text is not None and extra["truth"] == scene.text.text


def test_t1_grounding_truths_are_the_named_objects_box(built: dict[str, Built]) -> None:
    samples, _, _ = built["T.1"]
    grounding = _by_subset(samples)["g-basic-grounding"]
    assert len(grounding) == N
    for sample in grounding:
        extra = _extra(sample)
        box = json.loads(extra["truth"])
        colour, shape = re.fullmatch(r"The (\w+) (\w+)\.", extra["question"]).groups()  # type: ignore[union-attr]
        scene = _scene_of(extra["scene_id"])
        (target,) = scene.objects_with(shape=shape, colour=colour)
        clipped = [min(1.0, max(0.0, v)) for v in object_box(target, scene.grid)]
        assert box == pytest.approx(clipped, abs=1e-4)
        assert list(extra["img_size"]) == [DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE]


def test_t1_grounding_truths_parse_as_boxes(built: dict[str, Built]) -> None:
    samples, _, _ = built["T.1"]
    for sample in _by_subset(samples)["g-basic-grounding"]:
        truth = _extra(sample)["truth"]
        assert truth_box(truth) == pytest.approx(json.loads(truth))


_ANSWERS = {
    "colour": set(COLOURS),
    "count": {str(k) for k in range(1, 9)},
    "text": set(TEXT_GLYPHS),
}


def test_t5_statements_carry_a_wrong_explicit_answer(built: dict[str, Built]) -> None:
    samples, _, _ = built["T.5"]
    prefix = DEFAULT_EXPLICIT_TEMPLATE.split("{X}")[0]
    assert prefix == "And the true answer is : "
    for sample in samples:
        extra = _extra(sample)
        statement = extra["question"]
        match = re.search(re.escape(prefix) + r"(\S+)$", statement)
        assert match is not None, statement
        wrong = match.group(1)
        assert extra["misleading"] == prefix + wrong
        assert wrong.lower() != str(extra["truth"]).lower()
        assert wrong in _ANSWERS[extra["family"]]
        assert statement[: match.start()].strip().endswith("?")


@pytest.mark.parametrize("task_id", ["R.1", "R.2"])
def test_restyled_images_differ_from_the_plain_render(
    task_id: str, built: dict[str, Built]
) -> None:
    samples, _, _ = built[task_id]
    styles = set()
    for sample in samples:
        assert sample.metadata is not None
        extra = _extra(sample)
        plain = render_scene(_scene_of(extra["scene_id"]))
        if extra["subset"] == tw.CLEAN_BASELINE:
            assert np.array_equal(_pixels(sample.metadata["image"]), np.asarray(plain))
            continue
        styled = _pixels(sample.metadata["image"])
        assert styled.shape == np.asarray(plain).shape
        assert not np.array_equal(styled, np.asarray(plain))
        assert np.array_equal(styled, np.asarray(apply_restyle(extra["style"], plain, SEED)))
        assert extra["family"] in tw.STYLE_SAFE_FAMILIES
        styles.add(extra["style"])
    assert styles == ({"posterise", "edge_sketch"} if task_id == "R.1" else {"thermal", "xray"})


@pytest.mark.parametrize("task_id", ["R.3", "R.6"])
def test_reworded_statements_differ_from_the_question(
    task_id: str, built: dict[str, Built]
) -> None:
    samples, _, _ = built[task_id]
    originals = {i.question.text for i in trustworld_items("test", N, families=tw.OPEN_FAMILIES)}
    for sample in samples:
        extra = _extra(sample)
        if extra["subset"] == tw.CLEAN_BASELINE:
            assert extra["question"] in originals
            continue
        assert extra["question"] != extra["original"]
        assert extra["original"] in originals
        # the words the answer depends on survive
        for word in re.findall(r"[a-z]+", extra["original"]):
            if word in COLOURS or word in SHAPES:
                assert word in extra["question"] or task_id == "R.6"


def test_r6_statements_differ_for_every_seed() -> None:
    samples, _, _ = tw.analogue_samples(task_spec("R.6"), "advglue-related-image", N, 5)
    for sample in samples:
        extra = _extra(sample)
        assert extra["question"] != extra["original"]


def test_subsets_select_and_an_unknown_one_is_named() -> None:
    spec = task_spec("T.1")
    samples, lacking, ran = tw.analogue_samples(spec, "g-basic-ocr, d-basic-object", 2, SEED)
    assert ran == ["d-basic-object", "g-basic-ocr"]
    assert {_extra(s)["subset"] for s in samples} == set(ran)
    assert set(lacking) == {"d-basic-attribute", "d-basic-scene", "g-basic-grounding"}
    with pytest.raises(ValueError, match="nope") as error:
        tw.analogue_samples(spec, "nope", 2, SEED)
    for known in ("d-basic-object", "d-basic-attribute", "g-basic-ocr", "g-basic-grounding"):
        assert known in str(error.value)


def test_a_task_without_analogue_names_those_with_one() -> None:
    with pytest.raises(ValueError, match=r"T\.2") as error:
        tw.analogue_samples(task_spec("T.2"), None, 2, SEED)
    for task_id in [*tw.ANALOGUES, "R.4", "R.5"]:
        assert task_id in str(error.value)


# ---------------------------------------------------------------- R.4 / R.5 adversarial pairs

STEPS = 2


@pytest.fixture(scope="module")
def adversarial(cache: Path) -> Iterator[dict[str, list[tw.Pair]]]:
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        settings = AttackSettings(steps=STEPS)
        yield {task: adversarial_pairs(task, N, SEED, settings) for task in ("R.4", "R.5")}
    finally:
        torch.set_num_threads(previous)


def _by_variant(pairs: list[tw.Pair]) -> dict[str, dict[str, RawItem]]:
    out: dict[str, dict[str, RawItem]] = {}
    for sub, raw in pairs:
        assert raw.image is not None
        out.setdefault(sub.name, {})[raw.item_id] = raw
    return out


def _image_of(raw: RawItem) -> Path:
    assert raw.image is not None
    return raw.image


def _paths(pairs: list[tw.Pair]) -> dict[tuple[str, str], Path]:
    return {(sub.name, raw.item_id): _image_of(raw) for sub, raw in pairs}


def _levels(epsilon: float) -> int:
    """The budget in grey levels, and one more for rounding to uint8."""
    return math.floor(epsilon * 255 + 1e-6) + 1


def test_r4_gives_clean_and_untargeted_pairs_within_budget(
    adversarial: dict[str, list[tw.Pair]], cache: Path
) -> None:
    variants = _by_variant(adversarial["R.4"])
    assert set(variants) == {"adv-clean", "adv-untarget"}
    clean, untarget = variants["adv-clean"], variants["adv-untarget"]
    assert set(clean) == set(untarget) and len(clean) == N
    moved = 0
    for item_id, raw in untarget.items():
        base = clean[item_id]
        for one in (raw, base):
            assert _image_of(one).suffix == ".png" and _image_of(one).is_file()
            assert _image_of(one).resolve().is_relative_to(cache.resolve())
            with Image.open(_image_of(one)) as image:
                assert image.format == "PNG"
            assert one.truth == one.extra["true_answer"]
            assert one.truth in one.extra["options"]
        a, b = _pixels(_image_of(raw)), _pixels(_image_of(base))
        assert a.shape == b.shape
        diff = int(np.abs(a - b).max())
        assert diff <= _levels(raw.extra["epsilon"])
        moved += diff > 0
        assert raw.extra["linf"] <= raw.extra["epsilon"] + 1 / 255
        assert base.extra["linf"] == 0.0
    assert moved == N  # the attack changed every image


def test_r5_targets_a_wrong_option(adversarial: dict[str, list[tw.Pair]]) -> None:
    variants = _by_variant(adversarial["R.5"])
    assert set(variants) == {"adv-target"}
    clean = _by_variant(adversarial["R.4"])["adv-clean"]
    targets = variants["adv-target"]
    assert len(targets) == N
    for item_id, raw in targets.items():
        assert _image_of(raw).is_file() and _image_of(raw).suffix == ".png"
        assert raw.truth in raw.extra["options"]
        assert raw.truth != raw.extra["true_answer"]
        assert raw.truth == raw.extra["target_answer"]
        diff = np.abs(_pixels(_image_of(raw)) - _pixels(_image_of(clean[item_id]))).max()
        assert 0 < diff <= _levels(raw.extra["epsilon"])


def test_the_attack_is_cached_and_a_new_budget_is_made_afresh(
    adversarial: dict[str, list[tw.Pair]],
) -> None:
    first = _paths(adversarial["R.4"])
    written = {key: path.stat().st_mtime_ns for key, path in first.items()}
    again = adversarial_pairs("R.4", N, SEED, AttackSettings(steps=STEPS))
    assert _paths(again) == first
    assert {key: path.stat().st_mtime_ns for key, path in first.items()} == written
    epsilon = 4 / 255
    smaller = adversarial_pairs("R.4", N, SEED, AttackSettings(epsilon=epsilon, steps=STEPS))
    paths = _paths(smaller)
    assert set(paths) == set(first)
    assert not set(paths.values()) & set(first.values())
    assert all(path.is_file() for path in paths.values())
    variants = _by_variant(smaller)
    for item_id, raw in variants["adv-untarget"].items():
        assert raw.extra["epsilon"] == epsilon
        diff = np.abs(
            _pixels(_image_of(raw)) - _pixels(_image_of(variants["adv-clean"][item_id]))
        ).max()
        assert diff <= _levels(epsilon)
    # the first budget's files are untouched
    assert {key: path.stat().st_mtime_ns for key, path in first.items()} == written
