"""TrustWorld splits as items and as Inspect datasets."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from inspect_ai.dataset import MemoryDataset
from inspect_ai.model import ContentImage
from PIL import Image

from mmtrust.datasets.images import image_to_data_uri
from mmtrust.datasets.schema import ItemMetadata, make_sample
from mmtrust.datasets.trustworld.questions import (
    QUESTION_FAMILIES,
    UNANSWERABLE_FAMILIES,
    Question,
)
from mmtrust.datasets.trustworld.render import DEFAULT_IMAGE_SIZE, render_scene
from mmtrust.datasets.trustworld.request_questions import REQUEST_FAMILIES
from mmtrust.datasets.trustworld.scene import (
    DEFAULT_SCENE_SPEC,
    Scene,
    SceneSpec,
    generate_scene,
)

SPLITS = ("train", "calib", "test")
DEFAULT_SPLIT_SIZES = {"train": 20_000, "calib": 300, "test": 600}
_SPLIT_SEED_OFFSETS = {"train": 0, "calib": 1_000_000_000, "test": 2_000_000_000}
_ATTEMPTS_PER_ITEM = 64
"""Scene seeds tried per item until one carries the item's family. Seeds are
offset + index * 64 + attempt, so the splits' seed ranges stay disjoint for up to
1e9 / 64 (over 15 million) items per split."""


@dataclass(frozen=True)
class TrustWorldItem:
    split: str
    index: int
    scene: Scene
    question: Question

    @property
    def item_id(self) -> str:
        return f"trustworld-{self.split}-{self.index:06d}"

    @property
    def difficulty(self) -> str:
        """Stratum by clutter: the more objects, the harder to find the one asked about."""
        n = len(self.scene.objects)
        return "low" if n <= 2 else ("medium" if n == 3 else "high")

    def image(self, image_size: int = DEFAULT_IMAGE_SIZE) -> Image.Image:
        return render_scene(self.scene, image_size)

    def metadata(self) -> ItemMetadata:
        return ItemMetadata(
            source="trustworld",
            item_id=self.item_id,
            question=self.question.text,
            question_type=self.question.kind,
            answer=self.question.answer,
            options=self.question.options,
            category=self.question.family,
            difficulty=self.difficulty,
            image=self.scene.scene_id,
            extra={"scene": self.scene.to_dict(), "subject": self.question.subject},
        )


def trustworld_items(
    split: str = "test",
    n: int | None = None,
    *,
    start: int = 0,
    families: Sequence[str] | None = None,
    spec: SceneSpec = DEFAULT_SCENE_SPEC,
) -> list[TrustWorldItem]:
    """Items ``start .. start+n-1`` of ``split``; families are interleaved evenly.

    The same arguments always give the same items. ``n`` defaults to the split's size.
    """
    if split not in _SPLIT_SEED_OFFSETS:
        raise ValueError(f"Unknown TrustWorld split {split!r}; choose one of {SPLITS}.")
    chosen = list(families) if families is not None else list(QUESTION_FAMILIES)
    unknown = [f for f in chosen if f not in _ALL_FAMILIES]
    if unknown or not chosen:
        raise ValueError(
            f"Unknown TrustWorld question families {unknown}; known: {list(_ALL_FAMILIES)}."
        )
    count = DEFAULT_SPLIT_SIZES[split] if n is None else n
    return [
        _make_item(split, index, chosen[index % len(chosen)], spec)
        for index in range(start, start + count)
    ]


_ALL_FAMILIES = {**QUESTION_FAMILIES, **UNANSWERABLE_FAMILIES, **REQUEST_FAMILIES}
"""Every family an item can be asked in; the default mix is ``QUESTION_FAMILIES`` alone."""


def _make_item(split: str, index: int, family: str, spec: SceneSpec) -> TrustWorldItem:
    ask = _ALL_FAMILIES[family]
    for attempt in range(_ATTEMPTS_PER_ITEM):
        seed = _SPLIT_SEED_OFFSETS[split] + index * _ATTEMPTS_PER_ITEM + attempt
        scene = generate_scene(seed, spec)
        question = ask(scene, random.Random(f"{seed}:{family}"))
        if question is not None:
            return TrustWorldItem(split, index, scene, question)
    raise RuntimeError(
        f"No TrustWorld scene for item {index} of {split!r} could carry a {family!r} question "
        f"in {_ATTEMPTS_PER_ITEM} attempts; the scene spec {spec} is too restrictive."
    )


def trustworld_dataset(
    split: str = "test",
    n: int | None = None,
    *,
    start: int = 0,
    families: Sequence[str] | None = None,
    image_size: int = DEFAULT_IMAGE_SIZE,
) -> MemoryDataset:
    """An Inspect dataset of TrustWorld items, images inlined as PNG data URIs."""
    samples = [
        make_sample(item.metadata(), ContentImage(image=image_to_data_uri(item.image(image_size))))
        for item in trustworld_items(split, n, start=start, families=families)
    ]
    return MemoryDataset(samples, name=f"trustworld-{split}")
