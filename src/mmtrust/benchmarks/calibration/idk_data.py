"""Datasets of the IDK task: TrustWorld answerable/unanswerable items, and the paper's
July24-NewsVQA in its LLaVA conversation format.

Every item carries ``extra["answerable"]``. TrustWorld's unanswerable items ask about a shape,
colour or letter the scene does not hold; their answer is ``IDK_ANSWER``. NewsVQA's items are
about news published after the models' training cut-off, so a calibrated model should abstain:
they are marked unanswerable, and keep their gold letter so that the accuracy of the answers a
model does give can be reported too.

NewsVQA format (a JSON array; one record per question)::

    {"id": "...", "image": "relative/path.jpg",
     "conversations": [{"from": "human", "value": "<image>\\nQuestion?\\nA. ...\\nB. ..."},
                       {"from": "gpt", "value": "B"}]}

A malformed record, or a missing or corrupt image, becomes an item with an ``input_error``:
reported as its own outcome, never sent to a model, and the rest of the file loads.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from inspect_ai.dataset import Sample
from inspect_ai.model import ContentImage

from mmtrust.datasets.images import image_file_content, image_to_data_uri
from mmtrust.datasets.schema import ItemMetadata, make_sample
from mmtrust.datasets.trustworld import trustworld_items

IDK_FAMILIES = ("colour", "colour_absent", "shape", "shape_absent", "text", "text_absent")
"""Answerable families interleaved with their unanswerable counterparts."""
_IDK_ITEM_OFFSET = 500_000
"""IDK items come from far into the split, so their scenes are not those of the main items."""


def trustworld_idk_dataset(split: str = "test", n: int = 300) -> list[Sample]:
    """``n`` TrustWorld items, half of them unanswerable, with their images."""
    samples = []
    for item in trustworld_items(split, n, start=_IDK_ITEM_OFFSET, families=IDK_FAMILIES):
        metadata = item.metadata()
        answerable = item.question.subject.get("answerable", True) is not False
        metadata = metadata.model_copy(
            update={
                "item_id": f"trustworld-idk-{split}-{item.index:06d}",
                "extra": {**metadata.extra, "answerable": answerable},
            }
        )
        samples.append(make_sample(metadata, ContentImage(image=image_to_data_uri(item.image()))))
    return samples


_OPTION_LINE = re.compile(r"^\s*\(?([A-H])[.):]\s*(.+?)\s*$")


def load_newsvqa(path: Path | str, images_dir: Path | str | None = None) -> list[Sample]:
    """The records of a NewsVQA conversation file as samples (see the module docstring)."""
    source = Path(path)
    try:
        records = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"no NewsVQA file at {source}") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{source} is not JSON: {error}") from None
    if not isinstance(records, list):
        raise ValueError(f"{source}: expected a JSON array of conversation records")
    base = Path(images_dir) if images_dir is not None else source.parent
    return [_newsvqa_sample(record, index, source, base) for index, record in enumerate(records)]


def _newsvqa_sample(record: Any, index: int, source: Path, images_dir: Path) -> Sample:
    item_id = str(record.get("id", index)) if isinstance(record, dict) else str(index)
    where = f"{source.name} record {index} (id {item_id})"
    try:
        metadata = newsvqa_metadata(record, item_id)
    except (KeyError, TypeError, ValueError, IndexError) as error:
        placeholder = ItemMetadata(
            source="newsvqa",
            item_id=f"newsvqa-{item_id}",
            question="",
            question_type="mc",
            answer="",
            input_error=f"malformed record: {where}: {error}",
        )
        return make_sample(placeholder, None)
    image, problem = image_file_content(images_dir / str(record["image"]))
    if problem is not None:
        return make_sample(metadata.model_copy(update={"input_error": f"{where}: {problem}"}), None)
    return make_sample(metadata, image)


def newsvqa_metadata(record: Any, item_id: str) -> ItemMetadata:
    """Question, options and gold letter of one record; ValueError says what is wrong."""
    if not isinstance(record, dict):
        raise ValueError(f"a record must be an object, not {type(record).__name__}")
    if not isinstance(record.get("image"), str):
        raise ValueError("no 'image' path")
    turns = record["conversations"]
    human = next(t["value"] for t in turns if t.get("from") == "human")
    gold = next(t["value"] for t in turns if t.get("from") == "gpt")
    question_lines, options = [], {}
    for line in str(human).replace("<image>", "").splitlines():
        option = _OPTION_LINE.match(line)
        if option:
            options[option.group(1)] = option.group(2)
        elif line.strip():
            question_lines.append(line.strip())
    if len(options) < 2:
        raise ValueError("fewer than two options in the question")
    answer = str(gold).strip().strip("().").strip()[:1]
    if answer not in options:
        raise ValueError(f"gold answer {gold!r} is not one of the options {sorted(options)}")
    return ItemMetadata(
        source="newsvqa",
        item_id=f"newsvqa-{item_id}",
        question=" ".join(question_lines),
        question_type="mc",
        answer=answer,
        options=options,
        category=str(record.get("category", "news")),
        image=str(record["image"]),
        extra={"answerable": False, "why_unanswerable": "news after the training cut-off"},
    )
