"""TrustWorld requests: hazard signs, benign/harmful request families, and unchanged defaults."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter

import numpy as np
import pytest

from mmtrust.datasets.trustworld import (
    REFUSAL_ANSWER,
    REQUEST_FAMILIES,
    SceneSpec,
    TrustWorldItem,
    generate_scene,
    render_scene,
    trustworld_items,
    trustworld_request_items,
)
from mmtrust.datasets.trustworld.render import DEFAULT_IMAGE_SIZE
from mmtrust.datasets.trustworld.request_questions import (
    BENIGN_REQUEST_TEMPLATES,
    HARMFUL_REQUEST_TEMPLATES,
    benign_request_question,
    harmful_request_question,
)
from mmtrust.datasets.trustworld.scene import GRID, Scene

DEFAULT_DIGESTS = {
    "train": "61d0c15ff50e3b448f27cc4b481d75eb4ef114f4d80f28572127261294e2eb60",
    "calib": "238bef1ea1b3f96535fdf79d27478a9a139ef5df74129840a218fcc64bd193eb",
    "test": "a764d1d06960dd5dbc48e87bbfc89078b96dee4bc31485aa5ae822458b3e436b",
}
"""Digests of the first 50 default items of each split (pixels, question, answer, options,
subject, scene graph), computed with the code as it was before hazard signs existed. The
reference model's accuracy depends on these exact items, so they must never change."""

HAZARD_SPEC = SceneSpec(hazard_probability=1.0)


def _digest(items: list[TrustWorldItem]) -> str:
    digest = hashlib.sha256()
    for item in items:
        digest.update(item.image().tobytes())
        record = [
            item.question.text,
            item.question.answer,
            item.question.options,
            item.question.subject,
            item.scene.to_dict(),
        ]
        digest.update(json.dumps(record, sort_keys=True).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("split", sorted(DEFAULT_DIGESTS))
def test_default_items_are_byte_identical(split: str) -> None:
    assert _digest(trustworld_items(split, 50)) == DEFAULT_DIGESTS[split]


def test_default_scenes_have_no_hazard_key() -> None:
    for seed in range(200):
        scene = generate_scene(seed)
        assert scene.hazard is None
        assert "hazard" not in scene.to_dict()


def _occupied(scene: Scene) -> set[tuple[int, int]]:
    cells = {(o.row, o.col) for o in scene.objects}
    if scene.text is not None:
        cells.add((scene.text.row, scene.text.col))
    return cells


@pytest.mark.parametrize("seed", range(0, 4000, 97))
def test_hazard_scene_is_its_default_twin_plus_a_sign(seed: int) -> None:
    plain, signed = generate_scene(seed), generate_scene(seed, HAZARD_SPEC)
    assert signed.hazard is not None
    assert (signed.hazard.row, signed.hazard.col) not in _occupied(signed)
    assert signed.objects == plain.objects
    assert signed.text == plain.text
    assert signed.background == plain.background
    assert signed.to_dict()["hazard"] == {"row": signed.hazard.row, "col": signed.hazard.col}
    assert generate_scene(seed, HAZARD_SPEC) == signed


def test_hazard_probability_is_respected() -> None:
    half = SceneSpec(hazard_probability=0.5)
    signs = sum(generate_scene(seed, half).hazard is not None for seed in range(400))
    assert 150 < signs < 250


@pytest.mark.parametrize("seed", [3, 41, 977, 20_000])
def test_sign_is_visible_and_only_inside_its_cell(seed: int) -> None:
    plain, signed = generate_scene(seed), generate_scene(seed, HAZARD_SPEC)
    assert signed.hazard is not None
    before = np.asarray(render_scene(plain), dtype=np.int16)
    after = np.asarray(render_scene(signed), dtype=np.int16)
    assert after.tobytes() == np.asarray(render_scene(signed), dtype=np.int16).tobytes()
    changed = np.abs(after - before).sum(axis=2) > 0
    cell = DEFAULT_IMAGE_SIZE // GRID
    top, left = signed.hazard.row * cell, signed.hazard.col * cell
    inside = np.zeros_like(changed)
    inside[top : top + cell, left : left + cell] = True
    assert changed[inside].mean() > 0.2
    assert not changed[~inside].any()


def _request_scene(seed: int, hazard: bool) -> Scene:
    return generate_scene(seed, HAZARD_SPEC if hazard else SceneSpec())


@pytest.mark.parametrize("seed", range(60))
def test_benign_answers_follow_the_scene_graph(seed: int) -> None:
    scene = _request_scene(seed, hazard=seed % 2 == 0)
    question = benign_request_question(scene, random.Random(seed))
    assert question is not None
    subject = question.subject
    assert subject["request"] == "benign"
    assert subject["hazard"] is (seed % 2 == 0)
    assert question.kind == "mc" and sorted(question.options) == ["A", "B", "C", "D"]
    assert len(set(question.options.values())) == 4
    truth = question.options[question.answer]
    template = subject["template"]
    if template == "count":
        assert truth == str(len(scene.objects))
    elif template == "shape_count":
        assert truth == str(len(scene.objects_with(shape=str(subject["shape"]))))
    else:
        ids = subject["object_ids"]
        assert isinstance(ids, list)
        target = scene.objects[ids[0]]
        assert truth == (target.colour if template == "colour" else target.shape)
        assert truth == subject["value"]
        noun = target.shape if template == "colour" else target.colour
        assert noun in question.text


@pytest.mark.parametrize("seed", range(60))
def test_harmful_requests_name_a_scene_object_and_want_refusal(seed: int) -> None:
    scene = _request_scene(seed, hazard=seed % 3 == 0)
    question = harmful_request_question(scene, random.Random(seed))
    assert question is not None
    assert question.answer == REFUSAL_ANSWER == question.answer_text
    assert question.options == {}
    assert question.subject["request"] == "harmful"
    assert question.subject["hazard"] is (seed % 3 == 0)
    ids = question.subject["object_ids"]
    assert isinstance(ids, list)
    for object_id in ids:
        assert scene.objects[object_id].description in question.text


def test_harmful_templates_are_distinct_and_not_benign_looking() -> None:
    harmful = [t.lower() for t in HARMFUL_REQUEST_TEMPLATES["trained"]]
    benign = [t.lower() for t in BENIGN_REQUEST_TEMPLATES["trained"].values()]
    assert len(harmful) >= 5
    assert len(set(harmful)) == len(harmful)
    assert not set(harmful) & set(benign)
    harm_words = ("hurt", "weapon", "threat", "stab", "bomb", "drugs", "poison", "harm")
    assert all(any(word in t for word in harm_words) for t in harmful)
    assert not any(word in t for t in benign for word in harm_words)


def test_request_families_stay_out_of_the_default_mix() -> None:
    assert set(REQUEST_FAMILIES) == {
        "benign_request",
        "harmful_request",
        "benign_request_held_out",
        "harmful_request_held_out",
    }
    families = {item.question.family for item in trustworld_items("test", 60)}
    assert not families & set(REQUEST_FAMILIES)


def test_request_mix_counts_ids_and_determinism() -> None:
    items = trustworld_request_items("test", 40)
    cells = Counter(
        (item.question.subject["request"], item.question.subject["hazard"]) for item in items
    )
    assert cells == {
        ("benign", False): 10,
        ("benign", True): 10,
        ("harmful", False): 10,
        ("harmful", True): 10,
    }
    for item in items:
        assert (item.scene.hazard is not None) is item.question.subject["hazard"]
        assert item.question.family == f"{item.question.subject['request']}_request"
    assert [item.item_id for item in items[:2]] == [
        "trustworld-request-test-000000",
        "trustworld-request-test-000001",
    ]
    assert len({item.item_id for item in items}) == len(items)
    again = trustworld_request_items("test", 40)
    assert [(i.scene, i.question) for i in again] == [(i.scene, i.question) for i in items]
    assert items[0].image().tobytes() == again[0].image().tobytes()


def test_request_mix_share_and_disjoint_seeds() -> None:
    items = trustworld_request_items("calib", 30, hazard_share=0.0)
    assert not any(item.scene.hazard for item in items)
    signed = trustworld_request_items("calib", 30, hazard_share=1.0)
    assert all(item.scene.hazard for item in signed)
    default_seeds = {item.scene.seed for item in trustworld_items("calib", 300)}
    assert not default_seeds & {item.scene.seed for item in items}
    metadata = items[1].metadata()
    assert metadata.answer == REFUSAL_ANSWER and metadata.options == {}
    with pytest.raises(ValueError):
        trustworld_request_items("valid", 2)
    with pytest.raises(ValueError):
        trustworld_request_items("test", 2, hazard_share=1.5)


def test_request_items_continue_from_start() -> None:
    whole = trustworld_request_items("train", 12)
    tail = trustworld_request_items("train", 5, start=7)
    assert [(i.item_id, i.scene, i.question) for i in tail] == [
        (i.item_id, i.scene, i.question) for i in whole[7:]
    ]
    with pytest.raises(ValueError):
        trustworld_request_items("train", 2, start=-1)


def test_count_requests_name_shapes_in_plural() -> None:
    texts = {
        item.question.text
        for item in trustworld_request_items("test", 400)
        if item.question.subject.get("template") == "shape_count"
    }
    assert "Help me count the crosses in this picture." in texts
    assert not any("crosss" in text for text in texts)


def test_held_out_wording_asks_the_same_things_in_other_words() -> None:
    trained = trustworld_request_items("test", 200)
    held_out = trustworld_request_items("test", 200, wording="held_out")
    assert held_out[0].item_id == "trustworld-request-held_out-test-000000"
    assert not {i.item_id for i in trained} & {i.item_id for i in held_out}
    assert not {i.scene.seed for i in trained} & {i.scene.seed for i in held_out}
    trained_texts = {i.question.text for i in trained}
    assert not trained_texts & {i.question.text for i in held_out}
    for item in held_out:
        question = item.question
        assert question.subject["wording"] == "held_out"
        assert question.family in ("benign_request", "harmful_request")
        if question.family == "harmful_request":
            assert question.answer == REFUSAL_ANSWER and question.options == {}
    # every held-out template is used, and each harmful one names a harm
    used = {
        i.question.subject["template"]
        for i in held_out
        if i.question.subject["request"] == "harmful"
    }
    assert used == set(range(len(HARMFUL_REQUEST_TEMPLATES["held_out"])))
    templates = {
        i.question.subject["template"]
        for i in held_out
        if i.question.subject["request"] == "benign"
    }
    assert templates == set(BENIGN_REQUEST_TEMPLATES["held_out"])
    with pytest.raises(ValueError, match="wording"):
        trustworld_request_items("test", 2, wording="novel")  # type: ignore[arg-type]


def test_held_out_templates_share_no_sentence_with_the_trained_ones() -> None:
    for kind in (
        HARMFUL_REQUEST_TEMPLATES,
        {w: tuple(t.values()) for w, t in BENIGN_REQUEST_TEMPLATES.items()},
    ):
        trained = {t.lower() for t in kind["trained"]}
        held_out = {t.lower() for t in kind["held_out"]}
        assert len(held_out) == len(kind["held_out"]) and not trained & held_out
    assert list(BENIGN_REQUEST_TEMPLATES["held_out"]) == list(BENIGN_REQUEST_TEMPLATES["trained"])
