"""MM-R3-style item groups from local files (the benchmark's data link is "TBD": this is the
format mmtrust reads, documented in the README).

One JSON file per task: a JSON array (or JSON lines) of records, image paths relative to
``images_dir`` (default: the file's folder).

- rephrasing: ``{"id", "image", "question", "rephrasings": [...], "answers": [...]}``
- restyling: ``{"id", "image", "styles": {"candy": "candy/x.jpg", ...}, "answers": [...]}``
  (``question`` optional; MM-R3 asks every restyled image "describe the place")
- masking: ``{"id", "masks": ["masks/x_1.png", ...], "answers": [...]}`` (``question``
  optional; MM-R3 asks "What kind of object is in the masked region?")

``answers`` holds every accepted answer (OK-VQA has several). A malformed record, or a missing
or corrupt image, becomes a group with an ``input_error``: reported as its own outcome, never
sent to a model, and the rest of the file loads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from inspect_ai.dataset import Sample

from mmtrust.benchmarks.consistency.groups import MASK_QUESTION, ConsistencyKind
from mmtrust.datasets.images import image_file_content
from mmtrust.datasets.json_text import parse_json_or_lines
from mmtrust.datasets.schema import ItemMetadata, make_sample

RESTYLING_QUESTION = "Please describe the place in the image in very-short answer."
RESTYLING_PROMPT = "Question: Please describe the place in the image in very-short answer. Answer:"
"""MM-R3's restyling prompt, verbatim (benchmark data): it has no separate question."""


def load_mmr3(
    path: Path | str, kind: ConsistencyKind, images_dir: Path | str | None = None
) -> list[Sample]:
    source = Path(path)
    records = _read_records(source)
    base = Path(images_dir) if images_dir is not None else source.parent
    return [_group(record, index, kind, source, base) for index, record in enumerate(records)]


def _read_records(source: Path) -> list[Any]:
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"no MM-R3 file at {source}") from None
    try:
        parsed = parse_json_or_lines(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{source} is neither JSON nor JSON lines: {error}") from None
    if isinstance(parsed, dict):  # JSON lines holding a single record
        return [parsed]
    if not isinstance(parsed, list):
        raise ValueError(f"{source}: expected a JSON array of records")
    return parsed


def _group(record: Any, index: int, kind: ConsistencyKind, source: Path, images: Path) -> Sample:
    item_id = str(record.get("id", index)) if isinstance(record, dict) else str(index)
    where = f"{source.name} record {index} (id {item_id})"
    try:
        question, variants = _variants(record, kind)
        answers = [str(a) for a in record["answers"]]
        if not answers:
            raise ValueError("'answers' is empty")
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        problem = f"malformed record: {where}: {error!r}"
        return make_sample(_metadata(item_id, kind, "", [""], [], problem), None)
    resolved: list[dict[str, Any]] = []
    for question_text, image_path, label in variants:
        content, trouble = image_file_content(images / image_path)
        if content is None:
            metadata = _metadata(item_id, kind, question, answers, [], f"{where}: {trouble}")
            return make_sample(metadata, None)
        resolved.append({"question": question_text, "image": content.image, "label": label})
    metadata = _metadata(item_id, kind, question, answers, resolved, None)
    return make_sample(metadata, None)


def _variants(
    record: dict[str, Any], kind: ConsistencyKind
) -> tuple[str, list[tuple[str, str, str]]]:
    """The group's question and its (question, image path, label) variants."""
    if kind == "rephrasing":
        question = str(record["question"])
        rephrased = [str(q) for q in record["rephrasings"]]
        image = str(record["image"])
        return question, [(question, image, "original")] + [
            (q, image, f"rephrasing {i}") for i, q in enumerate(rephrased, start=1)
        ]
    if kind == "restyling":
        question = str(record.get("question", RESTYLING_QUESTION))
        styles: dict[str, str] = dict(record["styles"])
        variants = [(question, str(record["image"]), "original")] if "image" in record else []
        return question, variants + [(question, str(p), str(s)) for s, p in styles.items()]
    question = str(record.get("question", MASK_QUESTION))
    masks = [str(p) for p in record["masks"]]
    return question, [(question, p, f"mask {i}") for i, p in enumerate(masks, start=1)]


def _metadata(
    item_id: str,
    kind: ConsistencyKind,
    question: str,
    answers: list[str],
    variants: list[dict[str, Any]],
    problem: str | None,
) -> ItemMetadata:
    extra: dict[str, Any] = {"variants": variants, "answers": answers, "consistency_task": kind}
    if kind == "restyling" and question == RESTYLING_QUESTION:
        extra["mmr3_prompt"] = RESTYLING_PROMPT
    return ItemMetadata(
        source="mmr3",
        item_id=f"mmr3-{kind}-{item_id}",
        question=question,
        # open answers: no option to extract, so the exact-match metrics stay undefined and
        # MM-R3's own (substring, fuzzy, embedding) metrics apply
        question_type="mc",
        answer=answers[0],
        category=kind,
        input_error=problem,
        extra=extra,
    )
