"""Unrelated images: a picture that carries nothing of the question (MultiTrust's "unrelated"
variants of T.4, T.7, R.3 and R.6).

The toolbox draws them from a pre-built pool ``unrelated_images/*{color,nature,noise}*`` with an
unseeded ``random.sample`` (shared/spec/multitrust-tasks.md, sections 2 and 6). Here the pool of
the data root is used when it has one, and otherwise the three kinds are generated; either
way the image an item gets depends only on the seed, the kind and the item's key, so a run is
reproducible and asking a subset of the items does not change their images.

- color: one solid uniform-random RGB colour;
- noise: every pixel uniform-random RGB;
- nature: procedural scenery (a sky gradient, a sun, mountain ridges by midpoint displacement,
  ground and a few trees), drawn from nothing, so there is no licence to honour. It stands in
  for the toolbox's photos of landscapes; it is simpler than a photo, and that is said wherever
  its results are shown.
Generated images are written once to a cache folder and sent by path, so logs stay small.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw

from mmtrust.cache import cache_root

UnrelatedKind = Literal["color", "nature", "noise"]
UNRELATED_KINDS: tuple[UnrelatedKind, ...] = ("color", "nature", "noise")
DEFAULT_SIZE = (512, 512)
"""(width, height) of a generated image when the item's own image gives no size."""


def cache_dir() -> Path:
    """Where generated images are kept: ``$MMTRUST_CACHE_DIR`` or ``~/.cache/mmtrust``."""
    return cache_root() / "multitrust" / "unrelated"


def _rng(seed: int, kind: str, key: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{kind}:{key}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def unrelated_image_path(
    kind: UnrelatedKind,
    key: str,
    *,
    seed: int = 0,
    size: tuple[int, int] = DEFAULT_SIZE,
    pool: Sequence[Path] = (),
) -> Path:
    """The unrelated image of ``kind`` for the item ``key``: a seeded pick from ``pool`` (the
    data root's files of that kind) when there is one, else a generated image in the cache."""
    rng = _rng(seed, kind, key)
    if pool:
        return sorted(pool)[rng.randrange(len(pool))]
    width, height = size
    name = hashlib.sha256(f"{seed}:{kind}:{key}:{width}x{height}".encode()).hexdigest()[:24]
    path = cache_dir() / f"{kind}-{name}.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        image = generate_unrelated(kind, rng, size)
        # written under a temporary name first: a concurrent run never reads half a file
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        image.save(partial, format="PNG")
        partial.replace(path)
    return path


def pool_of(root: Path | None, kind: UnrelatedKind) -> list[Path]:
    """The data root's own unrelated images of ``kind`` (``unrelated_images/*<kind>*``)."""
    if root is None:
        return []
    folder = root / "unrelated_images"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and kind in p.name)


def generate_unrelated(
    kind: UnrelatedKind, rng: random.Random, size: tuple[int, int] = DEFAULT_SIZE
) -> Image.Image:
    if kind == "color":
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        return Image.new("RGB", size, colour)
    if kind == "noise":
        pixels = np.random.default_rng(rng.getrandbits(63)).integers(
            0, 256, size=(size[1], size[0], 3), dtype=np.uint8
        )
        return Image.fromarray(pixels, "RGB")
    if kind == "nature":
        return _scenery(rng, size)
    raise ValueError(f"Unknown unrelated image kind {kind!r}; choose one of {UNRELATED_KINDS}.")


def _scenery(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top = (rng.randint(40, 110), rng.randint(110, 170), rng.randint(190, 250))
    bottom = (rng.randint(190, 250), rng.randint(170, 230), rng.randint(150, 220))
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    radius = rng.uniform(0.04, 0.09) * width
    sun = (rng.uniform(0.1, 0.9) * width, rng.uniform(0.08, 0.3) * height)
    draw.ellipse(
        (sun[0] - radius, sun[1] - radius, sun[0] + radius, sun[1] + radius),
        fill=(255, rng.randint(200, 245), rng.randint(120, 200)),
    )
    ridges = rng.randint(2, 3)
    for level in range(ridges):
        base = height * (0.45 + 0.12 * level)
        shade = 70 + 40 * level
        colour = (shade - 30, shade + rng.randint(-10, 20), shade + 10)
        heights = _ridge(rng, 65, roughness=0.55, amplitude=height * 0.18)
        points = [(width * i / 64, base - h) for i, h in enumerate(heights)]
        draw.polygon([(0, height), *points, (width, height)], fill=colour)
    ground = height * rng.uniform(0.72, 0.8)
    green = (rng.randint(40, 90), rng.randint(110, 170), rng.randint(30, 70))
    draw.rectangle((0, ground, width, height), fill=green)
    for _ in range(rng.randint(3, 8)):
        x = rng.uniform(0, width)
        tree = rng.uniform(0.05, 0.12) * height
        foot = rng.uniform(ground, height)
        draw.polygon(
            [(x, foot - tree), (x - tree / 3, foot), (x + tree / 3, foot)],
            fill=(rng.randint(10, 40), rng.randint(70, 110), rng.randint(20, 50)),
        )
    return image


def _ridge(rng: random.Random, points: int, *, roughness: float, amplitude: float) -> list[float]:
    """Heights of a mountain ridge by midpoint displacement (``points`` = 2**k + 1)."""
    heights = [rng.uniform(0, amplitude), rng.uniform(0, amplitude)]
    spread = amplitude
    while len(heights) < points:
        spread *= roughness
        refined: list[float] = []
        for a, b in itertools.pairwise(heights):
            refined += [a, (a + b) / 2 + rng.uniform(-spread, spread)]
        heights = [*refined, heights[-1]]
    return [max(0.0, h) for h in heights[:points]]
