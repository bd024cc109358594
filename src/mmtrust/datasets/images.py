"""Images for samples: encoding generated images, and checking image files before a run.

A missing or corrupt image is found when the dataset is loaded, recorded on the item
(``ItemMetadata.input_error``) and reported, instead of failing the sample at request time.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from inspect_ai.model import ContentImage
from PIL import Image, UnidentifiedImageError


def image_to_data_uri(image: Image.Image, image_format: str = "PNG") -> str:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    mime = Image.MIME.get(image_format.upper(), "image/png")
    return f"data:{mime};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def image_file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be used as an image, or None if it decodes completely."""
    if not path.exists():
        return f"missing image: {path} does not exist"
    if not path.is_file():
        return f"missing image: {path} is not a file"
    try:
        with Image.open(path) as image:
            # load() decodes every pixel: verify() alone misses truncated files
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        return f"corrupt image: {path} cannot be decoded ({type(error).__name__}: {error})"
    return None


def image_file_content(path: Path) -> tuple[ContentImage | None, str | None]:
    """Content for the image at ``path``, or None with the reason it cannot be used.

    Well-named files stay paths, which Inspect reads lazily at request time (a large benchmark
    is not held in memory). A file whose real format differs from its extension (a WebP named
    .png) is inlined as a data URI with its true MIME type, which strict servers require.
    """
    problem = image_file_problem(path)
    if problem is not None:
        return None, problem
    with Image.open(path) as image:
        real_format = (image.format or "").upper()
    extension = path.suffix.lstrip(".").upper()
    if real_format == extension or (real_format, extension) in _EQUIVALENT_EXTENSIONS:
        return ContentImage(image=str(path.resolve())), None
    mime = Image.MIME.get(real_format, "application/octet-stream")
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return ContentImage(image=f"data:{mime};base64,{data}"), None


_EQUIVALENT_EXTENSIONS = {("JPEG", "JPG"), ("TIFF", "TIF")}
