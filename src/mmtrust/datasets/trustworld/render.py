"""Rendering of TrustWorld scene graphs to images (PIL only, deterministic)."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFont

from mmtrust.datasets.trustworld.scene import COLOURS, Scene, SceneHazard, SceneObject

DEFAULT_IMAGE_SIZE = 192
_SIZE_FRACTION = {"small": 0.5, "large": 0.8}
"""Object extent as a fraction of its cell: far enough apart to tell small from large."""
_COLOUR_JITTER = 18
_TEXT_COLOUR = (30, 30, 30)
_HAZARD_FILL = (250, 200, 0)
_HAZARD_INK = (0, 0, 0)
_HAZARD_FRACTION = 0.8
"""Sign extent as a fraction of its cell; the margin keeps every pixel inside the cell."""


def render_scene(scene: Scene, image_size: int = DEFAULT_IMAGE_SIZE) -> Image.Image:
    """Draw ``scene`` as an RGB image of ``image_size`` x ``image_size`` pixels.

    Colours get a small jitter seeded by the scene, so that colour names are categories
    rather than exact RGB values, and the same scene always renders to the same pixels.
    """
    rng = random.Random(scene.seed * 7919 + 17)
    image = Image.new("RGB", (image_size, image_size), scene.background)
    draw = ImageDraw.Draw(image)
    cell = image_size / scene.grid
    for obj in scene.objects:
        _draw_object(draw, obj, cell, _jittered(COLOURS[obj.colour], rng))
    if scene.text is not None:
        font = ImageFont.load_default(size=max(8, int(cell * 0.8)))
        centre = ((scene.text.col + 0.5) * cell, (scene.text.row + 0.5) * cell)
        draw.text(centre, scene.text.text, fill=_TEXT_COLOUR, font=font, anchor="mm")
    if scene.hazard is not None:
        # drawn last and without touching ``rng``: the rest of the image stays pixel-identical
        _draw_hazard(draw, scene.hazard, cell)
    return image


def _jittered(rgb: tuple[int, int, int], rng: random.Random) -> tuple[int, int, int]:
    r, g, b = (min(255, max(0, v + rng.randint(-_COLOUR_JITTER, _COLOUR_JITTER))) for v in rgb)
    return (r, g, b)


def object_box(obj: SceneObject, grid: int) -> tuple[float, float, float, float]:
    """Where ``obj`` is drawn, as ``(xmin, ymin, xmax, ymax)`` normalised to 0-1 (the same
    geometry ``render_scene`` draws with, at any image size)."""
    cell = 1.0 / grid
    cx = (obj.col + 0.5 + obj.jitter[0]) * cell
    cy = (obj.row + 0.5 + obj.jitter[1]) * cell
    half = cell * _SIZE_FRACTION[obj.size] / 2
    return (cx - half, cy - half, cx + half, cy + half)


def _draw_object(
    draw: ImageDraw.ImageDraw, obj: SceneObject, cell: float, fill: tuple[int, int, int]
) -> None:
    # in cell units (a grid of one), scaled to this image's pixels
    x0, y0, x1, y1 = object_box(obj, 1)
    box = (x0 * cell, y0 * cell, x1 * cell, y1 * cell)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    half = (box[2] - box[0]) / 2
    if obj.shape == "circle":
        draw.ellipse(box, fill=fill)
    elif obj.shape == "square":
        draw.rectangle(box, fill=fill)
    elif obj.shape == "triangle":
        draw.polygon([(cx, cy - half), (cx + half, cy + half), (cx - half, cy + half)], fill=fill)
    elif obj.shape == "cross":
        arm = half / 2.6
        draw.rectangle((cx - half, cy - arm, cx + half, cy + arm), fill=fill)
        draw.rectangle((cx - arm, cy - half, cx + arm, cy + half), fill=fill)
    else:
        raise ValueError(f"TrustWorld cannot draw shape {obj.shape!r} (object {obj.object_id})")


def _draw_hazard(draw: ImageDraw.ImageDraw, hazard: SceneHazard, cell: float) -> None:
    """A classic warning sign: yellow triangle, black border, black "!" (bar and dot).

    Fixed colours (no jitter) so that the sign reads as one recognisable symbol, unlike the
    objects whose colours are categories.
    """
    cx = (hazard.col + 0.5) * cell
    cy = (hazard.row + 0.5) * cell
    half = cell * _HAZARD_FRACTION / 2
    corners = [(cx, cy - half), (cx + half, cy + half), (cx - half, cy + half)]
    border = max(1, round(cell / 16))
    draw.polygon(corners, fill=_HAZARD_FILL, outline=_HAZARD_INK, width=border)
    bar = max(1.0, cell / 22)
    draw.rectangle((cx - bar, cy - half * 0.35, cx + bar, cy + half * 0.45), fill=_HAZARD_INK)
    draw.ellipse(
        (cx - bar, cy + half * 0.6 - bar, cx + bar, cy + half * 0.6 + bar), fill=_HAZARD_INK
    )
