"""Inspect chat messages -> the chat format of Hugging Face processors, and image decoding.

Hugging Face processors take a conversation whose message contents are lists of parts,
``{"type": "image"}`` and ``{"type": "text", "text": ...}``, in the order the model sees
them, plus the images themselves in the same order. Conversion happens on the event loop
(cheap); decoding the images is left to the worker thread (:func:`decode_image`), so that
one undecodable image fails only its own request.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspect_ai.model import ChatMessage, ContentImage, ContentReasoning, ContentText
from PIL import Image

if TYPE_CHECKING:
    from mmtrust.models.image_cache import PreparedImages


class ImageDecodeError(ValueError):
    """An image in a request could not be read or decoded."""


class UnsupportedContentError(ValueError):
    """A request holds content a vision-language model cannot take (audio, video, tools)."""


@dataclass(frozen=True)
class ImageReference:
    """An image still to decode, and where it sits in the request (for error messages)."""

    source: str
    """A data URI, or a local file path."""
    message_index: int
    part_index: int

    def describe(self) -> str:
        """Say which image this is without dumping a (possibly huge) data URI."""
        where = f"message {self.message_index}, content part {self.part_index}"
        if self.source.startswith("data:"):
            header = self.source.split(",", 1)[0]
            return f"{where} (inline {header}, {len(self.source)} characters)"
        return f"{where} (file {self.source})"


@dataclass(frozen=True)
class VisionPrompt:
    """One request in the shape a processor takes: a conversation and its images."""

    conversation: list[dict[str, Any]]
    images: list[ImageReference]


def to_vision_prompt(messages: list[ChatMessage]) -> VisionPrompt:
    """Convert Inspect messages (system, user, assistant) to a processor conversation.

    Reasoning blocks of earlier assistant turns are dropped (a local model does not see its
    own hidden reasoning again); audio, video, documents and tool calls are refused.
    """
    conversation: list[dict[str, Any]] = []
    images: list[ImageReference] = []
    for message_index, message in enumerate(messages):
        if message.role == "tool" or getattr(message, "tool_calls", None):
            raise UnsupportedContentError(
                f"Message {message_index} is a tool call or tool result: the hf-vlm provider "
                "does not support tool use."
            )
        contents = (
            [ContentText(text=message.content)]
            if isinstance(message.content, str)
            else message.content
        )
        parts: list[dict[str, Any]] = []
        for part_index, content in enumerate(contents):
            if isinstance(content, ContentText):
                parts.append({"type": "text", "text": content.text})
            elif isinstance(content, ContentImage):
                parts.append({"type": "image"})
                images.append(ImageReference(content.image, message_index, part_index))
            elif isinstance(content, ContentReasoning):
                continue
            else:
                raise UnsupportedContentError(
                    f"Message {message_index}, content part {part_index} is "
                    f"'{content.type}' content: the hf-vlm provider takes text and images only."
                )
        conversation.append({"role": message.role, "content": parts})
    return VisionPrompt(conversation=conversation, images=images)


def decode_image(reference: ImageReference, cache: PreparedImages | None = None) -> Image.Image:
    """Decode an image (data URI or local path) to RGB, or raise :class:`ImageDecodeError`;
    with a ``cache``, each distinct image is decoded once."""
    try:
        data = _image_bytes(reference.source)
    except (OSError, ValueError, binascii.Error) as error:
        raise ImageDecodeError(
            f"Cannot decode the image in {reference.describe()}: {error}"
        ) from error

    def decode(data: bytes) -> Image.Image:
        try:
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()  # decode now: a truncated file fails here, not in the processor
                return opened.convert("RGB")
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            raise ImageDecodeError(
                f"Cannot decode the image in {reference.describe()}: {error}"
            ) from error

    return decode(data) if cache is None else cache.decoded(data, decode)


def _image_bytes(source: str) -> bytes:
    if source.startswith("data:"):
        header, separator, payload = source.partition(",")
        if not separator or not header.endswith(";base64"):
            raise ValueError("the data URI is not base64-encoded (expected data:<mime>;base64,...)")
        return base64.b64decode(payload, validate=True)
    if source.startswith(("http://", "https://")):
        raise ValueError(
            "remote image URLs are not fetched by a local model; pass a data URI or a file path"
        )
    path = Path(source).expanduser()
    if not path.is_file():
        raise ValueError(f"no image file at {path}")
    return path.read_bytes()
