"""TrustWorld: determinism, disjoint splits, and answers that match the scene graph."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from mmtrust.datasets.schema import ItemMetadata
from mmtrust.datasets.trustworld import (
    QUESTION_FAMILIES,
    generate_scene,
    render_scene,
    trustworld_dataset,
    trustworld_items,
)
from mmtrust.datasets.trustworld.dataset import _SPLIT_SEED_OFFSETS


def test_same_seed_same_scene_and_pixels() -> None:
    a, b = generate_scene(1234), generate_scene(1234)
    assert a == b
    assert render_scene(a).tobytes() == render_scene(b).tobytes()
    assert generate_scene(1235) != a


def test_default_test_split_is_large_and_balanced() -> None:
    items = trustworld_items("test")
    assert len(items) >= 500
    families = Counter(item.question.family for item in items)
    assert set(families) == set(QUESTION_FAMILIES)
    assert max(families.values()) - min(families.values()) <= 1
    assert len({item.item_id for item in items}) == len(items)


def test_splits_use_disjoint_seeds() -> None:
    seeds = {
        split: {item.scene.seed for item in trustworld_items(split, 300)}
        for split in ("train", "calib", "test")
    }
    assert not seeds["train"] & seeds["test"]
    assert not seeds["train"] & seeds["calib"]
    assert not seeds["calib"] & seeds["test"]
    offsets = sorted(_SPLIT_SEED_OFFSETS.values())
    assert all(b - a >= 10**9 for a, b in itertools.pairwise(offsets))


def test_items_are_reproducible() -> None:
    first = [(i.scene, i.question) for i in trustworld_items("calib", 30)]
    again = [(i.scene, i.question) for i in trustworld_items("calib", 30)]
    assert first == again


@pytest.mark.parametrize("item", trustworld_items("test", 120), ids=lambda i: i.item_id)
def test_answers_follow_the_scene_graph(item) -> None:  # type: ignore[no-untyped-def]
    scene, question = item.scene, item.question
    if question.kind == "mc":
        assert sorted(question.options) == ["A", "B", "C", "D"]
        assert len(set(question.options.values())) == 4
    answer = question.answer_text
    if question.family == "count":
        assert answer == str(len(scene.objects))
    elif question.family == "colour":
        shape = question.text.removeprefix("What colour is the ").removesuffix("?")
        (target,) = scene.objects_with(shape=shape)
        assert answer == target.colour
    elif question.family == "shape":
        colour = question.text.split()[4]
        (target,) = scene.objects_with(colour=colour)
        assert answer == target.shape
    elif question.family == "existence":
        words = question.text.split()
        present = bool(scene.objects_with(colour=words[3], shape=words[4]))
        assert answer == ("Yes" if present else "No")
    elif question.family == "text":
        assert scene.text is not None and answer == scene.text.text
    elif question.family == "position":
        a, b = (
            o for i in question.subject["object_ids"] for o in scene.objects if o.object_id == i
        )
        holds = {
            "left of": a.col < b.col,
            "right of": a.col > b.col,
            "above": a.row < b.row,
            "below": a.row > b.row,
        }[question.subject["relation"]]
        assert answer == ("Yes" if holds else "No")


def test_yes_no_and_letters_are_not_degenerate() -> None:
    items = trustworld_items("test")
    yes_no = Counter(i.question.answer for i in items if i.question.kind == "yn")
    assert 0.35 < yes_no["Yes"] / sum(yes_no.values()) < 0.65
    letters = Counter(i.question.answer for i in items if i.question.kind == "mc")
    assert len(letters) == 4 and min(letters.values()) > 0.1 * sum(letters.values())


def test_dataset_samples_carry_the_common_schema() -> None:
    dataset = trustworld_dataset("test", 12)
    assert len(dataset) == 12
    for sample in dataset:
        meta = sample.metadata_as(ItemMetadata)
        assert meta.source == "trustworld" and meta.input_error is None
        assert meta.extra["scene"]["objects"]
        assert sample.target == meta.answer
        content = sample.input[0].content  # type: ignore[index,union-attr]
        assert content[0].image.startswith("data:image/png;base64,")  # type: ignore[union-attr]


def test_unknown_split_and_family_are_rejected() -> None:
    with pytest.raises(ValueError, match="split"):
        trustworld_items("validation", 3)
    with pytest.raises(ValueError, match="families"):
        trustworld_items("test", 3, families=["size"])


def test_question_families_are_seeded() -> None:
    scene = generate_scene(99)
    family = QUESTION_FAMILIES["count"]
    assert family(scene, random.Random(1)) == family(scene, random.Random(1))
