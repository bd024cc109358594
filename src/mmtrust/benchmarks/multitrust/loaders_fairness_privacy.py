"""Readers of MultiTrust's fairness and privacy files: one sub-dataset's records as ``RawItem``s.

``load_fairness_privacy(root, spec, sub)`` reads ``sub.annotation`` under the data root the way
``spec.layout`` says (spec: shared/spec/multitrust-tasks.md, sections 4.4 and 4.5; files, fields,
labels and image paths as the toolbox's dataset classes read them, thu-ml/MMTrustEval
``mmte/datasets/*.py``):

- ``stereo_statements`` (F.2): ``stereo_statement.csv`` with ``Number, Type, Stereo Statement``;
  the statement is asked, the truth is its Type (one of ``STEREO_TYPES``; F.2 measures
  agreement, so the group is what matters), ``extra["type"]``; the image is
  ``stereo_images/<type lower>/<Number>.png``.
- ``stereo_classification`` (F.3): ``stereo_classification.csv`` with ``Number, Sentence,
  Label``; the truth is the option's number as text ("1" stereotype, "2" anti-stereotype, "3"
  unrelated: ``STEREO_CLASSES``), ``extra["label"]`` the Label; the image is
  ``stereo_classification_images/<Number>.png``. Its topic half (the sub-datasets named
  ``stereo-topic-classification-*``, ``reads_topics``) reads ``stereo_statement.csv``: the
  truth is the topic's number "1".."6" in the prompt's order (``STEREO_TYPES``),
  ``extra["label"]`` the Type.
- ``profession`` (F.6): ``profess_prediction.csv`` with ``filename, class1`` and one 0/1 flag
  column per category (``PROFESSION_ATTRIBUTES``); the fields are ``profession`` and the
  toolbox's description words ``gender`` (male, female), ``age`` (older, middle, young) and
  ``skintone`` (light, medium, dark), also in ``extra``. The truth is "" (no answer is right:
  the task measures whether the answers depend on the attributes). The image is
  ``profession_images/<filename>``.
- ``private_images`` (P.1): VISPR's JSONL or VizWiz-Priv's JSON list of ``{"image",
  "private"}``; the truth is "Yes"/"No". A VizWiz name ``x.jpg`` is also looked for as
  ``x.png`` (a toolbox version renamed them so).
- ``private_questions`` (P.2): a JSON list of ``{"image", "question", "private_qa"}``; the field
  is ``question``, the truth "Yes"/"No".
- ``confaide`` (P.3): ``prompts.txt``, one prompt per line, and ``labels.txt`` beside it, one
  number in [-100, 100] per line in the same order; the statement is the prompt, the truth the
  label as text (``str(float)``), ``extra["label"]`` the float; the image of line ``i`` (from
  0) is ``imgs/<i % 14>.png``.

Bad data never raises, as in ``loaders``. A file that is missing, unreadable, not the format or
without a required column gives ``SubsetLoad([], problem)``; a bad record is kept as a
``RawItem`` with a ``problem``, and so is a record whose image is missing or corrupt (only
where the variant shows it). Every problem names the annotation file (relative to the root)
and the record: ``line 4`` (the CSV, JSONL or text line, from 1) or ``record 3`` (position in
a JSON list, from 0); ``extra`` has the same ``file`` and ``record``.

Where the toolbox is wrong, these readers are not (spec section 7): F.6's attribute lists are
appended only when a flag is set, so a row with zero or two flags of one attribute shifts
every later image onto another person's attributes; here that row is a problem and the others
keep their own. The toolbox drops a statement that is empty, an image that does not exist
(VISPR, VizWiz) and the prompts or labels past the shorter of ConfAIde's two files, silently;
here each is a problem, counted.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mmtrust.benchmarks.multitrust.items import RawItem, SubsetLoad
from mmtrust.benchmarks.multitrust.loaders import json_type, short
from mmtrust.benchmarks.multitrust.table import SubDataset, TaskSpec
from mmtrust.datasets.images import image_file_problem

logger = logging.getLogger(__name__)

STEREO_TYPES = ("Age", "Gender", "Nationality", "Race", "Religion", "Socioeconomic")
"""The stereotype types of ``stereo_statement.csv``, in the order F.3's topic prompt numbers
them (1. Age ... 6. Socioeconomic)."""
STEREO_CLASSES = ("stereotype", "anti-stereotype", "unrelated")
"""F.3's labels, in the order its prompt numbers the options (1, 2, 3)."""
PROFESSION_ATTRIBUTES: dict[str, tuple[tuple[str, str], ...]] = {
    "gender": (("gender_presentation_masc", "male"), ("gender_presentation_fem", "female")),
    "age": (
        ("age_presentation_older", "older"),
        ("age_presentation_middle", "middle"),
        ("age_presentation_young", "young"),
    ),
    "skintone": (
        ("skin_tone_1_3", "light"),
        ("skin_tone_4_6", "medium"),
        ("skin_tone_7_10", "dark"),
    ),
}
"""F.6: each attribute's flag columns and the word the toolbox describes the person with
(``profession_pred.py``); exactly one flag of each attribute is 1."""
CONFAIDE_IMAGES = 14
"""ConfAIde's related images: line ``i`` (from 0) is shown ``imgs/<i % 14>.png`` (the
toolbox's ``img_num``)."""
CONFAIDE_LABELS = "labels.txt"
"""ConfAIde's labels file, beside ``prompts.txt``."""
CONFAIDE_RANGE = (-100.0, 100.0)
"""ConfAIde's rating scale: a label outside it is a problem."""
TOPIC_PREFIX = "stereo-topic-classification-"

EXPECTED: dict[str, str] = {
    "stereo_statements": "a CSV with the columns Number, Type, Stereo Statement",
    "stereo_classification": "a CSV with the columns Number, Sentence, Label",
    "profession": "a CSV with the columns filename, class1 and the eight presentation flags",
    "private_images": 'JSONL or a JSON list of {"image", "private"} records',
    "private_questions": 'a JSON list (or JSONL) of {"image", "question", "private_qa"} records',
    "confaide": f"one prompt per line, and {CONFAIDE_LABELS} beside it with one number per line",
}
"""What each reading's file must hold, in words (for subset problems); F.3's topic half reads
like ``stereo_statements``."""

_SHOWN = ("own", "related")
_STATEMENT_COLUMNS = ("Number", "Type", "Stereo Statement")
_CLASSIFICATION_COLUMNS = ("Number", "Sentence", "Label")
_PROFESSION_COLUMNS = (
    "filename",
    "class1",
    *(column for columns in PROFESSION_ATTRIBUTES.values() for column, _ in columns),
)
_YES = ("yes", "true", "1")
_NO = ("no", "false", "0")


def reads_topics(sub: SubDataset) -> bool:
    """Whether ``sub`` is one of F.3's topic sub-datasets (they read ``stereo_statement.csv``)."""
    return sub.name.startswith(TOPIC_PREFIX)


def load_fairness_privacy(root: Path, spec: TaskSpec, sub: SubDataset) -> SubsetLoad:
    """The records of sub-dataset ``sub`` of task ``spec`` (F.2, F.3, F.6, P.1-P.3) under the
    data root ``root``.

    Raises ValueError only for a programming error (``sub`` not one of ``spec``'s, a layout
    this module does not read, a variant showing images from a row without an image folder);
    bad data is reported, never raised.
    """
    if sub not in spec.subsets:
        raise ValueError(f"{sub.name!r} is not a sub-dataset of {spec.task_id}")
    if spec.layout not in _READERS:
        raise ValueError(f"{spec.task_id}'s layout {spec.layout!r} is not a fairness/privacy one")
    if sub.image in _SHOWN and sub.images is None:
        raise ValueError(f"{sub.name!r} shows images from the data root but names no folder")
    topics = spec.layout == "stereo_classification" and reads_topics(sub)
    reading = "stereo_statements" if topics else str(spec.layout)
    context = _Context(Path(root), sub, PurePosixPath(sub.annotation).as_posix(), reading)
    if not (context.root / context.file).is_file():
        return SubsetLoad([], f"annotation file not found: {context.fail(f'under {root}')}")
    return (_TOPIC_READER if topics else _READERS[spec.layout])(context)


class _RecordProblem(Exception):
    """Why a record cannot be asked; the caller adds the file and the record."""


@dataclass
class _Parsed:
    fields: dict[str, str]
    truth: str
    image: str | None
    """The image's name under ``sub.images`` (None: the record has none to show)."""
    extra: dict[str, Any] = field(default_factory=dict)
    more_names: tuple[str, ...] = ()
    """Further names under ``sub.images`` to look for, after the usual places."""
    loose: bool = False
    """Also look for the name's last part directly under ``sub.images`` (a record's own name
    may carry a folder the release does not have); not for names built from the record's
    fields, where the folder is part of the identity (``age/3.png`` vs ``race/3.png``)."""


@dataclass(frozen=True)
class _Context:
    root: Path
    sub: SubDataset
    file: str
    """The annotation file, relative to the root (how problems name it)."""
    reading: str
    """The key of ``EXPECTED`` (F.3's topic half reads like F.2)."""

    @property
    def wants_image(self) -> bool:
        return self.sub.image in _SHOWN

    def fail(self, what: str, file: str | None = None) -> str:
        """A subset problem: the file, what is wrong with it and what was expected."""
        return f"{file or self.file} {what}; expected {EXPECTED[self.reading]}"

    def item(self, item_id: str, record: int, where: str, parse: Callable[[], _Parsed]) -> RawItem:
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
        return RawItem(item_id, parsed.fields, parsed.truth, image, None, extra)

    def _image(self, parsed: _Parsed) -> tuple[Path | None, str | None]:
        if not self.wants_image or parsed.image is None or self.sub.images is None:
            return None, None
        images = PurePosixPath(self.sub.images)
        beside = PurePosixPath(self.file).parent / images.name
        candidates: list[PurePosixPath] = []
        for name in (parsed.image, *parsed.more_names):
            relative = PurePosixPath(name)
            places = [images / relative, beside / relative]
            if parsed.loose:
                places.append(images / relative.name)
            candidates += [place for place in places if place not in candidates]
        found = next((c for c in candidates if (self.root / c).exists()), None)
        if found is None:
            tried = ", ".join(c.as_posix() for c in candidates[1:])
            problem = image_file_problem(self.root / candidates[0])
            return None, f"{problem} (nor any of: {tried})" if tried else problem
        path = self.root / found
        problem = image_file_problem(path)
        return (None, problem) if problem is not None else (path, None)


# --- file readers ------------------------------------------------------------------------


def _read_text(context: _Context, file: str) -> tuple[str, str | None]:
    try:
        # utf-8-sig: a byte-order mark (spreadsheet exports, Windows editors) is no content
        return (context.root / file).read_bytes().decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        return "", context.fail(f"is not UTF-8 text ({error})", file)
    except OSError as error:
        return "", context.fail(f"cannot be read ({error})", file)


def _done(context: _Context, items: list[RawItem]) -> SubsetLoad:
    return SubsetLoad(items) if items else SubsetLoad([], context.fail("holds no records"))


@dataclass(frozen=True)
class _Row:
    """One CSV record: its cells by column (None: the row ends before that column) and the
    non-empty cells past the header's columns."""

    cells: dict[str, str | None]
    beyond: tuple[str, ...]


_RowParse = Callable[[_Context, _Row], _Parsed]
_RowId = Callable[[_Row], str | None]


def _csv_reader(
    columns: Sequence[str], own_id: _RowId, parse: _RowParse
) -> Callable[[_Context], SubsetLoad]:
    """A reader of a CSV with a header naming at least ``columns``; an item's id is the
    record's own (``own_id``), else ``line-<n>``."""

    def read(context: _Context) -> SubsetLoad:
        text, problem = _read_text(context, context.file)
        if problem is not None:
            return SubsetLoad([], problem)
        # strict: an unclosed quote is an error, not the rest of the file read as one cell
        rows = csv.reader(io.StringIO(text, newline=""), strict=True)
        items: list[RawItem] = []
        seen: set[str] = set()
        try:
            header = [name.strip() for name in next(rows, [])]
            if not any(header):
                return SubsetLoad([], context.fail("has no header"))
            missing = [name for name in columns if name not in header]
            if missing:
                lacking = ", ".join(map(repr, missing))
                return SubsetLoad(
                    [], context.fail(f"has no column {lacking} (its header: {header})")
                )
            for values in rows:
                if not any(value.strip() for value in values):
                    continue  # a blank line, or a row of empty cells (spreadsheet padding)
                line = rows.line_num
                cells = {
                    name: values[i] if i < len(values) else None for i, name in enumerate(header)
                }
                beyond = tuple(value for value in values[len(header) :] if value.strip())
                row = _Row(cells, beyond)
                item_id = _unique(own_id(row) or f"line-{line}", seen, line)
                call = _bind(parse, context, row)
                items.append(context.item(item_id, line, f"line {line}", call))
        except csv.Error as error:
            return SubsetLoad(
                [], context.fail(f"is not valid CSV at line {rows.line_num} ({error})")
            )
        return _done(context, items)

    return read


def _bind(parse: _RowParse, context: _Context, row: _Row) -> Callable[[], _Parsed]:
    def call() -> _Parsed:
        if row.beyond:
            extra = ", ".join(short(value) for value in row.beyond)
            raise _RecordProblem(f"fields past the header's last column: {extra}")
        return parse(context, row)

    return call


_RecordParse = Callable[[_Context, Any], _Parsed]


def _json_reader(parse: _RecordParse, *, own_ids: bool) -> Callable[[_Context], SubsetLoad]:
    """A reader of a JSON list of records or of JSONL (whatever the file's extension: the
    toolbox picks by extension, and the two are easy to mistake). With ``own_ids`` an item's
    id is its ``image`` (P.1: one record per image), else its position (P.2 asks several
    questions about one image)."""

    def read(context: _Context) -> SubsetLoad:
        text, problem = _read_text(context, context.file)
        if problem is not None:
            return SubsetLoad([], problem)
        records, problem = _json_records(context, text)
        if problem is not None:
            return SubsetLoad([], problem)
        items: list[RawItem] = []
        seen: set[str] = set()
        for number, where, value, error in records:
            fallback = where.replace(" ", "-") if where.startswith("line") else str(number)
            own = value.get("image") if own_ids and isinstance(value, dict) else None
            item_id = own.strip() if isinstance(own, str) and own.strip() else fallback
            item_id = _unique(item_id, seen, number)
            if error is not None:
                extra = {"file": context.file, "record": number}
                problem = f"{context.file} {where}: not valid JSON ({error})"
                items.append(RawItem(item_id, {}, "", None, problem, extra))
                continue
            call = _bind_record(parse, context, value)
            items.append(context.item(item_id, number, where, call))
        return _done(context, items)

    return read


def _bind_record(parse: _RecordParse, context: _Context, value: Any) -> Callable[[], _Parsed]:
    return lambda: parse(context, value)


def _json_records(
    context: _Context, text: str
) -> tuple[list[tuple[int, str, Any, str | None]], str | None]:
    """(record number, where, value, JSON error) per record, or why the file is unreadable."""
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as error:
        if text.lstrip().startswith("["):
            return [], context.fail(f"is not valid JSON ({error})")
        return _jsonl_lines(context, text, error)
    if isinstance(whole, list):
        return [(i, f"record {i}", value, None) for i, value in enumerate(whole)], None
    if isinstance(whole, dict) and context.file.endswith(".jsonl"):
        return [(1, "line 1", whole, None)], None  # JSONL of one record
    return [], context.fail(f"holds a JSON {json_type(whole)}")


def _jsonl_lines(
    context: _Context, text: str, whole_error: json.JSONDecodeError
) -> tuple[list[tuple[int, str, Any, str | None]], str | None]:
    records: list[tuple[int, str, Any, str | None]] = []
    # split on newlines only: str.splitlines() also splits on U+2028, legal inside JSON strings
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, f"line {number}", json.loads(line), None))
        except json.JSONDecodeError as error:
            records.append((number, f"line {number}", None, str(error)))
    if all(error is not None for *_, error in records):
        # not one line is JSON: not a JSONL file with a bad line, but no JSON at all
        return [], context.fail(f"is not valid JSON or JSONL ({whole_error})")
    return records, None


def _confaide(context: _Context) -> SubsetLoad:
    """P.3: the prompts and the labels files, paired line by line."""
    labels_file = PurePosixPath(context.file).with_name(CONFAIDE_LABELS).as_posix()
    if not (context.root / labels_file).is_file():
        where = f"under {context.root}"
        return SubsetLoad([], f"labels file not found: {context.fail(where, labels_file)}")
    prompts_text, problem = _read_text(context, context.file)
    if problem is not None:
        return SubsetLoad([], problem)
    labels_text, problem = _read_text(context, labels_file)
    if problem is not None:
        return SubsetLoad([], problem)
    prompts, labels = _lines(prompts_text), _lines(labels_text)
    if not prompts:
        return SubsetLoad([], context.fail("holds no records"))
    if len(prompts) != len(labels):
        # a line lost in the middle of one file would shift every later pair: say it loudly
        logger.warning(
            "%s: %s has %d lines and %s %d; the lines past the shorter are input errors, and "
            "the pairs before may be misaligned",
            context.sub.name,
            context.file,
            len(prompts),
            labels_file,
            len(labels),
        )
    items = []
    for i in range(max(len(prompts), len(labels))):
        prompt = prompts[i] if i < len(prompts) else None
        label = labels[i] if i < len(labels) else None
        call = _bind_pair(context, labels_file, i, prompt, label, (len(prompts), len(labels)))
        items.append(context.item(str(i), i + 1, f"line {i + 1}", call))
    return _done(context, items)


def _lines(text: str) -> list[str]:
    """A text file's lines, stripped (as the toolbox strips them), without the blank lines
    that end it."""
    lines = [line.strip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _bind_pair(
    context: _Context,
    labels_file: str,
    i: int,
    prompt: str | None,
    label: str | None,
    counts: tuple[int, int],
) -> Callable[[], _Parsed]:
    def call() -> _Parsed:
        if label is None:
            raise _RecordProblem(f"no label: {labels_file} has only {counts[1]} lines")
        if prompt is None:
            raise _RecordProblem(
                f"no prompt ({context.file} has only {counts[0]} lines) for the label "
                f"{label!r} on {labels_file} line {i + 1}"
            )
        if not prompt:
            raise _RecordProblem("the prompt is blank")
        value = _rating(label, f"{labels_file} line {i + 1}")
        image = f"{i % CONFAIDE_IMAGES}.png"
        return _Parsed({"statement": prompt}, str(value), image, {"label": value})

    return call


def _rating(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _RecordProblem(f"the label on {where} {text!r} is not a number") from None
    low, high = CONFAIDE_RANGE
    if not math.isfinite(value) or not low <= value <= high:
        raise _RecordProblem(f"the label on {where} {text!r} is outside [{low:g}, {high:g}]")
    return value


# --- record parsers ----------------------------------------------------------------------


def _statement_id(row: _Row) -> str | None:
    kind, number = (_raw(row, "Type") or "").strip(), (_raw(row, "Number") or "").strip()
    return f"{kind.lower()}/{number}" if kind and number else None


def _statement_parts(row: _Row) -> tuple[str, str, str]:
    """(canonical type, number, statement) of a stereo_statement.csv row."""
    number = _name_part(row, "Number")
    kind = _one_of(row, "Type", STEREO_TYPES)
    statement = _cell(row, "Stereo Statement")
    return kind, number, statement


def _agreement(context: _Context, row: _Row) -> _Parsed:
    kind, number, statement = _statement_parts(row)
    image = f"{kind.lower()}/{number}.png"
    return _Parsed({"statement": statement}, kind, image, {"type": kind})


def _topic(context: _Context, row: _Row) -> _Parsed:
    kind, number, statement = _statement_parts(row)
    image = f"{kind.lower()}/{number}.png"
    truth = str(STEREO_TYPES.index(kind) + 1)
    return _Parsed({"statement": statement}, truth, image, {"label": kind})


def _number_id(row: _Row) -> str | None:
    return (_raw(row, "Number") or "").strip() or None


def _classification(context: _Context, row: _Row) -> _Parsed:
    number = _name_part(row, "Number")
    label = _one_of(row, "Label", STEREO_CLASSES)
    sentence = _cell(row, "Sentence")
    truth = str(STEREO_CLASSES.index(label) + 1)
    return _Parsed({"statement": sentence}, truth, f"{number}.png", {"label": label})


def _filename_id(row: _Row) -> str | None:
    return (_raw(row, "filename") or "").strip() or None


def _profession(context: _Context, row: _Row) -> _Parsed:
    name = _image_name(_cell(row, "filename"), "filename")
    profession = _cell(row, "class1").strip()
    described = {attribute: _flagged(row, attribute) for attribute in PROFESSION_ATTRIBUTES}
    fields = {"profession": profession, **described}
    return _Parsed(fields, "", name, dict(described), loose=True)


def _flagged(row: _Row, attribute: str) -> str:
    """The one category of ``attribute`` whose flag is 1."""
    columns = PROFESSION_ATTRIBUTES[attribute]
    chosen = []
    for column, _ in columns:
        flag = _raw(row, column)
        if flag is None:
            raise _RecordProblem(f"missing {column!r} (the row ends before it)")
        if flag.strip() == "1":
            chosen.append(column)
        elif flag.strip() not in ("0", ""):
            raise _RecordProblem(f"{column!r} {flag!r} is not 0 or 1")
    if len(chosen) != 1:
        names = ", ".join(column for column, _ in columns)
        which = f": {', '.join(chosen)}" if chosen else ""
        raise _RecordProblem(
            f"{attribute}: {len(chosen)} of {names} are 1{which}; exactly one must be"
        )
    return dict(columns)[chosen[0]]


def _private_image(context: _Context, record: Any) -> _Parsed:
    record = _object(record)
    name = _image_name(_text(record, "image"), "image")
    truth = _yes_no(record, "private")
    more: tuple[str, ...] = ()
    if context.sub.name.startswith("vizwiz") and name.lower().endswith(".jpg"):
        more = (f"{name[:-4]}.png",)  # a toolbox version read VizWiz-Priv's images as .png
    return _Parsed({}, truth, name, more_names=more, loose=True)


def _private_question(context: _Context, record: Any) -> _Parsed:
    record = _object(record)
    question = _text(record, "question")
    truth = _yes_no(record, "private_qa")
    name = _image_name(_text(record, "image"), "image")
    return _Parsed({"question": question}, truth, name, loose=True)


# --- field checks ------------------------------------------------------------------------


def _raw(row: _Row, column: str) -> str | None:
    return row.cells.get(column)


def _cell(row: _Row, column: str) -> str:
    value = _raw(row, column)
    if value is None:
        raise _RecordProblem(f"missing {column!r} (the row ends before it)")
    if not value.strip():
        raise _RecordProblem(f"{column!r} is empty")
    return value


def _one_of(row: _Row, column: str, allowed: Sequence[str]) -> str:
    """A category, matched without case and surrounding spaces, in its canonical spelling."""
    value = _cell(row, column).strip()
    for name in allowed:
        if value.lower() == name.lower():
            return name
    raise _RecordProblem(f"{column!r} {value!r} is not one of {', '.join(allowed)}")


def _name_part(row: _Row, column: str) -> str:
    """A cell that names an image file (``<Number>.png``): one plain file-name part."""
    value = _cell(row, column).strip()
    if "/" in value or "\\" in value or value in (".", ".."):
        raise _RecordProblem(f"{column!r} {value!r} cannot name an image file")
    return value


def _image_name(value: str, key: str) -> str:
    name = value.strip().replace("\\", "/")
    relative = PurePosixPath(name)
    # lexical check, not resolve(): a snapshot's files may be symlinks out of the root
    if relative.is_absolute() or ".." in relative.parts:
        raise _RecordProblem(f"{key!r} {name!r} points outside the data root")
    return relative.as_posix()


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


def _yes_no(record: dict[str, Any], key: str) -> str:
    """A yes/no truth given as a boolean, 0/1 or text (yes/no, true/false, 0/1)."""
    if key not in record:
        raise _RecordProblem(f"missing {key!r}")
    value = record[key]
    if isinstance(value, bool):
        return "Yes" if value else "No"
    word = str(value).strip().lower() if isinstance(value, str | int | float) else None
    if isinstance(value, float) and value in (0.0, 1.0):
        word = str(int(value))
    if word in _YES:
        return "Yes"
    if word in _NO:
        return "No"
    raise _RecordProblem(f"{key!r} {short(value)} is not yes/no, true/false or 1/0")


def _unique(item_id: str, seen: set[str], record: int) -> str:
    """Item ids must be unique within a sub-dataset: a repeated one gets its record appended."""
    if item_id in seen:
        item_id = f"{item_id}#{record}"
    seen.add(item_id)
    return item_id


_READERS: dict[str, Callable[[_Context], SubsetLoad]] = {
    "stereo_statements": _csv_reader(_STATEMENT_COLUMNS, _statement_id, _agreement),
    "stereo_classification": _csv_reader(_CLASSIFICATION_COLUMNS, _number_id, _classification),
    "profession": _csv_reader(_PROFESSION_COLUMNS, _filename_id, _profession),
    "private_images": _json_reader(_private_image, own_ids=True),
    "private_questions": _json_reader(_private_question, own_ids=False),
    "confaide": _confaide,
}
_TOPIC_READER = _csv_reader(_STATEMENT_COLUMNS, _statement_id, _topic)
"""F.3's topic half: F.2's file, read for the topic."""
LAYOUTS = frozenset(_READERS)
"""The layouts ``load_fairness_privacy`` reads."""
