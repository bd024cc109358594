"""Masking one TrustWorld object, as MM-R3's context-reasoning task masks a COCO object.

MM-R3 (spec: shared/spec/mmr3.md) hides one object under an opaque mask and asks what kind of
object is in the masked region; each image gets three masks that differ in colour, outline
line width (1/3/5/7 px) and shape (ellipse or rectangle), and a consistent model names the same
object under all three. Here the masked object is a TrustWorld shape and the true answer is
its ``shape``.

The mask covers the object's whole drawn extent plus a margin, computed with the geometry that
``render.py`` draws with, so no pixel of the object shows. Only objects whose mask would not
touch any other object or the text are offered for masking (``maskable_objects``): the masked
region then holds exactly one object, and the rest of the image stays pixel-identical.
"""

from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageChops, ImageDraw

# render.py's own size table, not a copy: the mask must track any change to how objects are drawn
from mmtrust.datasets.trustworld.render import (
    _SIZE_FRACTION,
    DEFAULT_IMAGE_SIZE,
    render_scene,
)
from mmtrust.datasets.trustworld.scene import COLOURS, Scene, SceneObject

MaskShape = Literal["ellipse", "rectangle"]
Box = tuple[int, int, int, int]
"""Pixel box ``(x0, y0, x1, y1)``, both corners inclusive."""
RGB = tuple[int, int, int]

MASK_SHAPES: tuple[MaskShape, ...] = ("ellipse", "rectangle")
LINE_WIDTHS: tuple[int, ...] = (1, 3, 5, 7)
"""MM-R3's outline widths in pixels."""
NAMED_MASK_COLOURS: dict[str, RGB] = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "grey": (128, 128, 128),
}
"""Fixed mask colours; ``mask_variants`` also draws random ones."""
_RANDOM_COLOUR = "random"
_MIN_COLOUR_DISTANCE = 80.0
"""A random mask colour keeps this RGB distance from every TrustWorld colour, so the mask does
not read as one more coloured object of the scene."""
_BOX_SLACK = 1
"""Pixels added around the analytic object box to absorb the rasteriser's rounding."""
_MARGIN_FRACTION = 0.04
"""Margin of the mask around the object box, as a fraction of a cell (at least 2 px)."""


@dataclass(frozen=True)
class MaskSpec:
    """One mask variant: fill colour, outline width in pixels, and shape.

    The outline is drawn in black or white, whichever contrasts with the fill, so the line
    width is visible whatever the colour.
    """

    colour: RGB
    line_width: int
    shape: MaskShape

    def __post_init__(self) -> None:
        if self.shape not in MASK_SHAPES:
            raise ValueError(f"Mask shape {self.shape!r} is not one of {MASK_SHAPES}.")
        if self.line_width < 1:
            raise ValueError(f"Mask line width must be at least 1 px, not {self.line_width}.")
        if len(self.colour) != 3 or any(not 0 <= v <= 255 for v in self.colour):
            raise ValueError(f"Mask colour {self.colour!r} is not an RGB triple of 0-255.")

    @property
    def outline(self) -> RGB:
        """Black on light fills, white on dark ones (ITU-R BT.601 luma)."""
        r, g, b = self.colour
        return (0, 0, 0) if 0.299 * r + 0.587 * g + 0.114 * b >= 128 else (255, 255, 255)


def mask_variants(seed: int, count: int = 3) -> list[MaskSpec]:
    """``count`` distinct mask specs drawn from ``seed``; the same seed gives the same list.

    Colours cycle through black, white, grey and a random colour in a seeded order, so three
    variants never share a colour kind; widths and shapes are drawn at random.
    """
    if count < 1:
        raise ValueError(f"Need at least one mask variant, not {count}.")
    rng = random.Random(f"mask-variants:{seed}")
    kinds = [*NAMED_MASK_COLOURS, _RANDOM_COLOUR]
    variants: list[MaskSpec] = []
    while len(variants) < count:
        if len(variants) % len(kinds) == 0:
            rng.shuffle(kinds)
        kind = kinds[len(variants) % len(kinds)]
        colour = _random_colour(rng) if kind == _RANDOM_COLOUR else NAMED_MASK_COLOURS[kind]
        spec = MaskSpec(colour, rng.choice(LINE_WIDTHS), rng.choice(MASK_SHAPES))
        # a repeated fixed-colour spec (possible after the first cycle) is drawn again
        if spec not in variants:
            variants.append(spec)
    return variants


def _random_colour(rng: random.Random) -> RGB:
    """A seeded colour far from every TrustWorld object colour."""
    while True:
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if all(math.dist(colour, named) >= _MIN_COLOUR_DISTANCE for named in COLOURS.values()):
            return colour


def object_box(obj: SceneObject, grid: int, image_size: int = DEFAULT_IMAGE_SIZE) -> Box:
    """The pixel box holding every pixel ``render_scene`` draws for ``obj``.

    Same placement as ``render.py``: centre at the cell centre plus the jitter, extent the size
    fraction of a cell; widened by a pixel for rounding and clipped to the image.
    """
    return _clip(_unclipped_box(obj, grid, image_size), image_size)


def _clip(box: Box, image_size: int) -> Box:
    x0, y0, x1, y1 = box
    last = image_size - 1
    return (max(0, x0), max(0, y0), min(last, x1), min(last, y1))


def mask_bounds(
    obj: SceneObject, grid: int, shape: MaskShape, image_size: int = DEFAULT_IMAGE_SIZE
) -> Box:
    """The bounding box of the mask drawn over ``obj`` (may reach past the image edge).

    A rectangle is the object box plus a margin. An ellipse inscribed in that rectangle would
    leave a square's corners showing, so the ellipse circumscribes it instead: semi-axes
    sqrt(2) times the rectangle's half-sides pass through its corners (plus a pixel).
    """
    margin = max(2, round(_MARGIN_FRACTION * image_size / grid))
    x0, y0, x1, y1 = _unclipped_box(obj, grid, image_size)
    x0, y0, x1, y1 = x0 - margin, y0 - margin, x1 + margin, y1 + margin
    if shape == "rectangle":
        return (x0, y0, x1, y1)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax = (x1 - x0) / 2 * math.sqrt(2) + 1
    ay = (y1 - y0) / 2 * math.sqrt(2) + 1
    return (math.floor(cx - ax), math.floor(cy - ay), math.ceil(cx + ax), math.ceil(cy + ay))


def _unclipped_box(obj: SceneObject, grid: int, image_size: int) -> Box:
    """``object_box`` before clipping: the mask is placed around the whole object even where
    the object runs off the image, so its shape does not depend on the object's position."""
    cell = image_size / grid
    cx = (obj.col + 0.5 + obj.jitter[0]) * cell
    cy = (obj.row + 0.5 + obj.jitter[1]) * cell
    half = cell * _SIZE_FRACTION[obj.size] / 2
    return (
        math.floor(cx - half) - _BOX_SLACK,
        math.floor(cy - half) - _BOX_SLACK,
        math.ceil(cx + half) + _BOX_SLACK,
        math.ceil(cy + half) + _BOX_SLACK,
    )


def _draw_mask(draw: ImageDraw.ImageDraw, bounds: Box, spec: MaskSpec) -> None:
    """A filled shape whose outline of ``spec.line_width`` lies inside ``bounds``."""
    if spec.shape == "ellipse":
        draw.ellipse(bounds, fill=spec.colour, outline=spec.outline, width=spec.line_width)
    else:
        draw.rectangle(bounds, fill=spec.colour, outline=spec.outline, width=spec.line_width)


def mask_object(
    scene: Scene, object_id: int, spec: MaskSpec, image_size: int = DEFAULT_IMAGE_SIZE
) -> Image.Image:
    """The rendered ``scene`` with object ``object_id`` hidden under the mask ``spec``."""
    obj = scene.object(object_id)
    image = render_scene(scene, image_size)
    _draw_mask(ImageDraw.Draw(image), mask_bounds(obj, scene.grid, spec.shape, image_size), spec)
    return image


def _footprint(obj: SceneObject, grid: int, image_size: int) -> Image.Image:
    """Every pixel any mask variant over ``obj`` can paint (the union of both shapes).

    The outline lies inside the shape's bounds, so the line width does not enlarge it.
    """
    footprint = Image.new("L", (image_size, image_size), 0)
    draw = ImageDraw.Draw(footprint)
    for shape in MASK_SHAPES:
        bounds = mask_bounds(obj, grid, shape, image_size)
        if shape == "ellipse":
            draw.ellipse(bounds, fill=255)
        else:
            draw.rectangle(bounds, fill=255)
    return footprint


def text_box(scene: Scene, image_size: int = DEFAULT_IMAGE_SIZE) -> Box | None:
    """The pixel box of the scene's rendered glyph, or None for a scene without text.

    Read off a render of the text alone rather than re-deriving the font metrics, so it
    matches ``render.py`` whatever font PIL loads.
    """
    if scene.text is None:
        return None
    text_only = render_scene(dataclasses.replace(scene, objects=()), image_size)
    blank = Image.new("RGB", text_only.size, scene.background)
    bbox = ImageChops.difference(text_only, blank).getbbox()
    if bbox is None:
        return None
    # getbbox's right and bottom are exclusive; Box corners are inclusive
    x0, y0, x1, y1 = bbox
    return (x0, y0, x1 - 1, y1 - 1)


def _touches(footprint: Image.Image, box: Box) -> bool:
    x0, y0, x1, y1 = box
    return footprint.crop((x0, y0, x1 + 1, y1 + 1)).getbbox() is not None


def maskable_objects(scene: Scene, image_size: int = DEFAULT_IMAGE_SIZE) -> list[SceneObject]:
    """Objects that every mask variant hides without covering any other object or the text.

    For these, "What shape is in the masked region?" refers to exactly one object (its
    ``shape`` is the answer) and the rest of the image is unchanged by the mask.
    """
    glyph = text_box(scene, image_size)
    chosen: list[SceneObject] = []
    for obj in scene.objects:
        footprint = _footprint(obj, scene.grid, image_size)
        others = [object_box(o, scene.grid, image_size) for o in scene.objects if o is not obj]
        if glyph is not None:
            others.append(glyph)
        if not any(_touches(footprint, box) for box in others):
            chosen.append(obj)
    return chosen
