"""MM-R3 perturbations: image restyles, object masks and question rephrasings on TrustWorld."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
from PIL import Image, ImageChops

from mmtrust.datasets.trustworld import Scene, SceneObject, generate_scene, render_scene
from mmtrust.datasets.trustworld.dataset import TrustWorldItem, trustworld_items
from mmtrust.datasets.trustworld.questions import (
    QUESTION_FAMILIES,
    UNANSWERABLE_FAMILIES,
    Question,
)
from mmtrust.datasets.trustworld.scene import COLOURS, SHAPES, TEXT_GLYPHS, SceneText
from mmtrust.perturb import restyle
from mmtrust.perturb.mask import (
    LINE_WIDTHS,
    MASK_SHAPES,
    MaskSpec,
    mask_bounds,
    mask_object,
    mask_variants,
    maskable_objects,
    object_box,
    text_box,
)
from mmtrust.perturb.rephrase import candidate_rephrasings, rephrasings

BUILT_IN_RESTYLES = (
    "grayscale",
    "posterise",
    "edge_sketch",
    "colour_shift",
    "blur",
    "jpeg",
    "noise",
)
SCENE_SEEDS = range(40)


# ---------------------------------------------------------------- restyles


def invert_style(image: Image.Image, seed: int) -> Image.Image:
    """A user style function, referenced as ``"<this module>:invert_style"``."""
    return Image.eval(image.convert("RGB"), lambda v: 255 - v)


def shrinking_style(image: Image.Image, seed: int) -> Image.Image:
    return image.resize((image.width // 2, image.height // 2))


NOT_CALLABLE = 3


@pytest.fixture
def scene_image() -> Image.Image:
    return render_scene(generate_scene(7))


@pytest.mark.parametrize("name", BUILT_IN_RESTYLES)
def test_restyle_is_deterministic_keeps_size_and_changes_the_image(
    name: str, scene_image: Image.Image
) -> None:
    style = restyle.resolve_restyle(name)
    first, second = style(scene_image, 11), style(scene_image, 11)
    assert first.tobytes() == second.tobytes()
    assert first.size == scene_image.size
    assert first.mode == "RGB"
    assert first.tobytes() != scene_image.tobytes()


@pytest.mark.parametrize("name", BUILT_IN_RESTYLES)
def test_restyle_accepts_other_modes_and_returns_rgb(name: str, scene_image: Image.Image) -> None:
    for mode in ("RGBA", "L"):
        out = restyle.RESTYLES[name](scene_image.convert(mode), 0)
        assert (out.mode, out.size) == ("RGB", scene_image.size)


@pytest.mark.parametrize("name", ["noise", "colour_shift"])
def test_seeded_restyles_vary_with_the_seed(name: str, scene_image: Image.Image) -> None:
    outputs = {restyle.RESTYLES[name](scene_image, seed).tobytes() for seed in range(4)}
    assert len(outputs) > 1


def test_noise_accepts_negative_seeds(scene_image: Image.Image) -> None:
    assert restyle.noise(scene_image, -5).tobytes() == restyle.noise(scene_image, -5).tobytes()


def _colour_name(rgb: np.ndarray) -> str:
    return min(COLOURS, key=lambda name: math.dist(tuple(rgb), COLOURS[name]))


def _core_colour(image: Image.Image, obj: SceneObject, grid: int) -> str:
    """Nearest TrustWorld colour of a small window at the object's centre, which lies inside
    every shape (including the cross's arms and the triangle)."""
    cell = image.width / grid
    cx = int((obj.col + 0.5 + obj.jitter[0]) * cell)
    cy = int((obj.row + 0.5 + obj.jitter[1]) * cell)
    radius = max(1, int(cell * (0.25 if obj.size == "small" else 0.4) / 4))
    window = np.asarray(image, dtype=np.float64)[
        cy - radius : cy + radius + 1, cx - radius : cx + radius + 1
    ]
    return _colour_name(window.reshape(-1, 3).mean(axis=0))


def _colour_agreement(name: str) -> float:
    """Share of objects whose colour name survives restyle ``name`` over many scenes."""
    kept = total = 0
    for seed in SCENE_SEEDS:
        scene = generate_scene(seed)
        styled = restyle.RESTYLES[name](render_scene(scene), seed)
        for obj in scene.objects:
            total += 1
            kept += _core_colour(styled, obj, scene.grid) == obj.colour
    return kept / total


def test_unstyled_render_reads_back_every_colour() -> None:
    """The colour reader of the next tests is right on plain renders."""
    for seed in SCENE_SEEDS:
        scene = generate_scene(seed)
        image = render_scene(scene)
        assert all(_core_colour(image, o, scene.grid) == o.colour for o in scene.objects)


@pytest.mark.parametrize("name", sorted(restyle.PRESERVES_COLOUR))
def test_colour_preserving_restyles_keep_every_colour_name(name: str) -> None:
    assert _colour_agreement(name) == 1.0


@pytest.mark.parametrize("name", sorted(set(BUILT_IN_RESTYLES) - restyle.PRESERVES_COLOUR))
def test_other_restyles_destroy_colour(name: str) -> None:
    # these change what a colour question's true answer is, hence PRESERVES_COLOUR
    assert _colour_agreement(name) < 0.5


def test_preserves_colour_lists_only_builtins() -> None:
    assert set(BUILT_IN_RESTYLES) <= set(restyle.RESTYLES)
    assert sorted(restyle.PRESERVES_COLOUR) == ["blur", "jpeg", "noise", "posterise"]
    assert restyle.preserves_colour("blur")
    assert not restyle.preserves_colour("grayscale")
    assert not restyle.preserves_colour(f"{__name__}:invert_style")


def test_colour_free_families_never_mention_a_colour() -> None:
    families = sorted(restyle.COLOUR_FREE_FAMILIES)
    for item in trustworld_items("test", 30, families=families):
        assert not _words(item.question.text) & set(COLOURS)
    colour_family = trustworld_items("test", 1, families=["shape"])[0]
    assert _words(colour_family.question.text) & set(COLOURS)


def test_resolve_restyle_by_name_and_by_module_path(scene_image: Image.Image) -> None:
    assert restyle.resolve_restyle("grayscale") is restyle.grayscale
    user = restyle.resolve_restyle(f"{__name__}:invert_style")
    assert user is invert_style
    out = restyle.apply_restyle(f"{__name__}:invert_style", scene_image, 0)
    assert out.getpixel((0, 0)) == tuple(255 - v for v in scene_image.getpixel((0, 0)))
    assert restyle.resolve_restyle("mmtrust.perturb.restyle:blur") is restyle.blur


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("cubism", "Unknown restyle 'cubism'"),
        ("no_such_package.styles:cubism", "Cannot import module 'no_such_package.styles'"),
        (f"{__name__}:missing_style", "has no attribute 'missing_style'"),
        (f"{__name__}:NOT_CALLABLE", "is not callable"),
        (":invert_style", "must have the form"),
        (f"{__name__}:", "must have the form"),
    ],
)
def test_resolve_restyle_errors(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        restyle.resolve_restyle(spec)


def test_apply_restyle_rejects_a_style_that_changes_the_size(scene_image: Image.Image) -> None:
    with pytest.raises(ValueError, match="changed the image size"):
        restyle.apply_restyle(f"{__name__}:shrinking_style", scene_image)


def test_register_restyle(monkeypatch: pytest.MonkeyPatch, scene_image: Image.Image) -> None:
    # isolate the global registry so other tests see only the built-ins
    monkeypatch.setattr(restyle, "RESTYLES", dict(restyle.RESTYLES))
    monkeypatch.setattr(restyle, "_USER_PRESERVES_COLOUR", set())
    restyle.register_restyle("inverted", invert_style)
    assert restyle.resolve_restyle("inverted") is invert_style
    assert not restyle.preserves_colour("inverted")
    with pytest.raises(ValueError, match="already registered"):
        restyle.register_restyle("inverted", invert_style)
    restyle.register_restyle("inverted", restyle.blur, preserves_colour=True, replace=True)
    assert restyle.preserves_colour("inverted")
    # a built-in replaced by a user style loses the built-in's colour guarantee
    restyle.register_restyle("blur", invert_style, replace=True)
    assert not restyle.preserves_colour("blur")
    with pytest.raises(ValueError, match="no ':'"):
        restyle.register_restyle("a:b", invert_style)
    with pytest.raises(TypeError, match="callable"):
        restyle.register_restyle("bad", NOT_CALLABLE)  # type: ignore[arg-type]


# ---------------------------------------------------------------- masks


def test_mask_variants_are_deterministic_distinct_and_valid() -> None:
    for seed in range(20):
        variants = mask_variants(seed)
        assert variants == mask_variants(seed)
        assert len(variants) == 3 == len(set(variants))
        # three variants never share a colour
        assert len({v.colour for v in variants}) == 3
        for spec in variants:
            assert spec.line_width in LINE_WIDTHS
            assert spec.shape in MASK_SHAPES
    assert len(set(mask_variants(3, count=10))) == 10
    assert len({tuple(mask_variants(seed)) for seed in range(20)}) > 1


def test_mask_variants_and_spec_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="at least one"):
        mask_variants(0, count=0)
    with pytest.raises(ValueError, match="shape"):
        MaskSpec((0, 0, 0), 3, "triangle")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="line width"):
        MaskSpec((0, 0, 0), 0, "ellipse")
    with pytest.raises(ValueError, match="RGB"):
        MaskSpec((0, 0, 300), 1, "ellipse")


def test_mask_outline_contrasts_with_the_fill() -> None:
    assert MaskSpec((0, 0, 0), 1, "ellipse").outline == (255, 255, 255)
    assert MaskSpec((255, 255, 255), 1, "ellipse").outline == (0, 0, 0)


def _alone(scene: Scene, obj: SceneObject) -> Image.Image:
    return render_scene(dataclasses.replace(scene, objects=(obj,), text=None))


def test_object_box_holds_every_drawn_pixel() -> None:
    """The box is computed like render.py places objects: nothing is drawn outside it."""
    for seed in SCENE_SEEDS:
        scene = generate_scene(seed)
        for obj in scene.objects:
            alone = _alone(scene, obj)
            drawn = ImageChops.difference(alone, Image.new("RGB", alone.size, scene.background))
            x0, y0, x1, y1 = object_box(obj, scene.grid)
            bbox = drawn.getbbox()
            assert bbox is not None
            assert x0 <= bbox[0] and y0 <= bbox[1] and bbox[2] - 1 <= x1 and bbox[3] - 1 <= y1


def _region(image: Image.Image, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return np.asarray(image)[y0 : y1 + 1, x0 : x1 + 1]


@pytest.mark.parametrize("image_size", [96, 192, 320])
def test_mask_hides_the_object_and_leaves_the_rest_untouched(image_size: int) -> None:
    masked_count = 0
    for seed in SCENE_SEEDS:
        scene = generate_scene(seed)
        plain = render_scene(scene, image_size)
        glyph = text_box(scene, image_size)
        for obj in maskable_objects(scene, image_size):
            for spec in mask_variants(seed):
                masked = mask_object(scene, obj.object_id, spec, image_size)
                assert masked.size == plain.size and masked.mode == "RGB"
                box = _region(masked, object_box(obj, scene.grid, image_size))
                is_mask = np.all(box == spec.colour, axis=-1) | np.all(box == spec.outline, axis=-1)
                assert is_mask.all(), f"object {obj.object_id} of scene {seed} shows under {spec}"
                others = [object_box(o, scene.grid, image_size) for o in scene.objects if o != obj]
                for other in [*others, *([glyph] if glyph else [])]:
                    assert np.array_equal(_region(masked, other), _region(plain, other))
                masked_count += 1
    assert masked_count > 50


def test_mask_draws_only_inside_its_bounds() -> None:
    scene = generate_scene(3)
    plain = np.asarray(render_scene(scene))
    for obj in maskable_objects(scene):
        for spec in mask_variants(1, count=4):
            masked = np.asarray(mask_object(scene, obj.object_id, spec))
            x0, y0, x1, y1 = mask_bounds(obj, scene.grid, spec.shape)
            changed_y, changed_x = np.nonzero(np.any(masked != plain, axis=-1))
            assert changed_x.min() >= x0 and changed_x.max() <= x1
            assert changed_y.min() >= y0 and changed_y.max() <= y1


def test_mask_line_width_and_shape_change_the_image() -> None:
    scene = generate_scene(3)
    obj = maskable_objects(scene)[0]
    images = {
        mask_object(scene, obj.object_id, MaskSpec((128, 128, 128), width, shape)).tobytes()
        for width in LINE_WIDTHS
        for shape in MASK_SHAPES
    }
    assert len(images) == len(LINE_WIDTHS) * len(MASK_SHAPES)


def _object(object_id: int, row: int, col: int, jitter: tuple[float, float]) -> SceneObject:
    return SceneObject(object_id, "square", "red", "large", row, col, jitter)


def test_objects_whose_mask_would_touch_another_are_not_maskable() -> None:
    touching = (_object(0, 0, 0, (0.12, 0.0)), _object(1, 0, 1, (-0.12, 0.0)))
    lone = _object(2, 3, 3, (0.0, 0.0))
    scene = Scene("touching", 1, (*touching, lone))
    assert [o.object_id for o in maskable_objects(scene)] == [2]
    # the glyph is taller than wide: an object shifted up towards the text above it is too close
    raised = _object(3, 3, 3, (0.0, -0.12))
    with_text = Scene("text", 1, (raised,), text=SceneText("E", 2, 3))
    assert maskable_objects(with_text) == []
    assert maskable_objects(dataclasses.replace(with_text, text=None)) == [raised]


def test_maskable_objects_are_most_objects() -> None:
    total = sum(len(generate_scene(seed).objects) for seed in SCENE_SEEDS)
    maskable = sum(len(maskable_objects(generate_scene(seed))) for seed in SCENE_SEEDS)
    assert maskable / total > 0.6


def test_mask_object_rejects_an_unknown_object() -> None:
    with pytest.raises(ValueError, match="has no object 99"):
        mask_object(generate_scene(1), 99, mask_variants(0)[0])


# ---------------------------------------------------------------- rephrasings


@pytest.fixture(scope="module")
def items() -> list[TrustWorldItem]:
    answerable = trustworld_items("test", 120)
    unanswerable = trustworld_items("calib", 30, families=list(UNANSWERABLE_FAMILIES))
    return answerable + unanswerable


def test_every_family_has_at_least_three_rephrasings(items: list[TrustWorldItem]) -> None:
    families = {item.question.family for item in items}
    assert families == set(QUESTION_FAMILIES) | set(UNANSWERABLE_FAMILIES)
    for item in items:
        assert len(candidate_rephrasings(item.scene, item.question)) >= 3


def test_rephrasings_are_distinct_new_and_deterministic(items: list[TrustWorldItem]) -> None:
    for item in items:
        for count in (1, 3):
            chosen = rephrasings(item, count=count, seed=5)
            assert chosen == rephrasings(item, count=count, seed=5)
            assert len(chosen) == count == len(set(chosen))
            assert item.question.text not in chosen
            assert all(text.lower() != item.question.text.lower() for text in chosen)
    assert any(rephrasings(item, seed=0) != rephrasings(item, seed=1) for item in items)


def test_rephrasings_reject_impossible_counts(items: list[TrustWorldItem]) -> None:
    item = items[0]
    available = len(candidate_rephrasings(item.scene, item.question))
    assert len(rephrasings(item, count=available)) == available
    for count in (0, available + 1):
        with pytest.raises(ValueError, match="rephrasings"):
            rephrasings(item, count=count)


def test_unknown_family_is_rejected(items: list[TrustWorldItem]) -> None:
    question = Question("weather", "yn", "Is it raining?", "No")
    with pytest.raises(ValueError, match="No rephrasing templates"):
        candidate_rephrasings(items[0].scene, question)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def test_rephrasings_name_the_subject_and_not_the_answer(items: list[TrustWorldItem]) -> None:
    for item in items:
        question, subject = item.question, item.question.subject
        by_id = {o.object_id: o for o in item.scene.objects}
        ids = subject.get("object_ids", [])
        assert isinstance(ids, list)
        objects = [by_id[i] for i in ids]
        for text in candidate_rephrasings(item.scene, question):
            words = _words(text)
            family = question.family
            if family == "colour":
                assert objects[0].shape in words and not words & set(COLOURS)
            elif family == "colour_absent":
                assert subject["shape"] in words and not words & set(COLOURS)
            elif family == "shape":
                assert objects[0].colour in words and not words & set(SHAPES)
            elif family == "shape_absent":
                assert subject["colour"] in words and not words & set(SHAPES)
            elif family == "existence":
                assert {subject["colour"], subject["shape"]} <= words
            elif family == "position":
                assert all(o.description in text for o in objects)
            elif family == "count":
                assert "shapes" in words and words & {"many", "number"}
            else:  # text and text_absent: about the letter, never naming a glyph
                assert "letter" in words
                assert not set(re.findall(r"\b[A-Z]\b", text)) & set(TEXT_GLYPHS)


_DESCRIPTION = rf"((?:{'|'.join(COLOURS)}) (?:{'|'.join(SHAPES)}))"
_PHRASE_RELATIONS = {
    "to the left of": "left of",
    "on the left side of": "left of",
    "left of": "left of",
    "to the right of": "right of",
    "on the right side of": "right of",
    "right of": "right of",
    "higher up than": "above",
    "higher than": "above",
    "above": "above",
    "lower down than": "below",
    "lower than": "below",
    "below": "below",
}
_POSITION = re.compile(
    rf"the {_DESCRIPTION} .*?({'|'.join(map(re.escape, _PHRASE_RELATIONS))}) the {_DESCRIPTION}\?$"
)


def _implied_answer(text: str, scene: Scene) -> str:
    """Parse "the A <relation> the B" back and evaluate it on the scene graph."""
    match = _POSITION.search(text)
    assert match is not None, text
    first, phrase, second = match.groups()
    by_description = {o.description: o for o in scene.objects}
    a, b = by_description[first], by_description[second]
    holds = {
        "left of": a.col < b.col,
        "right of": a.col > b.col,
        "above": a.row < b.row,
        "below": a.row > b.row,
    }[_PHRASE_RELATIONS[phrase]]
    return "Yes" if holds else "No"


def test_position_rephrasings_keep_the_answer(items: list[TrustWorldItem]) -> None:
    positions = [item for item in items if item.question.family == "position"]
    assert len(positions) >= 10
    assert {item.question.answer for item in positions} == {"Yes", "No"}
    swapped = 0
    for item in positions:
        # the parser reads the original question right, so it can judge the rephrasings
        assert _implied_answer(item.question.text, item.scene) == item.question.answer
        first = _POSITION.search(item.question.text)
        assert first is not None
        for text in candidate_rephrasings(item.scene, item.question):
            assert _implied_answer(text, item.scene) == item.question.answer, text
            match = _POSITION.search(text)
            assert match is not None
            swapped += match.group(1) != first.group(1)
    assert swapped > 0


def test_position_swap_example() -> None:
    circle = SceneObject(0, "circle", "red", "small", 1, 0)
    square = SceneObject(1, "square", "blue", "small", 1, 2)
    scene = Scene("example", 1, (circle, square))
    question = Question(
        "position",
        "yn",
        "Is the red circle to the left of the blue square?",
        "Yes",
        subject={"object_ids": [0, 1], "relation": "left of"},
    )
    texts = candidate_rephrasings(scene, question)
    assert "Is the blue square to the right of the red circle?" in texts
    assert "Does the red circle appear left of the blue square?" in texts
    assert question.text not in texts
