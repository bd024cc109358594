"""What the model is shown in place of an item's image: the calibration task's image conditions.

The calibration paper asks how a model's uncertainty differs between text and images; asking
the same items with the image, with no image, and with a content-free image of the same size
separates "the image informs the answer" from "any image changes the confidence". Conditions:

- ``shown``: the item's image (what every other task does);
- ``none``: no image at all, the text alone;
- ``blank``: a uniform mid-grey image of the image's size (an image, but no content);
- ``noise``: uniform random pixels of the image's size, seeded by the item (reproducible).
"""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path
from typing import Literal, get_args

import numpy as np
from inspect_ai.model import ContentImage
from PIL import Image

from mmtrust.datasets.images import image_to_data_uri

ImageCondition = Literal["shown", "none", "blank", "noise"]
IMAGE_CONDITIONS: tuple[ImageCondition, ...] = get_args(ImageCondition)
CONDITION_KEY = "image_condition"
"""Key of ``ItemMetadata.extra`` (and of the score metadata) holding the item's condition."""
BLANK_GREY = (128, 128, 128)


def parse_image_conditions(text: str) -> tuple[ImageCondition, ...]:
    """``"shown,none"`` -> ``("shown", "none")``; the first is the reference condition the
    others are compared with (and the one temperatures are fitted in)."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in IMAGE_CONDITIONS]
    if unknown or not names:
        raise ValueError(
            f"image_conditions must be a comma-separated list of {', '.join(IMAGE_CONDITIONS)}; "
            f"got {text!r}"
        )
    if len(set(names)) != len(names):
        raise ValueError(f"image_conditions lists a condition twice: {text!r}")
    return tuple(_checked(name) for name in names)


def _checked(name: str) -> ImageCondition:
    # the Literal back from a checked string, without a cast
    return next(condition for condition in IMAGE_CONDITIONS if condition == name)


def conditioned_image(
    image: ContentImage | None, condition: ImageCondition, seed_text: str
) -> ContentImage | None:
    """The image the model sees under ``condition`` (None: a text-only turn). An item without
    an image stays without one under every condition."""
    if image is None or condition == "shown":
        return image
    if condition == "none":
        return None
    size = _image_size(image.image)
    if condition == "blank":
        replacement = Image.new("RGB", size, BLANK_GREY)
    else:
        digest = hashlib.sha256(seed_text.encode("utf-8")).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        pixels = rng.integers(0, 256, size=(size[1], size[0], 3), dtype=np.uint8)
        replacement = Image.fromarray(pixels, mode="RGB")
    return ContentImage(image=image_to_data_uri(replacement), detail=image.detail)


def _image_size(source: str) -> tuple[int, int]:
    """Width and height of an image given as a data URI or a file path (what the loaders
    produce: images are checked when the dataset is loaded, so this decodes)."""
    if source.startswith("data:"):
        data = base64.b64decode(source.split(",", 1)[1])
        with Image.open(io.BytesIO(data)) as decoded:
            width, height = decoded.size
    else:
        with Image.open(Path(source)) as opened:
            width, height = opened.size
    return int(width), int(height)
