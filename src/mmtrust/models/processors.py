"""Processors that work without torchvision, registered with ``AutoProcessor``.

Some processors carry a video processor, which needs torchvision; where torchvision does not
import (as on our CPU machines), constructing or loading them fails. For image-only use we
subclass them without the video processor. A saved directory records the subclass name in
``processor_config.json``; ``AutoProcessor`` resolves that name only among the classes
registered in this process, so importing this module (the ``hf-vlm`` provider does, before
loading anything) is what makes such a directory load. Without the import, ``AutoProcessor``
silently returns a bare tokenizer.
"""

from __future__ import annotations

from typing import Any

from transformers import AutoProcessor, Qwen2VLConfig, Qwen2VLProcessor


class ImageOnlyQwen2VLProcessor(Qwen2VLProcessor):  # type: ignore[misc]
    """A ``Qwen2VLProcessor`` with no video processor: images and text only."""

    # ProcessorMixin derives the sub-processors it saves and loads from the parameter names
    # of __init__, so leaving ``video_processor`` out of the signature is what drops it.
    def __init__(
        self,
        image_processor: Any = None,
        tokenizer: Any = None,
        chat_template: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            image_processor=image_processor,
            tokenizer=tokenizer,
            chat_template=chat_template,
            **kwargs,
        )


def register_processors() -> None:
    """Register mmtrust's processors with ``AutoProcessor`` (idempotent)."""
    AutoProcessor.register(Qwen2VLConfig, ImageOnlyQwen2VLProcessor, exist_ok=True)


register_processors()
