"""Loader for MUB's original data files (spec: shared/spec/mub.md; Yunkai696/MUB, Apache-2.0).

``all_combined_items.jsonl`` is one JSON array (not JSON lines) whose records repeat once per
reference model: items are deduplicated by ``new_id``. The implicit files add the
``///``-separated notes ``closed_model_response_F`` (towards a wrong answer, for items answered
correctly) and ``closed_model_response_T`` (towards the truth). Images come from a separate
download; the caller names the folder. A malformed record or a missing image does not stop the
load: the item is kept with an ``input_error`` and reported as its own outcome.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from inspect_ai.dataset import MemoryDataset, Sample

from mmtrust.datasets.images import image_file_content
from mmtrust.datasets.json_text import parse_json_or_lines
from mmtrust.datasets.schema import ItemMetadata, make_sample
from mmtrust.perturb.misleading import split_notes

DIFFICULTY_BY_NUM = {6: "low", 9: "medium", 12: "high"}
"""MUB's strata: how many of the 12 reference models an item misled (cut-offs unpublished)."""
_INLINE_OPTION = re.compile(r"(?:^|\s)([A-H])\)\s*(.*?)(?=\s+[A-H]\)|\.\s|$)")


class MubFormatError(ValueError):
    """The file as a whole is not in MUB's format."""


def read_mub_records(path: Path) -> list[Any]:
    """The records of a MUB file: a JSON array, or (tolerated) JSON lines."""
    if not path.is_file():
        raise MubFormatError(f"MUB file not found: {path}")
    try:
        data = parse_json_or_lines(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise MubFormatError(f"{path} is neither a JSON array nor JSON lines: {error}") from error
    if not isinstance(data, list):
        raise MubFormatError(f"{path} must hold a JSON array of records, not {type(data).__name__}")
    return data


def load_mub(path: Path | str, images_dir: Path | str | None = None) -> MemoryDataset:
    """MUB items from ``path``, one sample per distinct ``new_id``, images from ``images_dir``."""
    path = Path(path)
    samples: list[Sample] = []
    seen: set[str] = set()
    for index, record in enumerate(read_mub_records(path)):
        key = record.get("new_id") if isinstance(record, dict) else None
        item_id = str(key) if isinstance(key, str) and key else f"{path.name}#record-{index}"
        if item_id in seen:
            continue
        seen.add(item_id)
        samples.append(_record_sample(record, index, item_id, path, images_dir))
    return MemoryDataset(samples, name=f"mub-{path.stem}")


def _record_sample(
    record: Any, index: int, item_id: str, path: Path, images_dir: Path | str | None
) -> Sample:
    where = f"{path.name} record {index} (new_id={item_id})"
    try:
        metadata = record_metadata(record, item_id)
    except (ValueError, TypeError, KeyError) as error:
        metadata = ItemMetadata(
            source="mub",
            item_id=item_id,
            question=str(record.get("question", "")) if isinstance(record, dict) else "",
            question_type="mc",
            answer="",
            input_error=f"malformed record: {where}: {error}",
        )
        return make_sample(metadata, None)
    if images_dir is None:
        reason = f"no images folder given for {where} (pass images_dir=...)"
        return make_sample(metadata.model_copy(update={"input_error": reason}), None)
    image, problem = image_file_content(_image_path(Path(images_dir), item_id))
    if problem is not None:
        metadata = metadata.model_copy(update={"input_error": f"{where}: {problem}"})
    return make_sample(metadata, image)


def record_metadata(record: Any, item_id: str) -> ItemMetadata:
    """The common metadata of one MUB record; raises ValueError naming what is wrong."""
    if not isinstance(record, dict):
        raise TypeError(f"a record must be a JSON object, not {type(record).__name__}")
    question = record.get("question")
    answer = record.get("answer")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("missing or empty 'question'")
    if not isinstance(answer, str) or not answer.strip():
        raise ValueError("missing or empty 'answer'")
    kind = record.get("question_type_CHorYN")
    if kind not in ("CH", "YN"):
        raise ValueError(f"'question_type_CHorYN' must be CH or YN, not {kind!r}")
    choices = record.get("choices")
    options_in_question = False
    if kind == "YN":
        options: dict[str, str] = {}
        answer = answer.strip().capitalize()
        if answer not in ("Yes", "No"):
            raise ValueError(f"yes/no answer must be Yes or No, not {record['answer']!r}")
    elif isinstance(choices, dict) and choices:
        options = {str(k).strip(): str(v) for k, v in choices.items()}
    else:
        options = {m.group(1): m.group(2).strip() for m in _INLINE_OPTION.finditer(question)}
        options_in_question = True
        if not options:
            raise ValueError("multiple-choice record has no 'choices' and no options in the text")
    if kind == "CH" and answer.strip() not in options:
        raise ValueError(f"answer {answer!r} is not one of the options {sorted(options)}")
    num = record.get("num")
    extra: dict[str, Any] = {
        "dataset": record.get("dataset"),
        "num": num,
        "guide": record.get("guide"),
    }
    for field, key in (
        ("closed_model_response_F", "notes_to_false"),
        ("closed_model_response_T", "notes_to_true"),
    ):
        if isinstance(record.get(field), str):
            extra[key] = split_notes(record[field])
    return ItemMetadata(
        source=str(record.get("dataset") or "mub"),
        item_id=item_id,
        question=question,
        question_type="yn" if kind == "YN" else "mc",
        answer=answer.strip(),
        options=options,
        options_in_question=options_in_question,
        category=str(record.get("all_category") or ""),
        difficulty=DIFFICULTY_BY_NUM.get(num, f"num={num}") if isinstance(num, int) else None,
        image=item_id,
        extra=extra,
    )


def _image_path(images_dir: Path, new_id: str) -> Path:
    """``new_id`` is ``extract_img_all/<k>.jpg``; accept the folder or its parent."""
    nested = images_dir / new_id
    return nested if nested.exists() else images_dir / Path(new_id).name
