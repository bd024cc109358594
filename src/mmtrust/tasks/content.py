"""Message content shared by mmtrust's solvers: a sample's image, and image-then-text turns."""

from __future__ import annotations

from inspect_ai.model import Content, ContentImage, ContentText
from inspect_ai.solver import TaskState


def first_image(state: TaskState) -> ContentImage | None:
    """The sample's image (the first one of its input), or None for a text-only sample."""
    messages = [] if isinstance(state.input, str) else state.input
    for message in messages:
        if isinstance(message.content, list):
            for content in message.content:
                if isinstance(content, ContentImage):
                    return content
    return None


def image_and_text(image: ContentImage | None, text: str) -> list[Content]:
    """A user turn's content: the image (if any), then the text, as the benchmarks ask."""
    text_content = ContentText(text=text)
    return [text_content] if image is None else [image, text_content]
