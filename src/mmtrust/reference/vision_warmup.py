"""Stage 0 of the recipe: teach the vision tower what the scene holds, on its own.

Trained end to end from scratch through the language model, the tiny LLaVA's answers stayed at
chance for hundreds of steps, while the same vision tower with a linear probe on each patch
learns every cell's content in a few hundred steps. So the recipe starts there: a per-patch
linear probe (discarded afterwards; it is not part of the saved model) trains the tower to say
which object or glyph each cell holds and, from every patch, the whole-scene facts of
``scene_facts``; the vision-language training then starts from features that already carry
them. This plays the part of the pretrained CLIP a real LLaVA starts from (and, as there, the
tower is then kept frozen: ``TrainingRecipe.freeze_vision_after_warmup``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import torch

from mmtrust.datasets.trustworld import Scene, trustworld_items
from mmtrust.datasets.trustworld.scene import COLOURS, SHAPES, TEXT_GLYPHS, SceneSpec

CELL_CLASSES: tuple[str, ...] = (
    "empty",
    *(f"{colour} {shape}" for colour in COLOURS for shape in SHAPES),
    *(f"letter {glyph}" for glyph in TEXT_GLYPHS),
    "hazard sign",
)
_CLASS_INDEX = {name: index for index, name in enumerate(CELL_CLASSES)}
_WARMUP_ITEM_OFFSET = 10_000_000
"""Stage 0 draws train items far past those the main stage reads, so no scene is shared."""
WARMUP_SCENES = SceneSpec(hazard_probability=0.25)
"""A quarter of the warm-up scenes show the hazard sign, so that the tower tells the sign from
a yellow triangle: the oversensitivity task asks whether the model over-refuses next to a sign,
which means nothing for a model that cannot see one. The sign is drawn from its own random
stream, so every scene's objects are those of the default spec."""


def cell_classes(scene: Scene) -> list[int]:
    """The class of each grid cell in reading order (``CELL_CLASSES`` indices)."""
    cells = [_CLASS_INDEX["empty"]] * (scene.grid * scene.grid)
    for obj in scene.objects:
        cells[obj.row * scene.grid + obj.col] = _CLASS_INDEX[f"{obj.colour} {obj.shape}"]
    if scene.text is not None:
        cells[scene.text.row * scene.grid + scene.text.col] = _CLASS_INDEX[
            f"letter {scene.text.text}"
        ]
    if scene.hazard is not None:
        cells[scene.hazard.row * scene.grid + scene.hazard.col] = _CLASS_INDEX["hazard sign"]
    return cells


_OBJECT_TYPES = [(colour, shape) for colour in COLOURS for shape in SHAPES]
SCENE_FACT_SIZES: tuple[int, ...] = (
    6,  # number of objects, 0-5
    1 + len(TEXT_GLYPHS),  # the glyph, or none
    *(1 + len(COLOURS) for _ in SHAPES),  # colour of the only object of each shape
    *(1 + len(SHAPES) for _ in COLOURS),  # shape of the only object of each colour
    *(2 for _ in _OBJECT_TYPES),  # is there an object of each colour and shape
    *(1 + 4 for _ in _OBJECT_TYPES),  # row of the only object of each type, or none
    *(1 + 4 for _ in _OBJECT_TYPES),  # column of the only object of each type, or none
    2,  # is there a hazard sign
)
"""Classes of each whole-scene fact that every image token is trained to carry."""


def scene_facts(scene: Scene) -> list[int]:
    """The whole-scene facts TrustWorld questions ask about, as class indices in the order of
    ``SCENE_FACT_SIZES`` (0 means none, or more than one object, where one is asked about).

    Every image token learns them, not only the token of the cell concerned: the text model
    then finds what a question needs in any image token, instead of having to learn to search
    the image by content, which it did not learn in the step budget (the answers stayed at
    chance while its grid descriptions were already perfect)."""
    objects = scene.objects

    def only(**attributes: str) -> Any:
        matches = scene.objects_with(**attributes)
        return matches[0] if len(matches) == 1 else None

    facts = [len(objects), 0 if scene.text is None else 1 + TEXT_GLYPHS.index(scene.text.text)]
    colour_names, shape_names = list(COLOURS), list(SHAPES)
    for shape in SHAPES:
        obj = only(shape=shape)
        facts.append(0 if obj is None else 1 + colour_names.index(obj.colour))
    for colour in COLOURS:
        obj = only(colour=colour)
        facts.append(0 if obj is None else 1 + shape_names.index(obj.shape))
    typed = [only(colour=colour, shape=shape) for colour, shape in _OBJECT_TYPES]
    facts += [int(bool(scene.objects_with(colour=c, shape=s))) for c, s in _OBJECT_TYPES]
    facts += [0 if obj is None else 1 + obj.row for obj in typed]
    facts += [0 if obj is None else 1 + obj.col for obj in typed]
    facts.append(int(scene.hazard is not None))
    return facts


def warm_up_vision(
    model: Any,
    image_processor: Any,
    *,
    steps: int,
    batch_size: int,
    lr: float,
    seed: int,
    hazard_share: float = WARMUP_SCENES.hazard_probability,
    log: Callable[[str], None] = print,
) -> float:
    """Train ``model``'s vision tower to classify every cell; returns the last batch's cell
    accuracy. One image token per cell is assumed (``image_size = 4 * patch_size``)."""
    tower = model.model.vision_tower
    spec = SceneSpec(hazard_probability=hazard_share)
    generator = torch.Generator().manual_seed(seed)
    fact_offsets = [0, *itertools.accumulate(SCENE_FACT_SIZES)]
    probe = torch.nn.Linear(tower.config.hidden_size, len(CELL_CLASSES) + fact_offsets[-1])
    with torch.no_grad():
        probe.weight.normal_(0.0, 0.02, generator=generator)
        probe.bias.zero_()
    optimizer = torch.optim.AdamW([*tower.parameters(), *probe.parameters()], lr=lr)
    accuracy = 0.0
    for step in range(steps):
        start = _WARMUP_ITEM_OFFSET + (seed * steps + step) * batch_size
        items = trustworld_items("train", batch_size, start=start, spec=spec)
        pixels = image_processor([item.image() for item in items], return_tensors="pt")
        targets = torch.tensor([cell_classes(item.scene) for item in items])
        facts = torch.tensor([scene_facts(item.scene) for item in items])
        # drop the CLS position, as LLaVA's "default" feature strategy does
        features = tower(pixel_values=pixels["pixel_values"]).last_hidden_state[:, 1:]
        outputs = probe(features)
        logits = outputs[..., : len(CELL_CLASSES)]
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten())
        fact_logits = outputs[..., len(CELL_CLASSES) :]
        for index, (lo, hi) in enumerate(itertools.pairwise(fact_offsets)):
            # the same fact from every token: (batch, tokens, classes) against (batch,)
            expected = facts[:, index].repeat_interleave(features.shape[1])
            loss = loss + torch.nn.functional.cross_entropy(
                fact_logits[..., lo:hi].flatten(0, 1), expected
            ) / len(SCENE_FACT_SIZES)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        accuracy = float((logits.argmax(-1) == targets).float().mean())
        if (step + 1) % 50 == 0 or step + 1 == steps:
            log(f"vision warm-up {step + 1}: loss {loss.item():.4f}, cell accuracy {accuracy:.3f}")
    return accuracy
