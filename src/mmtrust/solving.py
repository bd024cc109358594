"""What mmtrust's solvers share: a sample's image, image-then-text turns, and asking a model
without letting a failed request escape the sample (transient provider faults are retried
first, and fail the sample when they persist: ``provider_faults``)."""

from __future__ import annotations

from inspect_ai.model import (
    ChatMessage,
    Content,
    ContentImage,
    ContentText,
    GenerateConfig,
    Model,
    ModelOutput,
)
from inspect_ai.solver import TaskState
from inspect_ai.util import LimitExceededError

from mmtrust.models.provider_faults import ProviderFaultError, with_fault_retries

GRADER_ROLE = "grader"
"""The model role that judges replies (``--grader``; Inspect's ``model_roles``)."""
GENERATOR_ROLE = "generator"
"""The model role that writes a benchmark's text: implicit notes, rephrasings (``--generator``)."""


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


async def generate_or_failure(
    model: Model, messages: list[ChatMessage], config: GenerateConfig | None = None
) -> ModelOutput | str:
    """The model's output, or why there is none ("Type: message" for a raised error, or the
    output's own error): a failed request becomes an outcome of its item, never an exception
    out of the sample. Two exceptions do end the sample: a sample limit (time, tokens), which
    is not a failure, and a ``ProviderFaultError`` (transient faults on every attempt), which
    is not the model's answer: the sample is asked again on retry or resume."""
    try:
        output = await with_fault_retries(
            lambda: model.generate(messages, config=config or GenerateConfig())
        )
    except (LimitExceededError, ProviderFaultError):
        raise
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return output.error if output.error else output
