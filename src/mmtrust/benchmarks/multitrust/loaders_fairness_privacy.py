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

Bad data never raises (``loader_kit``'s docstring: subset problems, record problems, ``line
4`` for a CSV, JSONL or text line, ``record 3`` for a JSON list's). An image is looked for under
``sub.images`` and in a folder of that name beside the annotation file; a name the record gives
(F.6, P.1, P.2) also by its last part directly under ``sub.images``, one built from the
record's fields (F.2, F.3, P.3) not.

Where the toolbox is wrong, these readers are not (spec section 7): F.6's attribute lists are
appended only when a flag is set, so a row with zero or two flags of one attribute shifts
every later image onto another person's attributes; here that row is a problem and the others
keep their own. The toolbox drops a statement that is empty, an image that does not exist
(VISPR, VizWiz) and the prompts or labels past the shorter of ConfAIde's two files, silently;
here each is a problem, counted.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from mmtrust.benchmarks.multitrust.items import RawItem, SubsetLoad
from mmtrust.benchmarks.multitrust.loader_kit import (
    CsvRow,
    LoadContext,
    Parsed,
    RecordProblem,
    check_call,
    csv_rows,
    done,
    image_name,
    json_records,
    name_part,
    object_of,
    read_text,
    short,
    text_of,
    unique,
)
from mmtrust.benchmarks.multitrust.table import SubDataset, TaskSpec

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
    check_call(spec, sub, _READERS, "fairness/privacy")
    topics = spec.layout == "stereo_classification" and reads_topics(sub)
    reading = "stereo_statements" if topics else str(spec.layout)
    context = _Context.of(root, sub, EXPECTED[reading], look_beside=True)
    if not (context.root / context.file).is_file():
        return SubsetLoad([], f"annotation file not found: {context.fail(f'under {root}')}")
    return (_TOPIC_READER if topics else _READERS[spec.layout])(context)


class _Context(LoadContext):
    """``LoadContext`` but for the places an image is looked for: a place that repeats within
    one name is kept (where the folder beside the annotation file is ``sub.images`` itself, or
    a loose name has no folder), so a missing image's problem names it again (``nor any of:
    <the first place>``). Kept as the module always worded its problems."""

    def places(self, names: Sequence[str], *, loose: bool = False) -> list[PurePosixPath]:
        folder = PurePosixPath(str(self.sub.images))
        beside = PurePosixPath(self.file).parent / folder.name
        candidates: list[PurePosixPath] = []
        for name in names:
            relative = PurePosixPath(name)
            places = [folder / relative, beside / relative]
            if loose:
                places.append(folder / relative.name)
            candidates += [place for place in places if place not in candidates]
        return candidates


# --- file readers ------------------------------------------------------------------------


_RowParse = Callable[[LoadContext, CsvRow], Parsed]
_RowId = Callable[[CsvRow], str | None]
_Reader = Callable[[LoadContext], SubsetLoad]


def _csv_reader(columns: Sequence[str], own_id: _RowId, parse: _RowParse) -> _Reader:
    """A reader of a CSV with a header naming at least ``columns``; an item's id is the
    record's own (``own_id``), else ``line-<n>``."""

    def read(context: LoadContext) -> SubsetLoad:
        rows, problem = csv_rows(context, columns)
        if problem is not None:
            return SubsetLoad([], problem)
        items: list[RawItem] = []
        seen: set[str] = set()
        for row in rows:
            item_id = unique(own_id(row) or f"line-{row.line}", seen, row.line)
            call = _bind(parse, context, row)
            items.append(context.item(item_id, row.line, f"line {row.line}", call))
        return done(context, items)

    return read


def _bind(parse: _RowParse, context: LoadContext, row: CsvRow) -> Callable[[], Parsed]:
    def call() -> Parsed:
        row.check_width()
        return parse(context, row)

    return call


_RecordParse = Callable[[LoadContext, Any], Parsed]


def _json_reader(parse: _RecordParse, *, own_ids: bool) -> _Reader:
    """A reader of a JSON list of records or of JSONL (whatever the file's extension: the
    toolbox picks by extension, and the two are easy to mistake). With ``own_ids`` an item's
    id is its ``image`` (P.1: one record per image), else its position (P.2 asks several
    questions about one image)."""

    def read(context: LoadContext) -> SubsetLoad:
        text, problem = read_text(context)
        if problem is not None:
            return SubsetLoad([], problem)
        # a single object is JSONL of one record only in a .jsonl file
        keys = None if context.file.endswith(".jsonl") else ()
        records, problem = json_records(context, text, keys)
        if problem is not None:
            return SubsetLoad([], problem)
        items: list[RawItem] = []
        seen: set[str] = set()
        for number, where, value, error in records:
            fallback = where.replace(" ", "-") if where.startswith("line") else str(number)
            own = value.get("image") if own_ids and isinstance(value, dict) else None
            item_id = own.strip() if isinstance(own, str) and own.strip() else fallback
            item_id = unique(item_id, seen, number)
            if error is not None:
                extra = {"file": context.file, "record": number}
                problem = f"{context.file} {where}: not valid JSON ({error})"
                items.append(RawItem(item_id, {}, "", None, problem, extra))
                continue
            call = _bind_record(parse, context, value)
            items.append(context.item(item_id, number, where, call))
        return done(context, items)

    return read


def _bind_record(parse: _RecordParse, context: LoadContext, value: Any) -> Callable[[], Parsed]:
    return lambda: parse(context, value)


def _confaide(context: LoadContext) -> SubsetLoad:
    """P.3: the prompts and the labels files, paired line by line."""
    labels_file = PurePosixPath(context.file).with_name(CONFAIDE_LABELS).as_posix()
    if not (context.root / labels_file).is_file():
        where = f"under {context.root}"
        return SubsetLoad([], f"labels file not found: {context.fail(where, labels_file)}")
    prompts_text, problem = read_text(context)
    if problem is not None:
        return SubsetLoad([], problem)
    labels_text, problem = read_text(context, labels_file)
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
    return done(context, items)


def _lines(text: str) -> list[str]:
    """A text file's lines, stripped (as the toolbox strips them), without the blank lines
    that end it."""
    lines = [line.strip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _bind_pair(
    context: LoadContext,
    labels_file: str,
    i: int,
    prompt: str | None,
    label: str | None,
    counts: tuple[int, int],
) -> Callable[[], Parsed]:
    def call() -> Parsed:
        if label is None:
            raise RecordProblem(f"no label: {labels_file} has only {counts[1]} lines")
        if prompt is None:
            raise RecordProblem(
                f"no prompt ({context.file} has only {counts[0]} lines) for the label "
                f"{label!r} on {labels_file} line {i + 1}"
            )
        if not prompt:
            raise RecordProblem("the prompt is blank")
        value = _rating(label, f"{labels_file} line {i + 1}")
        images = (f"{i % CONFAIDE_IMAGES}.png",)
        return Parsed({"statement": prompt}, str(value), images, extra={"label": value})

    return call


def _rating(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise RecordProblem(f"the label on {where} {text!r} is not a number") from None
    low, high = CONFAIDE_RANGE
    if not math.isfinite(value) or not low <= value <= high:
        raise RecordProblem(f"the label on {where} {text!r} is outside [{low:g}, {high:g}]")
    return value


# --- record parsers ----------------------------------------------------------------------


def _statement_id(row: CsvRow) -> str | None:
    kind, number = (row.cells.get("Type") or "").strip(), (row.cells.get("Number") or "").strip()
    return f"{kind.lower()}/{number}" if kind and number else None


def _statement_parts(row: CsvRow) -> tuple[str, str, str]:
    """(canonical type, number, statement) of a stereo_statement.csv row."""
    number = _image_number(row, "Number")
    kind = _one_of(row, "Type", STEREO_TYPES)
    statement = row.cell("Stereo Statement")
    return kind, number, statement


def _agreement(context: LoadContext, row: CsvRow) -> Parsed:
    kind, number, statement = _statement_parts(row)
    images = (f"{kind.lower()}/{number}.png",)
    return Parsed({"statement": statement}, kind, images, extra={"type": kind})


def _topic(context: LoadContext, row: CsvRow) -> Parsed:
    kind, number, statement = _statement_parts(row)
    images = (f"{kind.lower()}/{number}.png",)
    truth = str(STEREO_TYPES.index(kind) + 1)
    return Parsed({"statement": statement}, truth, images, extra={"label": kind})


def _number_id(row: CsvRow) -> str | None:
    return (row.cells.get("Number") or "").strip() or None


def _classification(context: LoadContext, row: CsvRow) -> Parsed:
    number = _image_number(row, "Number")
    label = _one_of(row, "Label", STEREO_CLASSES)
    sentence = row.cell("Sentence")
    truth = str(STEREO_CLASSES.index(label) + 1)
    return Parsed({"statement": sentence}, truth, (f"{number}.png",), extra={"label": label})


def _filename_id(row: CsvRow) -> str | None:
    return (row.cells.get("filename") or "").strip() or None


def _profession(context: LoadContext, row: CsvRow) -> Parsed:
    name = image_name(row.cell("filename"), "filename")
    profession = row.cell("class1").strip()
    described = {attribute: _flagged(row, attribute) for attribute in PROFESSION_ATTRIBUTES}
    fields = {"profession": profession, **described}
    return Parsed(fields, "", (name,), extra=dict(described), loose=True)


def _flagged(row: CsvRow, attribute: str) -> str:
    """The one category of ``attribute`` whose flag is 1."""
    columns = PROFESSION_ATTRIBUTES[attribute]
    chosen = []
    for column, _ in columns:
        flag = row.cells.get(column)
        if flag is None:
            raise RecordProblem(f"missing {column!r} (the row ends before it)")
        if flag.strip() == "1":
            chosen.append(column)
        elif flag.strip() not in ("0", ""):
            raise RecordProblem(f"{column!r} {flag!r} is not 0 or 1")
    if len(chosen) != 1:
        names = ", ".join(column for column, _ in columns)
        which = f": {', '.join(chosen)}" if chosen else ""
        raise RecordProblem(
            f"{attribute}: {len(chosen)} of {names} are 1{which}; exactly one must be"
        )
    return dict(columns)[chosen[0]]


def _private_image(context: LoadContext, record: Any) -> Parsed:
    record = object_of(record)
    name = image_name(text_of(record, "image"), "image")
    truth = _yes_no(record, "private")
    images: tuple[str, ...] = (name,)
    if context.sub.name.startswith("vizwiz") and name.lower().endswith(".jpg"):
        images += (f"{name[:-4]}.png",)  # a toolbox version read VizWiz-Priv's images as .png
    return Parsed({}, truth, images, loose=True)


def _private_question(context: LoadContext, record: Any) -> Parsed:
    record = object_of(record)
    question = text_of(record, "question")
    truth = _yes_no(record, "private_qa")
    name = image_name(text_of(record, "image"), "image")
    return Parsed({"question": question}, truth, (name,), loose=True)


# --- field checks ------------------------------------------------------------------------


def _one_of(row: CsvRow, column: str, allowed: Sequence[str]) -> str:
    """A category, matched without case and surrounding spaces, in its canonical spelling."""
    value = row.cell(column).strip()
    for name in allowed:
        if value.lower() == name.lower():
            return name
    raise RecordProblem(f"{column!r} {value!r} is not one of {', '.join(allowed)}")


def _image_number(row: CsvRow, column: str) -> str:
    """A cell that names an image file (``<Number>.png``): one plain file-name part."""
    return name_part(row.cell(column), column, "an image file")


def _yes_no(record: dict[str, Any], key: str) -> str:
    """A yes/no truth given as a boolean, 0/1 or text (yes/no, true/false, 0/1)."""
    if key not in record:
        raise RecordProblem(f"missing {key!r}")
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
    raise RecordProblem(f"{key!r} {short(value)} is not yes/no, true/false or 1/0")


_READERS: dict[str, _Reader] = {
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
