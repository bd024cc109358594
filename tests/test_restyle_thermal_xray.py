"""The sensor-like restyles of MultiTrust's R.2 analogue: ``thermal`` (an infrared palette) and
``xray`` (inverted grey levels)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from mmtrust.datasets.trustworld import generate_scene, render_scene
from mmtrust.datasets.trustworld.scene import COLOURS
from mmtrust.perturb import restyle

SENSOR_RESTYLES = ("thermal", "xray")
SIZE = (40, 24)


def _pixels(image: Image.Image) -> np.ndarray[Any, Any]:
    return np.asarray(image, dtype=np.int16)


def _solid(rgb: tuple[int, int, int]) -> Image.Image:
    return Image.new("RGB", SIZE, rgb)


@pytest.fixture
def scene_image() -> Image.Image:
    return render_scene(generate_scene(7))


@pytest.mark.parametrize("name", SENSOR_RESTYLES)
def test_registered_and_not_colour_preserving(name: str) -> None:
    assert restyle.RESTYLES[name] is getattr(restyle, name)
    assert restyle.resolve_restyle(name) is getattr(restyle, name)
    assert name not in restyle.PRESERVES_COLOUR
    assert not restyle.preserves_colour(name)


@pytest.mark.parametrize("name", SENSOR_RESTYLES)
@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA", "P"])
def test_size_and_mode_are_kept(name: str, mode: str, scene_image: Image.Image) -> None:
    source = scene_image.resize(SIZE).convert(mode)
    out = restyle.RESTYLES[name](source, 0)
    assert out.size == SIZE
    assert out.mode == "RGB"
    assert restyle.apply_restyle(name, source, 0).size == SIZE


@pytest.mark.parametrize("name", SENSOR_RESTYLES)
def test_deterministic_and_changes_the_image(name: str, scene_image: Image.Image) -> None:
    style = restyle.RESTYLES[name]
    first = style(scene_image, 5)
    assert first.tobytes() == style(scene_image, 5).tobytes()
    # neither uses the seed
    assert first.tobytes() == style(scene_image, 6).tobytes()
    assert first.tobytes() != scene_image.tobytes()


def test_thermal_maps_black_to_black_and_white_to_near_white() -> None:
    black = _pixels(restyle.thermal(_solid((0, 0, 0))))
    assert np.all(black == 0)
    white = _pixels(restyle.thermal(_solid((255, 255, 255))))
    assert np.all(white.min(axis=(0, 1)) >= 200)
    assert np.all(white == white[0, 0])


def test_thermal_maps_mid_grey_to_red() -> None:
    red, green, blue = (int(v) for v in _pixels(restyle.thermal(_solid((128, 128, 128))))[0, 0])
    assert red > 150
    assert red > green + 100
    assert red > blue + 80


def test_thermal_is_brighter_for_brighter_input() -> None:
    greys = [0, 40, 80, 120, 160, 200, 240, 255]
    levels = [_pixels(restyle.thermal(_solid((g, g, g))))[0, 0].sum() for g in greys]
    assert levels == sorted(levels)
    assert levels[0] < levels[-1]


def _dark_square_on_white() -> Image.Image:
    image = Image.new("RGB", (64, 64), (250, 250, 250))
    ImageDraw.Draw(image).rectangle((20, 20, 43, 43), fill=(20, 20, 60))
    return image


def test_xray_inverts_background_and_object() -> None:
    out = _pixels(restyle.xray(_dark_square_on_white()))
    assert np.all(out[..., 0] == out[..., 1])  # grey levels only
    assert np.all(out[..., 1] == out[..., 2])
    background, inside = out[2:8, 2:8, 0], out[28:36, 28:36, 0]
    assert background.max() < 40  # the white background is dark
    assert inside.min() > 215  # the dark object is bright


def test_xray_on_a_scene_darkens_the_background(scene_image: Image.Image) -> None:
    out = _pixels(restyle.xray(scene_image))
    assert out[1, 1, 0] < 40  # the corner is background: near white before
    assert out.max() > 200


def _colour_name(rgb: np.ndarray[Any, Any]) -> str:
    return min(COLOURS, key=lambda name: math.dist(tuple(rgb), COLOURS[name]))


@pytest.mark.parametrize("name", SENSOR_RESTYLES)
def test_sensor_restyles_lose_colour_names(name: str) -> None:
    """Why they are not in PRESERVES_COLOUR: most objects read as another colour afterwards."""
    kept = total = 0
    for seed in range(20):
        scene = generate_scene(seed)
        styled = _pixels(restyle.RESTYLES[name](render_scene(scene), seed))
        cell = styled.shape[1] / scene.grid
        for obj in scene.objects:
            cx = int((obj.col + 0.5 + obj.jitter[0]) * cell)
            cy = int((obj.row + 0.5 + obj.jitter[1]) * cell)
            total += 1
            kept += _colour_name(styled[cy, cx]) == obj.colour
    assert kept / total < 0.5
