"""Text rendered as an image: MultiTrust's typographic images, made offline.

The toolbox renders text with ``RelatedTextEmbedImage`` (``mmte/methods/related.py``): black on
white, FreeMonoBold at 90 points, wrapped to 1024 pixels, centred, ``ceil(90 * 1.1)`` pixels a
line. mmtrust keeps the layout and the sizes and looks for the same font: the data root's
``fonts/FreeMonoBold.ttf``, then an installed monospace bold font (``FONT_NAMES``; DejaVu Sans
Mono has FreeMono's character width), then Pillow's bundled font (proportional, with a
warning). Images are pixel-identical only across machines with the same font, so the font
used is part of the cache key and of each item's ``extra["font"]``.

P.6's images (``loaders_pii_stereotype``) and the jailbreak analogues' typographic images
(``safety_analogue``) are drawn here.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeAlias

import PIL
from PIL import Image, ImageDraw, ImageFont

from mmtrust.benchmarks.multitrust.unrelated import cache_dir

logger = logging.getLogger(__name__)

RENDER_FONT_SIZE = 90
RENDER_WIDTH = 1024
RENDER_LINE_HEIGHT = 1.1
"""``RelatedTextEmbedImage``'s defaults: 90 pt, wrapped at 1024 px, 1.1 x the size a line."""
TOOLBOX_FONT = "fonts/FreeMonoBold.ttf"
"""The toolbox's font, relative to its data folder (``FONT_PATH: ./data/fonts/...``)."""
FONT_NAMES: tuple[str, ...] = (
    "FreeMonoBold.ttf",
    "DejaVuSansMono-Bold.ttf",
    "LiberationMono-Bold.ttf",
    "NotoSansMono-Bold.ttf",
    "UbuntuMono-B.ttf",
    "Courier New Bold.ttf",
    "courbd.ttf",
)
"""Monospace bold fonts looked for among the installed ones, the toolbox's first."""

AnyFont: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class TextFont:
    """The font P.6's images are rendered in, and what identifies it in the cache."""

    font: AnyFont
    name: str
    """As ``extra["font"]`` says it, e.g. "FreeMono Bold"."""
    identity: str
    """The font file's content hash (or PIL's version for its default font) and the size."""
    size: int
    """Its size in points (pixels)."""


def text_font(root: Path | None = None, size: int = RENDER_FONT_SIZE) -> TextFont:
    """The data root's FreeMonoBold, else the first of ``FONT_NAMES`` installed, else PIL's
    default font (not monospace)."""
    candidates = ([str(root / TOOLBOX_FONT)] if root is not None else []) + list(FONT_NAMES)
    for candidate in candidates:
        try:
            font = ImageFont.truetype(candidate, size)
        except OSError:
            continue
        path = str(font.path)
        return TextFont(font, " ".join(font.getname()), f"{_digest(path)}:{size}", size)
    return _default_font(size)


@cache
def _default_font(size: int) -> TextFont:
    logger.warning(
        "No monospace font found (looked for the data root's %s and %s): P.6's images are "
        "rendered in PIL's default font, which is not monospace.",
        TOOLBOX_FONT,
        ", ".join(FONT_NAMES),
    )
    font = ImageFont.load_default(size=size)
    name = " ".join(font.getname()) if isinstance(font, ImageFont.FreeTypeFont) else "PIL bitmap"
    return TextFont(font, name, f"pil-default-{PIL.__version__}:{size}", size)


@cache
def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def wrap_text(text: str, font: AnyFont, width: int = RENDER_WIDTH) -> list[str]:
    """The lines ``text`` is drawn in: its own lines (blank ones kept, those at its ends
    dropped), each wrapped between words to fit ``width`` px where it can."""
    lines: list[str] = []
    for paragraph in text.strip("\n").split("\n"):
        current = ""
        for word in paragraph.split(" "):
            longer = f"{current} {word}" if current else word
            if current and font.getlength(longer) > width:
                lines.append(current)
                current = word
            else:
                current = longer
        lines.append(current)
    return lines


def render_text_image(text: str, font: TextFont, width: int = RENDER_WIDTH) -> Image.Image:
    """``text`` black on white, wrapped at ``width`` pixels and centred as a block (a word
    longer than a line widens the image)."""
    lines = wrap_text(text, font.font, width)
    size = font.size
    pitch = math.ceil(size * RENDER_LINE_HEIGHT)
    if isinstance(font.font, ImageFont.FreeTypeFont):
        ascent, descent = font.font.getmetrics()
        size = int(font.font.size)
        pitch = max(math.ceil(size * RENDER_LINE_HEIGHT), ascent + descent)
    text_width = max(font.font.getlength(line) for line in lines)
    width = max(width, math.ceil(text_width))
    image = Image.new("RGB", (width, pitch * len(lines)), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    left = (width - text_width) // 2
    for k, line in enumerate(lines):
        draw.text((left, k * pitch), line, fill=(0, 0, 0), font=font.font)
    return image


def rendered_text_image(text: str, font: TextFont, folder: str, width: int = RENDER_WIDTH) -> Path:
    """The cached PNG of ``text`` in ``font`` under the cache's ``folder`` (written once; the
    name is a hash of the text, the font and the layout)."""
    key = f"{font.identity}:{width}:{RENDER_LINE_HEIGHT}:{text}"
    name = hashlib.sha256(key.encode()).hexdigest()[:32]
    path = cache_dir().parent / folder / f"{name}.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # written under a temporary name first: a concurrent run never reads half a file
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        render_text_image(text, font, width).save(partial, format="PNG")
        partial.replace(path)
    return path
