"""Items where a model failed, shown in the report next to its benchmark's numbers: the image
as a thumbnail, the prompt, the reply (escaped by the templates like every other value) and
where the sample lies in its Inspect log.

Each benchmark decides what a failure is (``benchmarks/<name>/examples.py``); this module holds
what they share: reading a sample's prompt, reply and image out of a log, a deterministic and
varied choice of a few candidates, and the thumbnail. Only the samples picked are ever decoded:
a log keeps its images as attachments (``attachment://<hash>`` in the messages, the data URI in
``sample.attachments``), and resolving one reference is a dictionary look-up, where
``resolve_sample_attachments`` would walk every event of the sample.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from inspect_ai.log import EvalLog, EvalSample
from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageUser, ContentImage
from inspect_ai.util import StoreModel
from PIL import Image

THUMBNAIL_PIXELS = 112
"""The longer side of a thumbnail: enough to recognise the scene, small enough that a report
with many models stays light (each is a few kB of JPEG inline)."""

EXAMPLES_PER_RUN = 3
"""At most this many examples per run (a scorer, a condition, a task), so 20 models' report
stays readable."""

ATTACHMENT_PROTOCOL = "attachment://"
"""How a condensed log refers to an image it keeps in ``sample.attachments``."""


@dataclass(frozen=True)
class Example:
    """One failed item of one run."""

    model: str
    task: str
    """The run's task name, as results.json names it ("mub_explicit", "idk_option")."""
    failure: str
    """What went wrong, in words: "misled (explicit hint)", "refused a benign request"."""
    prompt: str
    reply: str
    expected: str | None
    """The right answer or behaviour, where there is one."""
    thumbnail: str | None
    """The item's image as a ``data:`` URI (no network), None for a text-only item."""
    log: str
    sample_id: str
    epoch: int
    benchmark: str = ""
    """The benchmark (folder name) whose section shows it; ``results.examples_from_log`` sets
    it from the log's task, so a benchmark's own code need not."""


def sample_prompt(sample: EvalSample) -> str:
    """The text of the first user message the model was sent (``sample.messages``; a solver
    may send other text than the dataset's input), else of the input's."""
    for messages in (sample.messages, sample.input):
        if isinstance(messages, str):
            return messages
        for message in messages:
            if isinstance(message, ChatMessageUser):
                return message.text
    return ""


def sample_reply(sample: EvalSample) -> str:
    """The text of the last assistant message, else the output's completion."""
    for message in reversed(sample.messages):
        if isinstance(message, ChatMessageAssistant):
            return message.text
    return sample.output.completion if sample.output else ""


def sample_image(sample: EvalSample) -> str | None:
    """The first image of the sample's input as a data URI or a path, its attachment reference
    (if any) resolved; None for a text-only sample."""
    messages: Iterable[ChatMessage] = sample.input if isinstance(sample.input, list) else []
    for message in messages:
        if isinstance(message.content, list):
            for content in message.content:
                if isinstance(content, ContentImage):
                    return resolve_attachment(sample, content.image)
    return None


def stored(sample: EvalSample, store_model: type[StoreModel], field: str) -> Any:
    """What field ``field`` of ``store_model`` holds in the sample's store, as logged (plain
    JSON values). Read directly, not through ``store_model``, whose every instance builds
    its validators again (about a millisecond per sample: too slow over a whole log)."""
    return sample.store.get(f"{store_model.__name__}:{field}")


def resolve_attachment(sample: EvalSample, value: str) -> str:
    """``value`` with an ``attachment://`` reference replaced by what the sample keeps under
    it (unchanged when it is no reference, or one the sample does not hold)."""
    if value.startswith(ATTACHMENT_PROTOCOL):
        return sample.attachments.get(value.removeprefix(ATTACHMENT_PROTOCOL), value)
    return value


def thumbnail(image: str | None) -> str | None:
    """A small JPEG ``data:`` URI of an image given as a data URI or a file path; None when
    there is no image, it is a URL (a report never loads anything) or it cannot be read."""
    if not image or image.startswith((ATTACHMENT_PROTOCOL, "http://", "https://")):
        return None
    try:
        if image.startswith("data:"):
            opened = Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[1])))
        else:
            opened = Image.open(image)
        with opened:
            opened.draft("RGB", (THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))  # a JPEG decodes smaller
            small = opened.convert("RGB")
        small.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
        buffer = io.BytesIO()
        small.save(buffer, format="JPEG", quality=80)
    # PIL reports a broken file as OSError, SyntaxError (a bad PNG chunk), ValueError or its
    # own DecompressionBombError; whichever, an unreadable picture must not cost the report
    # (a corrupt input is already its own outcome in the numbers)
    except Exception:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def example(
    log: EvalLog,
    sample: EvalSample,
    *,
    task: str,
    failure: str,
    prompt: str,
    reply: str,
    expected: str | None,
) -> Example:
    """An example of ``sample`` of ``log``, its thumbnail made from the sample's image."""
    return Example(
        model=log.eval.model,
        task=task,
        failure=failure,
        prompt=prompt,
        reply=reply,
        expected=expected,
        thumbnail=thumbnail(sample_image(sample)),
        log=log.location,
        sample_id=str(sample.id),
        epoch=sample.epoch,
    )


def answered_samples(log: EvalLog) -> list[EvalSample]:
    """The log's samples that did not error, in a fixed order (by id, then epoch): a log lists
    its samples in the order they completed, which differs from run to run."""
    return sorted((s for s in log.samples or [] if s.error is None), key=_sample_order)


def _sample_order(sample: EvalSample) -> tuple[int, int, str, int]:
    # ids are ints or strings; ints first, each kind in its natural order
    if isinstance(sample.id, int):
        return (0, sample.id, "", sample.epoch)
    return (1, 0, str(sample.id), sample.epoch)


T = TypeVar("T")


def pick_varied(
    candidates: Iterable[T], kind: Callable[[T], Hashable], limit: int = EXAMPLES_PER_RUN
) -> list[T]:
    """Up to ``limit`` of ``candidates`` (given best first): the best of each kind first, then
    the best of the rest, returned in the candidates' order. Deterministic for a given order."""
    ordered = list(candidates)
    chosen: list[int] = []
    seen: set[Hashable] = set()
    for index, candidate in enumerate(ordered):
        if len(chosen) == limit:
            break
        if (key := kind(candidate)) not in seen:
            seen.add(key)
            chosen.append(index)
    for index in range(len(ordered)):
        if len(chosen) >= limit:
            break
        if index not in chosen:
            chosen.append(index)
    return [ordered[index] for index in sorted(chosen)]


def expected_answer(metadata: Mapping[str, Any]) -> str | None:
    """An item's right answer from its ``ItemMetadata`` fields: "C: black" for multiple
    choice, the answer itself otherwise (None when it has none)."""
    answer = metadata.get("answer")
    if not answer:
        return None
    options = metadata.get("options") or {}
    text = options.get(answer) if isinstance(options, Mapping) else None
    return f"{answer}: {text}" if text else str(answer)
