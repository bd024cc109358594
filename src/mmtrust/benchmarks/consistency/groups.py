"""Item groups of the MM-R3 consistency tasks, built on TrustWorld scene graphs.

A group is one base item and its variants, each a question and an image that must get the same
answer (spec: mmr3.md):

- ``rephrasing``: the base question and offline rephrasings of it (``perturb.rephrase``);
- ``restyling``: the base image and classical restyles of it (``perturb.restyle``); a restyle
  that changes colours (grayscale, edge sketch, colour shift) is only applied to questions
  that name no colour, whose truth it cannot change;
- ``masking``: one object hidden under masks of different colour, line width and shape
  (``perturb.mask``), with the question "What kind of object is in the masked region?" and its
  shape as the truth.

Each group is one Inspect sample; its variants (question text and image as a data URI) are in
``ItemMetadata.extra["variants"]``, so the log holds exactly what the model was shown.
"""

from __future__ import annotations

import random
from typing import Any, Literal

from inspect_ai.dataset import Sample
from inspect_ai.model import ContentImage

from mmtrust.datasets.images import image_to_data_uri
from mmtrust.datasets.schema import ItemMetadata, make_sample
from mmtrust.datasets.trustworld import TrustWorldItem, trustworld_items
from mmtrust.datasets.trustworld.questions import LETTERS
from mmtrust.datasets.trustworld.scene import SHAPES
from mmtrust.perturb.mask import mask_object, mask_variants, maskable_objects
from mmtrust.perturb.rephrase import rephrasings
from mmtrust.perturb.restyle import COLOUR_FREE_FAMILIES, apply_restyle, preserves_colour

ConsistencyKind = Literal["rephrasing", "restyling", "masking"]
MASK_QUESTION = "What kind of object is in the masked region?"
"""MM-R3's context-reasoning question, verbatim (benchmark data)."""
DEFAULT_STYLES = ("posterise", "blur", "jpeg", "noise")
"""Restyles that keep every colour a TrustWorld question can ask about (see perturb.restyle)."""
_ITEM_OFFSETS = {"rephrasing": 700_000, "restyling": 800_000, "masking": 900_000}
"""Each task reads its own stretch of the split, apart from the other tasks' items."""


def rephrasing_groups(split: str, n: int, variants: int = 3, seed: int = 0) -> list[Sample]:
    samples = []
    for item in _items(split, n, "rephrasing"):
        questions = [item.question.text, *(rephrasings(item, variants, seed) if variants else [])]
        image = image_to_data_uri(item.image())
        group = [
            _variant(q, image, "original" if i == 0 else f"rephrasing {i}")
            for i, q in enumerate(questions)
        ]
        samples.append(_group_sample(item.metadata(), "rephrasing", group, image))
    return samples


def restyling_groups(
    split: str, n: int, styles: tuple[str, ...] = DEFAULT_STYLES, seed: int = 0
) -> list[Sample]:
    samples = []
    for item in _items(split, n, "restyling"):
        base = item.image()
        image = image_to_data_uri(base)
        group = [_variant(item.question.text, image, "original")]
        for style in styles:
            if preserves_colour(style) or item.question.family in COLOUR_FREE_FAMILIES:
                styled = apply_restyle(style, base, seed)
                group.append(_variant(item.question.text, image_to_data_uri(styled), style))
        samples.append(_group_sample(item.metadata(), "restyling", group, image))
    return samples


def masking_groups(split: str, n: int, masks: int = 3, seed: int = 0) -> list[Sample]:
    """``n`` groups, each an object of its own scene hidden under ``masks`` mask variants."""
    samples: list[Sample] = []
    start = _ITEM_OFFSETS["masking"]
    index = start
    while len(samples) < n:
        (item,) = trustworld_items(split, 1, start=index, families=["count"])
        index += 1
        candidates = maskable_objects(item.scene)
        if not candidates:
            continue
        rng = random.Random(f"{seed}:{item.item_id}:mask")
        target = rng.choice(candidates)
        options = dict(zip(LETTERS, rng.sample(list(SHAPES), len(SHAPES)), strict=True))
        answer = next(letter for letter, shape in options.items() if shape == target.shape)
        metadata = item.metadata().model_copy(
            update={
                "question": MASK_QUESTION,
                "answer": answer,
                "options": options,
                "category": "masking",
                "extra": {
                    **item.metadata().extra,
                    "subject": {"object_ids": [target.object_id], "attribute": "masked shape"},
                },
            }
        )
        group = [
            _variant(
                MASK_QUESTION,
                image_to_data_uri(mask_object(item.scene, target.object_id, spec)),
                f"mask {number}",
                f"{spec.shape}, line width {spec.line_width}, colour {spec.colour}",
            )
            for number, spec in enumerate(mask_variants(seed + index, masks), start=1)
        ]
        samples.append(_group_sample(metadata, "masking", group, group[0]["image"]))
    return samples


def _items(split: str, n: int, kind: ConsistencyKind) -> list[TrustWorldItem]:
    return trustworld_items(split, n, start=_ITEM_OFFSETS[kind])


def _variant(question: str, image: str, label: str, detail: str = "") -> dict[str, Any]:
    return {"question": question, "image": image, "label": label, "detail": detail}


def _group_sample(
    metadata: ItemMetadata, kind: ConsistencyKind, variants: list[dict[str, Any]], image: str
) -> Sample:
    grouped = metadata.model_copy(
        update={
            "item_id": f"{metadata.item_id.replace('trustworld-', 'trustworld-' + kind + '-')}",
            "extra": {**metadata.extra, "variants": variants, "consistency_task": kind},
        }
    )
    return make_sample(grouped, ContentImage(image=image))
