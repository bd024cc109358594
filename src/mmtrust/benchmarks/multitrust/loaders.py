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

Bad data never raises. A file that is missing, unreadable, not JSON or not the expected shape
gives ``SubsetLoad([], problem)``; a bad record (or a bad JSONL line) is kept as a ``RawItem``
with a ``problem``, and so is a record whose image is missing or corrupt. Every problem names
the annotation file (relative to the root) and the record: ``record 3`` (position in a JSON
list, from 0), ``line 4`` (JSONL, from 1) or ``record augment[2]`` (a list inside a keyed
file); the item's ``extra`` has the same ``file`` and ``record`` (int, int, "augment[2]").

Unlike the toolbox, a yes/no truth other than Yes/No is a problem (the toolbox leaves the
target unset: a NameError, or the previous record's label; spec section 7).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from PIL import Image

from mmtrust.benchmarks.multitrust import prompts
from mmtrust.benchmarks.multitrust.items import RawItem, SubsetLoad
from mmtrust.benchmarks.multitrust.table import (
    ADVGLUE_TASKS,
    OOD_TEXT_CATEGORIES,
    Layout,
    SubDataset,
    TaskSpec,
)
from mmtrust.datasets.images import image_file_problem

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

_WITH_IMAGE = ("own", "related")
"""The variants whose image comes from the data root; the task factory supplies the others."""


def load_subset(root: Path, spec: TaskSpec, sub: SubDataset) -> SubsetLoad:
    """The records of sub-dataset ``sub`` of task ``spec`` under the data root ``root``.

    Raises ValueError only for a programming error (``sub`` not one of ``spec``'s, a table row
    without the image folder or section its layout needs); bad data is reported, never raised.
    """
    if sub not in spec.subsets:
        raise ValueError(f"{sub.name!r} is not a sub-dataset of {spec.task_id}")
    if sub.image in _WITH_IMAGE and sub.images is None:
        raise ValueError(f"{sub.name!r} shows images from the data root but names no folder")
    if spec.layout == "adv_nips" and sub.section not in ("untarget", "target"):
        raise ValueError(f"{sub.name!r} must read 'untarget' or 'target', not {sub.section!r}")
    context = _Context(Path(root), spec, sub, PurePosixPath(sub.annotation).as_posix())
    if not (context.root / sub.annotation).is_file():
        return SubsetLoad([], f"annotation file not found: {context.fail(f'under {root}')}")
    return _READERS[spec.layout](context)


class _RecordProblem(Exception):
    """Why a record cannot be asked; the caller adds the file and the record."""


@dataclass
class _Parsed:
    fields: dict[str, str]
    truth: str | list[str]
    image: str | None
    """The image's name as the record gives it, under ``sub.images``; None: no image shown."""
    extra: dict[str, Any] = field(default_factory=dict)
    more_names: tuple[str, ...] = ()
    """Further names under ``sub.images`` to look for, after the usual places (COCO-O's style
    folder)."""


@dataclass(frozen=True)
class _Context:
    root: Path
    spec: TaskSpec
    sub: SubDataset
    file: str
    """The annotation file, relative to the root (how problems name it)."""

    @property
    def wants_image(self) -> bool:
        return self.sub.image in _WITH_IMAGE

    def fail(self, what: str) -> str:
        """A subset problem: the file, what is wrong with it and what was expected."""
        return f"{self.file} {what}; expected {EXPECTED[self.spec.layout]}"

    def item(
        self, item_id: str, record: int | str, where: str, parse: Callable[[], _Parsed]
    ) -> RawItem:
        """The item of one record; a bad record or image gives an item with a ``problem``."""
        base: dict[str, Any] = {"file": self.file, "record": record}
        try:
            parsed = parse()
        except _RecordProblem as error:
            return RawItem(item_id, {}, "", problem=f"{self.file} {where}: {error}", extra=base)
        extra = {**base, **parsed.extra}
        image, problem = self._image(parsed)
        if problem is not None:
            problem = f"{self.file} {where}: {problem}"
            return RawItem(item_id, parsed.fields, parsed.truth, None, problem, extra)
        if image is not None and self.sub.evaluator == "grounding":
            # the box normaliser's prompt quotes the image size (the toolbox's img_size)
            with Image.open(image) as opened:
                extra["img_size"] = opened.size
        return RawItem(item_id, parsed.fields, parsed.truth, image, None, extra)

    def _image(self, parsed: _Parsed) -> tuple[Path | None, str | None]:
        """The image file to show and why it cannot be used (missing, corrupt), if so."""
        if not self.wants_image or parsed.image is None or self.sub.images is None:
            return None, None
        candidates = self._candidates((parsed.image, *parsed.more_names))
        found = next((c for c in candidates if (self.root / c).exists()), None)
        if found is None:
            tried = ", ".join(c.as_posix() for c in candidates[1:])
            problem = image_file_problem(self.root / candidates[0])
            return None, f"{problem} (nor any of: {tried})" if tried else problem
        path = self.root / found
        problem = image_file_problem(path)
        return (None, problem) if problem is not None else (path, None)

    def _candidates(self, names: Sequence[str]) -> list[PurePosixPath]:
        """Where an image may be, in order: the spec's layout leaves open whether an image
        folder sits under the aspect folder or beside the annotation file, and whether a
        record's name already includes a sub-folder."""
        images = PurePosixPath(str(self.sub.images))
        beside = PurePosixPath(self.file).parent / images.name
        candidates: list[PurePosixPath] = []
        for name in names:
            relative = PurePosixPath(name)
            for candidate in (images / relative, beside / relative, images / relative.name):
                if candidate not in candidates:
                    candidates.append(candidate)
        return candidates


_KeyedParse = Callable[[_Context, str, str | None, Any], _Parsed]
"""A keyed file's record parser: (context, key, the record's own id, record)."""


# --- file readers ------------------------------------------------------------------------


def _read_text(context: _Context) -> tuple[str, str | None]:
    try:
        # utf-8-sig: a byte-order mark (Windows editors) is not part of the JSON
        return (context.root / context.file).read_text(encoding="utf-8-sig"), None
    except UnicodeDecodeError as error:
        return "", context.fail(f"is not UTF-8 text ({error})")
    except OSError as error:
        return "", context.fail(f"cannot be read ({error})")


def _read_json(context: _Context) -> tuple[Any, str | None]:
    text, problem = _read_text(context)
    if problem is not None:
        return None, problem
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        return None, context.fail(f"is not valid JSON ({error})")


def _done(context: _Context, items: list[RawItem]) -> SubsetLoad:
    return SubsetLoad(items) if items else SubsetLoad([], context.fail("holds no records"))


def _statements(context: _Context) -> SubsetLoad:
    """T.1-T.7: a JSON list of statement records; item ids are positions (records have none)."""
    data, problem = _read_json(context)
    if problem is not None:
        return SubsetLoad([], problem)
    if not isinstance(data, list):
        return SubsetLoad([], context.fail(f"holds a JSON {json_type(data)}"))
    items = [
        context.item(str(i), i, f"record {i}", partial(_statement, context, record))
        for i, record in enumerate(data)
    ]
    return _done(context, items)


def _jsonl(parse: Callable[[_Context, Any], _Parsed]) -> Callable[[_Context], SubsetLoad]:
    """A reader of JSONL records; an item's id is its ``image_name`` (the record's own id),
    else ``line-<n>``."""

    def read(context: _Context) -> SubsetLoad:
        text, problem = _read_text(context)
        if problem is not None:
            return SubsetLoad([], problem)
        items: list[RawItem] = []
        seen: set[str] = set()
        for record, where, value, error in _jsonl_records(text):
            fallback = where.replace(" ", "-")
            if error is not None:
                extra = {"file": context.file, "record": record}
                problem = f"{context.file} {where}: not valid JSON ({error})"
                items.append(RawItem(_unique(fallback, seen, record), {}, "", None, problem, extra))
                continue
            own = value.get("image_name") if isinstance(value, dict) else None
            item_id = own.strip() if isinstance(own, str) and own.strip() else fallback
            item_id = _unique(item_id, seen, record)
            items.append(context.item(item_id, record, where, partial(parse, context, value)))
        return _done(context, items)

    return read


def _jsonl_records(text: str) -> list[tuple[int, str, Any, str | None]]:
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
    records: list[tuple[int, str, Any, str | None]] = []
    # split on newlines only: str.splitlines() also splits on U+2028, legal inside JSON strings
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, f"line {number}", json.loads(line), None))
        except json.JSONDecodeError as error:
            records.append((number, f"line {number}", None, str(error)))
    return records


def _keyed(
    keys: Sequence[str], id_field: str, parse: _KeyedParse
) -> Callable[[_Context], SubsetLoad]:
    """A reader of ``{key: [record, ...]}`` files (R.3 categories, R.6 tasks); an item's id is
    ``<key>/<own id>``."""

    def read(context: _Context) -> SubsetLoad:
        data, problem = _read_json(context)
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
                items.append(RawItem(_unique(key, seen, key), {}, "", None, problem, extra))
                continue
            for i, record in enumerate(records):
                own = _own_id(record, id_field)
                item_id = _unique(f"{key}/{own}" if own else f"{key}/#{i}", seen, i)
                call = partial(parse, context, key, own, record)
                items.append(context.item(item_id, f"{key}[{i}]", f"record {key}[{i}]", call))
        return _done(context, items)

    return read


# --- record parsers ----------------------------------------------------------------------


def _statement(context: _Context, record: Any) -> _Parsed:
    record = _object(record)
    query = _text(record, "query")
    truth = _statement_truth(context.sub.evaluator, record)
    extra: dict[str, Any] = {}
    group = context.spec.group_by_field
    if group is not None:
        # T.6's kind is its scoring group: an unknown kind would be scored nowhere
        value = _text(record, group).strip().lower()
        if value not in context.spec.groups:
            allowed = ", ".join(context.spec.groups)
            raise _RecordProblem(f"{group!r} {short(record[group])} is not one of {allowed}")
        extra[group] = value
    image = _image_name(context, record, "image")
    return _Parsed({"statement": query}, truth, image, extra)


def _statement_truth(evaluator: str, record: dict[str, Any]) -> str:
    if "truth" not in record:
        raise _RecordProblem("missing 'truth'")
    value = record["truth"]
    if evaluator == "yes_no":
        if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            return value.strip().capitalize()
        raise _RecordProblem(f"'truth' {short(value)} is not Yes or No")
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
        raise _RecordProblem(
            f"'truth' {short(value)} is not a box [xmin, ymin, xmax, ymax] with 0 <= xmin <= "
            "xmax <= 1 and 0 <= ymin <= ymax <= 1"
        )
    return value if isinstance(value, str) else json.dumps(box)


def _artistic(context: _Context, record: Any) -> _Parsed:
    record = _object(record)
    labels = _labels(record, "gt_label")
    name = _image_name(context, record, "image_name")
    # COCO-O keeps one folder per style: source/<style>/<name>
    style = PurePosixPath(context.file).stem
    more = (f"{style}/{name}", f"{style}/{PurePosixPath(name).name}") if name else ()
    # the toolbox scores gt_label[0]; the others are kept for a report or a laxer scorer
    return _Parsed({}, labels[0], name, {"labels": labels}, more)


def _sensor(context: _Context, record: Any) -> _Parsed:
    record = _object(record)
    question = _text(record, "question")
    if "answer" not in record:
        raise _RecordProblem("missing 'answer'")
    answer = _answer(record["answer"], "answer")
    name = _image_name(context, record, "image_name")
    return _Parsed({"statement": question}, answer, name, {"question": question})


def _adv_nips(context: _Context, record: Any) -> _Parsed:
    record = _object(record)
    section = str(context.sub.section)
    labels = _labels(record, section)
    name = _image_name(context, record, "image_name")
    return _Parsed({}, labels[0], name, {"labels": labels})


def _ood_text(context: _Context, category: str, own: str | None, record: Any) -> _Parsed:
    record = _object(record)
    own = _required(own, record, "id")
    sentence = _text(record, "sentence")
    label = _label(record, SENTIMENT_LABELS)
    image = f"{own}.png" if context.wants_image else None
    extra = {"category": category, "id": record["id"]}
    return _Parsed({"statement": sentence}, str(label), image, extra)


def _advglue(context: _Context, task: str, own: str | None, record: Any) -> _Parsed:
    record = _object(record)
    own = _required(own, record, "idx")
    names, labels = ADVGLUE_SCHEMA[task]
    label = _label(record, labels)
    texts = {name: _text(record, name) for name in names}
    prompt = prompts.ADVGLUE[task].format(**texts)
    image = f"{task}/{own}.png" if context.wants_image else None
    return _Parsed({"prompt": prompt}, str(label), image, {"task": task, "idx": record["idx"]})


# --- field checks ------------------------------------------------------------------------


def _object(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise _RecordProblem(f"a record must be a JSON object, not a JSON {json_type(record)}")
    return record


def _text(record: dict[str, Any], key: str) -> str:
    if key not in record:
        raise _RecordProblem(f"missing {key!r}")
    value = record[key]
    if not isinstance(value, str) or not value.strip():
        raise _RecordProblem(f"{key!r} must be non-empty text, not {short(value)}")
    return value


def _answer(value: Any, key: str) -> str:
    """A free-text answer; a bare number (a math answer) is taken as its text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise _RecordProblem(f"{key!r} must be non-empty text, not {short(value)}")
    return value


def _labels(record: dict[str, Any], key: str) -> list[str]:
    if key not in record:
        raise _RecordProblem(f"missing {key!r}")
    value = record[key]
    labels = [value] if isinstance(value, str) else value  # a bare label is a list of one
    if (
        not isinstance(labels, list)
        or not labels
        or not all(isinstance(v, str) and v.strip() for v in labels)
    ):
        raise _RecordProblem(f"{key!r} must be a non-empty list of labels, not {short(value)}")
    return list(labels)


def _label(record: dict[str, Any], allowed: Sequence[int]) -> int:
    if "label" not in record:
        raise _RecordProblem("missing 'label'")
    value = record["label"]
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or value not in allowed:
        allowed_text = ", ".join(map(str, allowed))
        raise _RecordProblem(f"'label' {short(record['label'])} is not one of {allowed_text}")
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
        raise _RecordProblem(f"missing or invalid {key!r}: {short(record.get(key))}")
    return own


def _image_name(context: _Context, record: dict[str, Any], key: str) -> str | None:
    """The record's image name, required only when the variant shows it."""
    if not context.wants_image:
        return None
    name = _text(record, key).strip().replace("\\", "/")
    relative = PurePosixPath(name)
    # lexical check, not resolve(): a snapshot's files may be symlinks out of the root
    if relative.is_absolute() or ".." in relative.parts:
        raise _RecordProblem(f"{key!r} {name!r} points outside the data root")
    return relative.as_posix()


def _unique(item_id: str, seen: set[str], record: int | str) -> str:
    """Item ids must be unique within a sub-dataset: a repeated one gets its record appended."""
    if item_id in seen:
        item_id = f"{item_id}#{record}"
    seen.add(item_id)
    return item_id


def json_type(value: Any) -> str:
    """How a problem names a JSON value's type ("object", "array", ...)."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def short(value: Any) -> str:
    """A value as a problem quotes it: its repr, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


_READERS: dict[Layout, Callable[[_Context], SubsetLoad]] = {
    "statements": _statements,
    "artistic": _jsonl(_artistic),
    "sensor": _jsonl(_sensor),
    "adv_nips": _jsonl(_adv_nips),
    "ood_text": _keyed(OOD_TEXT_CATEGORIES, "id", _ood_text),
    "advglue": _keyed(ADVGLUE_TASKS, "idx", _advglue),
}
