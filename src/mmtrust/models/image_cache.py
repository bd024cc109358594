"""Each image prepared once: decoded images and image-processor outputs, cached by image bytes.

MUB asks every image five times (clean, explicit, three notes) and the consistency tasks ask
each one under several rewrites, so a local model would decode the same PNG and run the same
resize-and-normalise on it again and again. ``PreparedImages`` keeps both, keyed by the
SHA-256 of the image's bytes (and, for processor outputs, by the processor call's settings),
least recently used first out once ``max_bytes`` is reached, with hits and misses counted.

The processor side works by standing in for the processor's ``image_processor``
(``CachingImageProcessor``): the processor calls it with a batch of images, and it answers
from per-image results joined along the first axis, which is how the image processors of the
supported architectures lay out a batch (LLaVA: one ``pixel_values`` row per image; Qwen2-VL:
patches of all images stacked, one ``image_grid_thw`` row each). A test checks the joined
output equals the processor's own for both. Anything it cannot key or join (an image decoded
elsewhere, outputs of uneven shape) goes to the real image processor.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

import numpy as np
import torch
from PIL import Image

DIGEST_KEY: Final = "mmtrust_sha256"
"""Where a decoded image carries the digest of its bytes (``PIL.Image.Image.info``)."""
DEFAULT_MAX_BYTES: Final = 512 * 1024**2


@dataclass(frozen=True)
class CacheStatistics:
    decode_hits: int
    decode_misses: int
    processor_hits: int
    processor_misses: int
    processor_bypassed: int
    entries: int
    bytes: int


class PreparedImages:
    """Decoded images and processor outputs by image digest; thread-safe, bounded in bytes."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, ...], tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(
            ("decode_hits", "decode_misses", "processor_hits", "processor_misses"), 0
        )
        self.processor_bypassed = 0

    def decoded(self, data: bytes, decode: Callable[[bytes], Image.Image]) -> Image.Image:
        """The image of ``data``, decoded by ``decode`` once; it carries its digest."""
        digest = hashlib.sha256(data).hexdigest()

        def compute() -> Image.Image:
            image = decode(data)
            image.info[DIGEST_KEY] = digest
            return image

        image: Image.Image = self._get(("decode", digest), compute, "decode", _image_bytes)
        return image

    def processed(self, digest: str, settings: str, compute: Callable[[], Any]) -> Any:
        return self._get(("processor", digest, settings), compute, "processor", _output_bytes)

    def count_bypass(self) -> None:
        with self._lock:
            self.processor_bypassed += 1

    def statistics(self) -> CacheStatistics:
        with self._lock:
            return CacheStatistics(
                **self._counts,
                processor_bypassed=self.processor_bypassed,
                entries=len(self._entries),
                bytes=self._bytes,
            )

    def _get(
        self,
        key: tuple[str, ...],
        compute: Callable[[], Any],
        kind: str,
        size: Callable[[Any], int],
    ) -> Any:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self._counts[f"{kind}_hits"] += 1
                return self._entries[key][0]
            self._counts[f"{kind}_misses"] += 1
        value = compute()  # outside the lock: a slow image must not hold up the others
        nbytes = size(value)
        with self._lock:
            if key not in self._entries and nbytes <= self.max_bytes:
                self._entries[key] = (value, nbytes)
                self._bytes += nbytes
                while self._bytes > self.max_bytes:
                    _, (_, dropped) = self._entries.popitem(last=False)
                    self._bytes -= dropped
        return value


class CachingImageProcessor:
    """Stands in for a processor's ``image_processor``, answering per image from the cache;
    every other attribute is the real image processor's."""

    def __init__(self, inner: Any, cache: PreparedImages) -> None:
        self._inner = inner
        self._cache = cache

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __call__(self, images: Any, *args: Any, **kwargs: Any) -> Any:
        batch = images if isinstance(images, list | tuple) else [images]
        if batch and all(isinstance(row, list | tuple) for row in batch):
            # a processor's chat template hands over one list of images per conversation;
            # the image processor flattens them, and so does the join
            batch = [image for row in batch for image in row]
        digests = [
            image.info.get(DIGEST_KEY) if isinstance(image, Image.Image) else None
            for image in batch
        ]
        if args or not batch or None in digests:
            return self._bypass(images, *args, **kwargs)
        settings = repr(sorted(kwargs.items()))
        parts = [
            self._cache.processed(str(digest), settings, partial(self._inner, [image], **kwargs))
            for digest, image in zip(digests, batch, strict=True)
        ]
        joined = _join(parts)
        return joined if joined is not None else self._bypass(images, **kwargs)

    def _bypass(self, images: Any, *args: Any, **kwargs: Any) -> Any:
        self._cache.count_bypass()
        return self._inner(images, *args, **kwargs)


def _join(parts: list[Any]) -> Any | None:
    """Per-image processor outputs as one batch output (None: they do not join)."""
    first = parts[0]
    if len(parts) == 1:
        return first
    keys = list(first.keys())
    if any(list(part.keys()) != keys for part in parts):
        return None
    joined: dict[str, Any] = {}
    for key in keys:
        values = [part[key] for part in parts]
        if all(isinstance(v, torch.Tensor) for v in values):
            if any(v.shape[1:] != values[0].shape[1:] for v in values):
                return None
            joined[key] = torch.cat(values, dim=0)
        elif all(isinstance(v, np.ndarray) for v in values):
            if any(v.shape[1:] != values[0].shape[1:] for v in values):
                return None
            joined[key] = np.concatenate(values, axis=0)
        elif all(isinstance(v, list) for v in values):
            joined[key] = [x for v in values for x in v]
        else:
            return None
    # the same container type as the processor's own answer (a BatchFeature)
    return first.__class__(data=joined, tensor_type=None)


def _image_bytes(image: Image.Image) -> int:
    width, height = image.size
    return int(width * height * len(image.getbands()))


def _output_bytes(output: Any) -> int:
    total = 0
    for value in output.values():
        if isinstance(value, torch.Tensor):
            total += int(value.element_size() * value.nelement())
        elif isinstance(value, np.ndarray):
            total += value.nbytes
        else:
            total += 64 * (len(value) if isinstance(value, list) else 1)
    return total
