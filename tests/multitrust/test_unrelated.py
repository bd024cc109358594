"""Unrelated images (MultiTrust's color / nature / noise variants): generated offline, seeded by
(seed, kind, key), cached by path under ``$MMTRUST_CACHE_DIR``, or picked from a data root's
own pool."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from mmtrust.benchmarks.multitrust.unrelated import (
    UNRELATED_KINDS,
    UnrelatedKind,
    cache_dir,
    generate_unrelated,
    pool_of,
    unrelated_image_path,
)
from mmtrust.cache import CACHE_ENV

SIZE = (48, 32)
"""(width, height): not square, so a swapped width and height shows."""


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes its generated images under its own temporary folder."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _pixels(path: Path) -> np.ndarray[Any, Any]:
    with Image.open(path) as image:
        assert image.mode == "RGB"
        return np.asarray(image, dtype=np.int16)


def _generated(kind: UnrelatedKind, seed: int, size: tuple[int, int] = SIZE) -> Image.Image:
    return generate_unrelated(kind, random.Random(seed), size)


# ---------------------------------------------------------------- generated images


@pytest.mark.parametrize("kind", UNRELATED_KINDS)
def test_every_kind_is_an_rgb_image_of_the_requested_size(kind: UnrelatedKind) -> None:
    path = unrelated_image_path(kind, "item-1", size=SIZE)
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.mode == "RGB"
        assert image.size == SIZE
    assert _generated(kind, 3).size == SIZE
    assert _generated(kind, 3, (20, 70)).size == (20, 70)


def test_color_is_one_solid_colour() -> None:
    for key in ("a", "b", "c", "d"):
        pixels = _pixels(unrelated_image_path("color", key, size=SIZE)).reshape(-1, 3)
        assert len(np.unique(pixels, axis=0)) == 1


def test_noise_has_many_colours_and_even_channel_means() -> None:
    pixels = _pixels(unrelated_image_path("noise", "item-1", size=(64, 64))).reshape(-1, 3)
    # 4096 uniform draws from 2**24 colours: collisions are rare
    assert len(np.unique(pixels, axis=0)) > 4000
    means = pixels.mean(axis=0)
    # uniform on 0..255: mean 127.5, standard error of a channel mean about 1.2
    assert np.all(np.abs(means - 127.5) < 8), means
    assert pixels.min() < 5 and pixels.max() > 250


@pytest.mark.parametrize("seed", range(12))
def test_nature_has_a_sky_over_the_ground(seed: int) -> None:
    image = _generated("nature", seed, (96, 96))
    pixels = np.asarray(image, dtype=np.float64)
    top, bottom = pixels[:10], pixels[-10:]
    blueness_top = (top[..., 2] - top[..., 0]).mean()
    blueness_bottom = (bottom[..., 2] - bottom[..., 0]).mean()
    assert top[..., 2].mean() > bottom[..., 2].mean() + 40
    assert blueness_top > blueness_bottom
    # not a solid fill: a gradient, ridges, ground and trees
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="color"):
        generate_unrelated("sunset", random.Random(0))  # type: ignore[arg-type]


# ---------------------------------------------------------------- seeding and the cache


@pytest.mark.parametrize("kind", UNRELATED_KINDS)
def test_same_seed_kind_and_key_give_the_same_file_and_pixels(
    kind: UnrelatedKind, cache: Path
) -> None:
    first = unrelated_image_path(kind, "trustworld/test/item-7", seed=3, size=SIZE)
    written = first.stat().st_mtime_ns
    pixels = _pixels(first)
    second = unrelated_image_path(kind, "trustworld/test/item-7", seed=3, size=SIZE)
    assert second == first
    assert first.stat().st_mtime_ns == written  # not generated again
    assert np.array_equal(_pixels(second), pixels)
    # a fresh cache regenerates the very same pixels
    first.unlink()
    again = unrelated_image_path(kind, "trustworld/test/item-7", seed=3, size=SIZE)
    assert again == first
    assert np.array_equal(_pixels(again), pixels)


@pytest.mark.parametrize("kind", UNRELATED_KINDS)
def test_a_different_key_or_seed_gives_a_different_image(kind: UnrelatedKind) -> None:
    base = unrelated_image_path(kind, "item-1", seed=0, size=SIZE)
    other_key = unrelated_image_path(kind, "item-2", seed=0, size=SIZE)
    other_seed = unrelated_image_path(kind, "item-1", seed=1, size=SIZE)
    assert len({base, other_key, other_seed}) == 3
    assert not np.array_equal(_pixels(base), _pixels(other_key))
    assert not np.array_equal(_pixels(base), _pixels(other_seed))


def test_a_different_size_is_a_different_file() -> None:
    small = unrelated_image_path("noise", "item-1", size=SIZE)
    large = unrelated_image_path("noise", "item-1", size=(64, 64))
    assert small != large
    assert _pixels(large).shape == (64, 64, 3)


def test_an_items_three_kinds_are_different_images() -> None:
    paths = {
        kind: unrelated_image_path(kind, "item-9", seed=0, size=SIZE) for kind in UNRELATED_KINDS
    }
    assert len(set(paths.values())) == 3
    for kind, path in paths.items():
        assert path.name.startswith(f"{kind}-")
    pixels = [_pixels(p) for p in paths.values()]
    for i in range(3):
        for j in range(i + 1, 3):
            assert not np.array_equal(pixels[i], pixels[j])


def test_the_cache_honours_the_environment(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache_dir() == cache / "multitrust" / "unrelated"
    path = unrelated_image_path("color", "item-1", size=SIZE)
    assert path.parent == cache / "multitrust" / "unrelated"
    assert path.is_file()
    # no temporary file is left next to it
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    elsewhere = cache.parent / "elsewhere"
    monkeypatch.setenv(CACHE_ENV, str(elsewhere))
    moved = unrelated_image_path("color", "item-1", size=SIZE)
    assert moved.parent == elsewhere / "multitrust" / "unrelated"
    assert moved.name == path.name
    assert np.array_equal(_pixels(moved), _pixels(path))


# ---------------------------------------------------------------- a data root's own pool


def _pool_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    folder = root / "unrelated_images"
    folder.mkdir(parents=True)
    for name in ("color_0.png", "color_1.png", "color_2.jpg", "nature_0.png", "noise_0.png"):
        Image.new("RGB", (8, 8), (10, 20, 30)).save(folder / name)
    (folder / "readme.txt").write_text("not an image", encoding="utf-8")
    (folder / "color_folder").mkdir()  # a folder is never picked, whatever its name
    return root


def test_pool_of_lists_only_the_files_of_the_kind(tmp_path: Path) -> None:
    root = _pool_root(tmp_path)
    folder = root / "unrelated_images"
    assert pool_of(root, "color") == [
        folder / n for n in ("color_0.png", "color_1.png", "color_2.jpg")
    ]
    assert pool_of(root, "nature") == [folder / "nature_0.png"]
    assert pool_of(root, "noise") == [folder / "noise_0.png"]
    assert pool_of(None, "color") == []
    assert pool_of(tmp_path / "no-such-root", "color") == []


def test_the_pool_is_picked_from_deterministically(tmp_path: Path, cache: Path) -> None:
    pool = pool_of(_pool_root(tmp_path), "color")
    picks = [unrelated_image_path("color", f"item-{k}", seed=0, pool=pool) for k in range(40)]
    assert picks == [
        unrelated_image_path("color", f"item-{k}", seed=0, pool=pool) for k in range(40)
    ]
    assert set(picks) <= set(pool)
    assert set(picks) == set(pool)  # 40 items reach all three files
    # the order the pool is given in does not matter, the seed does
    assert picks == [
        unrelated_image_path("color", f"item-{k}", seed=0, pool=list(reversed(pool)))
        for k in range(40)
    ]
    reseeded = [unrelated_image_path("color", f"item-{k}", seed=1, pool=pool) for k in range(40)]
    assert reseeded != picks
    # nothing is generated when a pool is given
    assert not cache.exists()


def test_each_kind_picks_from_its_own_pool(tmp_path: Path) -> None:
    root = _pool_root(tmp_path)
    for kind in UNRELATED_KINDS:
        path = unrelated_image_path(kind, "item-1", pool=pool_of(root, kind))
        assert kind in path.name
        assert path.parent == root / "unrelated_images"
