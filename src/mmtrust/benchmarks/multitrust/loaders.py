"""Readers of MultiTrust's annotation files: one sub-dataset's records as ``RawItem``s.

``load_subset(root, spec, sub)`` reads ``sub.annotation`` under the data root the user passes
(shared/spec/multitrust.md, "Data root layout") the way ``spec.layout`` says (spec:
shared/spec/multitrust-tasks.md, sections 4.1 and 4.3):

- ``statements`` (T.1-T.7, 4.1): a JSON list of ``{"image", "query", "truth"}`` (T.6 adds
  ``"kind"``); the statement is ``query``.
- ``artistic`` (R.1, COCO-O): JSONL, one ``{"image_name", "gt_label": [...]}`` per line.
- ``sensor`` (R.2, BenchLMM): JSONL ``{"image_name", "question", "answer"}``.
- ``ood_text`` (R.3, DecodingTrust OOD): ``{category: [{"id", "sentence", "label"}], "base": ...}``.
- ``adv_nips`` (R.4, R.5): JSONL ``{"image_name", "untarget": [...], "target": [...]}``.
- ``advglue`` (R.6): ``{task: [{"idx", "label", <GLUE fields>}]}``.

Bad data never raises (``loader_kit``'s docstring: subset problems, record problems, how they
name the file and the record). A bad JSONL line is kept as an item with a ``problem``, and a
file that is one JSON document (a list, or one record) is read too; a record inside a keyed
file is named ``record augment[2]`` (``extra["record"]`` "augment[2]"). An image is looked for
under ``sub.images``, in a folder of that name beside the annotation file, and by its name's
last part directly under ``sub.images`` (the spec's layout leaves open whether an image folder
sits under the aspect folder or beside the annotation file, and whether a record's name
already includes a sub-folder); a grounding item's ``extra["img_size"]`` is its image's size
(the box normaliser's prompt quotes it, the toolbox's ``img_size``).

Unlike the toolbox, a yes/no truth other than Yes/No is a problem (the toolbox leaves the
target unset: a NameError, or the previous record's label; spec section 7).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from PIL import Image

from mmtrust.benchmarks.multitrust import prompts
from mmtrust.benchmarks.multitrust.items import RawItem, SubsetLoad
from mmtrust.benchmarks.multitrust.loader_kit import (
    JsonRecord,
    LoadContext,
    Parsed,
    RecordProblem,
    check_call,
    done,
    image_name,
    object_of,
    read_json,
    read_text,
    split_jsonl,
    text_of,
    unique,
)
from mmtrust.benchmarks.multitrust.loader_kit import json_type as json_type
from mmtrust.benchmarks.multitrust.loader_kit import short as short
from mmtrust.benchmarks.multitrust.table import (
    ADVGLUE_TASKS,
    OOD_TEXT_CATEGORIES,
    Layout,
    SubDataset,
    TaskSpec,
)

logger = logging.getLogger(__name__)

ADVGLUE_SCHEMA: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "sst2": (("sentence",), (0, 1)),
    "rte": (("sentence1", "sentence2"), (0, 1)),
    "mnli": (("premise", "hypothesis"), (0, 1, 2)),
    "mnli-mm": (("premise", "hypothesis"), (0, 1, 2)),
    "qnli": (("question", "sentence"), (0, 1)),
    "qqp": (("question1", "question2"), (0, 1)),
}
"""Each AdvGLUE task's text fields (GLUE's names, the toolbox's task_to_keys) and label set
(GLUE's: mnli has entailment/neutral/contradiction)."""
SENTIMENT_LABELS = (0, 1)
"""R.3's labels: 1 positive, 0 negative."""

EXPECTED: dict[Layout, str] = {
    "statements": 'a JSON list of {"image", "query", "truth"} records',
    "artistic": 'JSONL, one {"image_name", "gt_label": [...]} record per line',
    "sensor": 'JSONL, one {"image_name", "question", "answer"} record per line',
    "ood_text": 'a JSON object {category: [{"id", "sentence", "label"}, ...], ...}',
    "adv_nips": 'JSONL, one {"image_name", "untarget": [...], "target": [...]} record per line',
    "advglue": 'a JSON object {task: [{"idx", "label", <task fields>}, ...], ...}',
}
"""What each layout's annotation file must hold, in words (for subset problems)."""


def load_subset(root: Path, spec: TaskSpec, sub: SubDataset) -> SubsetLoad:
    """The records of sub-dataset ``sub`` of task ``spec`` under the data root ``root``.

    Raises ValueError only for a programming error (``sub`` not one of ``spec``'s, a table row
    without the image folder or section its layout needs); bad data is reported, never raised.
    """
    check_call(spec, sub)
    if spec.layout == "adv_nips" and sub.section not in ("untarget", "target"):
        raise ValueError(f"{sub.name!r} must read 'untarget' or 'target', not {sub.section!r}")
    context = LoadContext.of(
        root,
        sub,
        EXPECTED[spec.layout],
        look_beside=True,
        image_extra=_image_size if sub.evaluator == "grounding" else None,
        universal_newlines=True,
    )
    if not (context.root / sub.annotation).is_file():
        return SubsetLoad([], f"annotation file not found: {context.fail(f'under {root}')}")
    return _READERS[spec.layout](context, spec)


def _image_size(image: Path) -> dict[str, Any]:
    """A grounding item's image size: the box normaliser's prompt quotes it (the toolbox's
    ``img_size``)."""
    with Image.open(image) as opened:
        return {"img_size": opened.size}


_Reader = Callable[[LoadContext, TaskSpec], SubsetLoad]
_KeyedParse = Callable[[LoadContext, str, str | None, Any], Parsed]
"""A keyed file's record parser: (context, key, the record's own id, record)."""


# --- file readers ------------------------------------------------------------------------


def _statements(context: LoadContext, spec: TaskSpec) -> SubsetLoad:
    """T.1-T.7: a JSON list of statement records; item ids are positions (records have none)."""
    data, problem = read_json(context)
    if problem is not None:
        return SubsetLoad([], problem)
    if not isinstance(data, list):
        return SubsetLoad([], context.fail(f"holds a JSON {json_type(data)}"))
    items = [
        context.item(str(i), i, f"record {i}", partial(_statement, context, spec, record))
        for i, record in enumerate(data)
    ]
    return done(context, items)


def _jsonl(parse: Callable[[LoadContext, Any], Parsed]) -> _Reader:
    """A reader of JSONL records; an item's id is its ``image_name`` (the record's own id),
    else ``line-<n>``."""

    def read(context: LoadContext, spec: TaskSpec) -> SubsetLoad:
        text, problem = read_text(context)
        if problem is not None:
            return SubsetLoad([], problem)
        items: list[RawItem] = []
        seen: set[str] = set()
        for record, where, value, error in _jsonl_records(text):
            fallback = where.replace(" ", "-")
            if error is not None:
                extra = {"file": context.file, "record": record}
                problem = f"{context.file} {where}: not valid JSON ({error})"
                items.append(RawItem(unique(fallback, seen, record), {}, "", None, problem, extra))
                continue
            own = value.get("image_name") if isinstance(value, dict) else None
            item_id = own.strip() if isinstance(own, str) and own.strip() else fallback
            item_id = unique(item_id, seen, record)
            items.append(context.item(item_id, record, where, partial(parse, context, value)))
        return done(context, items)

    return read


def _jsonl_records(text: str) -> list[JsonRecord]:
    """(record number, where, value, JSON error) per record of a JSONL text.

    The files are named ``.json``: a file that is one JSON document instead (a list of records,
    or a single record) is accepted. Otherwise every non-blank line is a record; a line that is
    not JSON (a truncated last line) is reported and the good lines are kept.
    """
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, list):
        return [(i, f"record {i}", value, None) for i, value in enumerate(whole)]
    if isinstance(whole, dict):
        return [(1, "line 1", whole, None)]
    return split_jsonl(text)


def _keyed(keys: Sequence[str], id_field: str, parse: _KeyedParse) -> _Reader:
    """A reader of ``{key: [record, ...]}`` files (R.3 categories, R.6 tasks); an item's id is
    ``<key>/<own id>``."""

    def read(context: LoadContext, spec: TaskSpec) -> SubsetLoad:
        data, problem = read_json(context)
        if problem is not None:
            return SubsetLoad([], problem)
        if not isinstance(data, dict):
            return SubsetLoad([], context.fail(f"holds a JSON {json_type(data)}"))
        present = [key for key in keys if key in data]
        if not present:
            found = ", ".join(map(str, data)) or "nothing"
            return SubsetLoad([], context.fail(f"has none of {', '.join(keys)} (only {found})"))
        missing = [key for key in keys if key not in data]
        if missing:
            # a partial release still measures something: a note in the log, not a problem
            logger.warning(
                "%s: %s has no %s; loading %s",
                context.sub.name,
                context.file,
                ", ".join(missing),
                ", ".join(present),
            )
        items: list[RawItem] = []
        seen: set[str] = set()
        for key in present:
            records = data[key]
            if not isinstance(records, list):
                problem = f"{context.file} {key!r}: a JSON {json_type(records)}, not a list"
                extra = {"file": context.file, "record": key}
                items.append(RawItem(unique(key, seen, key), {}, "", None, problem, extra))
                continue
            for i, record in enumerate(records):
                own = _own_id(record, id_field)
                item_id = unique(f"{key}/{own}" if own else f"{key}/#{i}", seen, i)
                call = partial(parse, context, key, own, record)
                items.append(context.item(item_id, f"{key}[{i}]", f"record {key}[{i}]", call))
        return done(context, items)

    return read


# --- record parsers ----------------------------------------------------------------------


def _statement(context: LoadContext, spec: TaskSpec, record: Any) -> Parsed:
    record = object_of(record)
    query = text_of(record, "query")
    truth = _statement_truth(context.sub.evaluator, record)
    extra: dict[str, Any] = {}
    group = spec.group_by_field
    if group is not None:
        # T.6's kind is its scoring group: an unknown kind would be scored nowhere
        value = text_of(record, group).strip().lower()
        if value not in spec.groups:
            allowed = ", ".join(spec.groups)
            raise RecordProblem(f"{group!r} {short(record[group])} is not one of {allowed}")
        extra[group] = value
    images = _image_name(context, record, "image")
    return Parsed({"statement": query}, truth, images, extra=extra, loose=True)


def _statement_truth(evaluator: str, record: dict[str, Any]) -> str:
    if "truth" not in record:
        raise RecordProblem("missing 'truth'")
    value = record["truth"]
    if evaluator == "yes_no":
        if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            return value.strip().capitalize()
        raise RecordProblem(f"'truth' {short(value)} is not Yes or No")
    if evaluator == "grounding":
        return _box(value)
    return _answer(value, "truth")


def _box(value: Any) -> str:
    """A grounding truth: ``[xmin, ymin, xmax, ymax]`` normalised to 0-1, as JSON text (a box
    given as a JSON list rather than text is accepted and written as text)."""
    try:
        box = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError:
        box = None
    numbers = isinstance(box, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in box
    )
    # the IoU is taken against boxes normalised to 0-1; pixel boxes would score 0 silently
    if not (
        numbers
        and len(box) == 4
        and all(0 <= v <= 1 for v in box)
        and box[0] <= box[2]
        and box[1] <= box[3]
    ):
        raise RecordProblem(
            f"'truth' {short(value)} is not a box [xmin, ymin, xmax, ymax] with 0 <= xmin <= "
            "xmax <= 1 and 0 <= ymin <= ymax <= 1"
        )
    return value if isinstance(value, str) else json.dumps(box)


def _artistic(context: LoadContext, record: Any) -> Parsed:
    record = object_of(record)
    labels = _labels(record, "gt_label")
    images = _image_name(context, record, "image_name")
    if images:
        # COCO-O keeps one folder per style: source/<style>/<name>
        style, name = PurePosixPath(context.file).stem, images[0]
        images += (f"{style}/{name}", f"{style}/{PurePosixPath(name).name}")
    # the toolbox scores gt_label[0]; the others are kept for a report or a laxer scorer
    return Parsed({}, labels[0], images, extra={"labels": labels}, loose=True)


def _sensor(context: LoadContext, record: Any) -> Parsed:
    record = object_of(record)
    question = text_of(record, "question")
    if "answer" not in record:
        raise RecordProblem("missing 'answer'")
    answer = _answer(record["answer"], "answer")
    images = _image_name(context, record, "image_name")
    extra = {"question": question}
    return Parsed({"statement": question}, answer, images, extra=extra, loose=True)


def _adv_nips(context: LoadContext, record: Any) -> Parsed:
    record = object_of(record)
    section = str(context.sub.section)
    labels = _labels(record, section)
    images = _image_name(context, record, "image_name")
    return Parsed({}, labels[0], images, extra={"labels": labels}, loose=True)


def _ood_text(context: LoadContext, category: str, own: str | None, record: Any) -> Parsed:
    record = object_of(record)
    own = _required(own, record, "id")
    sentence = text_of(record, "sentence")
    label = _label(record, SENTIMENT_LABELS)
    images = (f"{own}.png",) if context.wants_image else ()
    extra = {"category": category, "id": record["id"]}
    return Parsed({"statement": sentence}, str(label), images, extra=extra, loose=True)


def _advglue(context: LoadContext, task: str, own: str | None, record: Any) -> Parsed:
    record = object_of(record)
    own = _required(own, record, "idx")
    names, labels = ADVGLUE_SCHEMA[task]
    label = _label(record, labels)
    texts = {name: text_of(record, name) for name in names}
    prompt = prompts.ADVGLUE[task].format(**texts)
    images = (f"{task}/{own}.png",) if context.wants_image else ()
    extra = {"task": task, "idx": record["idx"]}
    return Parsed({"prompt": prompt}, str(label), images, extra=extra, loose=True)


# --- field checks ------------------------------------------------------------------------


def _answer(value: Any, key: str) -> str:
    """A free-text answer; a bare number (a math answer) is taken as its text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise RecordProblem(f"{key!r} must be non-empty text, not {short(value)}")
    return value


def _labels(record: dict[str, Any], key: str) -> list[str]:
    if key not in record:
        raise RecordProblem(f"missing {key!r}")
    value = record[key]
    labels = [value] if isinstance(value, str) else value  # a bare label is a list of one
    if (
        not isinstance(labels, list)
        or not labels
        or not all(isinstance(v, str) and v.strip() for v in labels)
    ):
        raise RecordProblem(f"{key!r} must be a non-empty list of labels, not {short(value)}")
    return list(labels)


def _label(record: dict[str, Any], allowed: Sequence[int]) -> int:
    if "label" not in record:
        raise RecordProblem("missing 'label'")
    value = record["label"]
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or value not in allowed:
        allowed_text = ", ".join(map(str, allowed))
        raise RecordProblem(f"'label' {short(record['label'])} is not one of {allowed_text}")
    return int(value)


def _own_id(record: Any, key: str) -> str | None:
    """A record's own id as text, or None when it has no usable one."""
    value = record.get(key) if isinstance(record, dict) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _required(own: str | None, record: dict[str, Any], key: str) -> str:
    # the id names the related image and pairs the record across variants
    if own is None:
        raise RecordProblem(f"missing or invalid {key!r}: {short(record.get(key))}")
    return own


def _image_name(context: LoadContext, record: dict[str, Any], key: str) -> tuple[str, ...]:
    """The record's image name (as ``Parsed.images``), required only when the variant shows
    it."""
    if not context.wants_image:
        return ()
    return (image_name(text_of(record, key), key),)


_READERS: dict[Layout, _Reader] = {
    "statements": _statements,
    "artistic": _jsonl(_artistic),
    "sensor": _jsonl(_sensor),
    "adv_nips": _jsonl(_adv_nips),
    "ood_text": _keyed(OOD_TEXT_CATEGORIES, "id", _ood_text),
    "advglue": _keyed(ADVGLUE_TASKS, "idx", _advglue),
}
