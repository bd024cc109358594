"""Readers of MultiTrust's refusal tasks' files (F.4, F.5, F.7, P.5): one sub-dataset's records.

``load_refusals(root, spec, sub)`` reads ``sub.annotation`` under the data root the way
``spec.layout`` says (spec: shared/spec/multitrust-tasks.md, sections 4.4, 4.5 and 7; files,
fields and image places as the toolbox's dataset classes read them, thu-ml/MMTrustEval
``mmte/datasets/{stereo_query,vision_preference,subjective_preference,vispr}.py`` and their
configs ``mmte/configs/datasets/{stereo-query,vision-preference,subjective-preference,
vispr-leakage}.yaml``). These tasks measure refusal, so no answer is right: the truth is ""
except for P.5, whose truth is the private value shown (the leakage reference).

- ``stereo_queries`` (F.4): ``stereo_query.csv`` with a header naming ``question`` (other
  columns are ignored); the field ``statement`` is the question. The CSV names no image: the
  ``i``-th record (from 0, in file order) is paired with the ``i``-th image of
  ``stereo_query_images/`` in natural order (``natural_key``: digit runs compared as numbers,
  so ``2.png`` before ``10.png``), ``extra["position"] = i``. The toolbox zips the questions
  with the unsorted ``os.listdir``, whose order is the filesystem's: its pairing differs from
  machine to machine, and mmtrust's sorted one is reproducible. Every record keeps its
  position, a bad one too, so one bad row does not shift the images of the rows after it. A
  record past the last image has no image: a problem only for the variant that shows it.
- ``preferences`` with ``sub.section`` None (F.5, ``vision-preference``): ``preference.json``, a
  JSON list of ``{"prompt", "topic"}``, of which the first ``PREFERENCE_HALF`` (120) records are
  read, as the toolbox does; the field is ``topic`` (``extra["topic"]``, the toolbox's subset
  for its ideology and culture/lifestyle rates). Record ``i`` is shown the ``i``-th image of
  ``vision_subjective_choice_images/`` in natural order (the release names them ``1.png`` ...
  ``120.png``; the toolbox sorts them numerically too).
- ``preferences`` with ``sub.section`` "plain" / "force" (F.7): the same file, records
  ``[:120]`` and ``[120:]``; the field ``statement`` is the record's ``prompt``,
  ``extra["topic"]`` its own topic. Record ``i``'s image is
  ``subjective_choice_images/choice_<c>_images/<n>.png``, ``n = i + 1`` in the plain half and
  ``i - 119`` in the force half (the toolbox's numbering), ``c = preference_choice(i)``, also
  ``extra["choice"]`` where the image is shown.
- ``private_content`` (P.5): ``categorized/image_annotations.json``, JSONL (as the toolbox
  reads it, whatever the extension; a JSON list is read too) of ``{"SheetName", "Img Path",
  "Info Type", "Content"}``; the field ``type`` is the Info Type, the truth the Content (one
  value, the reference a reply must not leak), ``extra["info_type"]`` and ``extra["sheet"]``.
  The image is ``categorized/<SheetName>/<Img Path>``, else ``categorized/<Img Path>``. Item
  ids are positions (one image can be asked about several types).

Where the toolbox is wrong, these readers are not (spec section 7): F.4's pairing is sorted,
not the filesystem's order; F.7's image variants show an image (the toolbox's ``if dataset_id
== '...plain-text' or '...force-text'`` is always true, so all of them ran text-only); F.7's
force half is labelled with its own topics (the toolbox takes the first 120 records' topics for
it); F.7's a/b image is chosen by a function of the record's position, the same on every run
(the toolbox draws it unseeded). P.5's Content is one label (the toolbox's contains-check
matches a string label character by character; ``evaluators.contains_label``).

Bad data never raises (``loader_kit``'s docstring: subset problems, record problems, ``line
4`` for a CSV or JSONL line, ``record 3`` for a JSON list's). The pairing by position (F.4,
F.5) is ``LoadContext.pairing``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from mmtrust.benchmarks.multitrust.items import RawItem, SubsetLoad
from mmtrust.benchmarks.multitrust.loader_kit import IMAGE_SUFFIXES as IMAGE_SUFFIXES
from mmtrust.benchmarks.multitrust.loader_kit import (
    CsvRow,
    LoadContext,
    Parsed,
    RecordProblem,
    check_call,
    csv_table,
    done,
    image_name,
    json_records,
    json_type,
    name_part,
    object_of,
    read_json,
    read_text,
    short,
    text_of,
)
from mmtrust.benchmarks.multitrust.loader_kit import natural_key as natural_key
from mmtrust.benchmarks.multitrust.table import SubDataset, TaskSpec

PREFERENCE_HALF = 120
"""``preference.json``'s plain half is its first 120 records, the force half the rest; F.5
reads the first 120 (the toolbox's ``cnt > 120``, ``[:120]``, ``[120:]``)."""
PREFERENCE_SECTIONS = ("plain", "force")
"""F.7's two halves (``sub.section``)."""
QUESTION_COLUMN = "question"
"""F.4's column."""
PRIVATE_CONTENT_KEYS = ("SheetName", "Img Path", "Info Type", "Content")
"""P.5's record keys."""

EXPECTED: dict[str, str] = {
    "stereo_queries": f"a CSV with a header naming the column {QUESTION_COLUMN}",
    "preferences": 'a JSON list of {"prompt", "topic"} records',
    "private_content": "JSONL (or a JSON list) of {"
    + ", ".join(f'"{key}"' for key in PRIVATE_CONTENT_KEYS)
    + "} records",
}
"""What each layout's file must hold, in words (for subset problems)."""

Choice = Literal["a", "b"]


def preference_choice(index: int) -> Choice:
    """F.7's image of record ``index`` (from 0 in ``preference.json``): "a" or "b", from a hash
    of the position alone, so every run and every model is shown the same image; about half
    of the records get each (the toolbox draws ``random.randint(0, 1)`` unseeded)."""
    digest = hashlib.sha256(f"subjective-preference/{index}".encode()).digest()
    return "a" if digest[0] % 2 == 0 else "b"


def preference_image(index: int) -> str:
    """F.7's image of record ``index``, relative to ``subjective_choice_images``."""
    number = index + 1 if index < PREFERENCE_HALF else index + 1 - PREFERENCE_HALF
    return f"choice_{preference_choice(index)}_images/{number}.png"


def load_refusals(root: Path, spec: TaskSpec, sub: SubDataset) -> SubsetLoad:
    """The records of sub-dataset ``sub`` of task ``spec`` (F.4, F.5, F.7, P.5) under the data
    root ``root``.

    Raises ValueError only for a programming error (``sub`` not one of ``spec``'s, a layout
    this module does not read, a ``preferences`` section other than None, "plain" and
    "force", a variant showing images from a row without an image folder); bad data is
    reported, never raised.
    """
    check_call(spec, sub, _READERS, "refusal")
    if spec.layout == "preferences" and sub.section not in (None, *PREFERENCE_SECTIONS):
        raise ValueError(f"{sub.name!r}: preferences has no section {sub.section!r}")
    context = LoadContext.of(root, sub, EXPECTED[spec.layout])
    if not (context.root / context.file).is_file():
        return SubsetLoad([], f"annotation file not found: {context.fail(f'under {root}')}")
    return _READERS[spec.layout](context)


# --- file readers ------------------------------------------------------------------------


def _stereo_queries(context: LoadContext) -> SubsetLoad:
    """F.4: the CSV's records, each paired with the image of its position (a row of empty
    cells too, but for those that end the file)."""
    header, records, problem = csv_table(context, (QUESTION_COLUMN,))
    if problem is not None:
        return SubsetLoad([], problem)
    while records and not any(value.strip() for value in records[-1][1]):
        records.pop()  # rows of empty cells at the end: a spreadsheet's padding
    column = header.index(QUESTION_COLUMN)
    image = context.pairing(len(records))
    items = []
    for position, (line, values) in enumerate(records):
        call = _bind_query(line, values, len(header), column, position, image)
        items.append(context.item(f"line-{line}", line, f"line {line}", call))
    return done(context, items)


def _bind_query(
    line: int,
    values: list[str],
    width: int,
    column: int,
    position: int,
    image: Callable[[int], tuple[tuple[str, ...], str | None]],
) -> Callable[[], Parsed]:
    def call() -> Parsed:
        # the question column's first occurrence (a header may repeat a name)
        cell = values[column] if column < len(values) else None
        beyond = tuple(value for value in values[width:] if value.strip())
        row = CsvRow(line, {QUESTION_COLUMN: cell}, beyond)
        row.check_width()
        question = row.cell(QUESTION_COLUMN)
        names, no_image = image(position)
        fields = {"statement": question}
        return Parsed(fields, "", names, no_image, {"position": position})

    return call


def _preferences(context: LoadContext) -> SubsetLoad:
    """F.5 (no section) and F.7's two halves: records of ``preference.json``."""
    records, problem = read_json(context)
    if problem is not None:
        return SubsetLoad([], problem)
    if not isinstance(records, list):
        return SubsetLoad([], context.fail(f"holds a JSON {json_type(records)}"))
    section = context.sub.section
    if section == "force":
        positions = range(PREFERENCE_HALF, len(records))
        empty = f"holds no records past the first {PREFERENCE_HALF} (the force half)"
    else:
        positions = range(min(PREFERENCE_HALF, len(records)))
        empty = "holds no records"
    items: list[RawItem] = []
    if section is None:
        image = context.pairing(len(positions))
        for i in positions:
            call = _bind_vision(records[i], image(i))
            items.append(context.item(str(i), i, f"record {i}", call))
    else:
        for i in positions:
            items.append(context.item(str(i), i, f"record {i}", _bind_subjective(records[i], i)))
    return done(context, items, empty)


def _bind_vision(record: Any, image: tuple[tuple[str, ...], str | None]) -> Callable[[], Parsed]:
    def call() -> Parsed:
        topic = text_of(object_of(record), "topic")
        return Parsed({"topic": topic}, "", image[0], image[1], {"topic": topic})

    return call


def _bind_subjective(record: Any, index: int) -> Callable[[], Parsed]:
    def call() -> Parsed:
        value = object_of(record)
        prompt, topic = text_of(value, "prompt"), text_of(value, "topic")
        return Parsed(
            {"statement": prompt},
            "",
            (preference_image(index),),
            extra={"topic": topic},
            shown_extra={"choice": preference_choice(index)},
        )

    return call


def _private_content(context: LoadContext) -> SubsetLoad:
    """P.5: JSONL (or a JSON list) of VISPR's categorised annotations."""
    text, problem = read_text(context)
    if problem is not None:
        return SubsetLoad([], problem)
    records, problem = json_records(context, text, PRIVATE_CONTENT_KEYS)
    if problem is not None:
        return SubsetLoad([], problem)
    items: list[RawItem] = []
    for number, where, value, error in records:
        item_id = where.replace(" ", "-") if where.startswith("line") else str(number)
        if error is not None:
            extra = {"file": context.file, "record": number}
            problem = f"{context.file} {where}: not valid JSON ({error})"
            items.append(RawItem(item_id, {}, "", None, problem, extra))
            continue
        items.append(context.item(item_id, number, where, _bind_content(value)))
    return done(context, items)


def _bind_content(record: Any) -> Callable[[], Parsed]:
    def call() -> Parsed:
        value = object_of(record)
        sheet = name_part(text_of(value, "SheetName"), "SheetName", "a folder")
        name = image_name(text_of(value, "Img Path"), "Img Path")
        info_type = text_of(value, "Info Type")
        content = _content(value)
        images = (f"{sheet}/{name}", name)
        extra = {"info_type": info_type, "sheet": sheet}
        return Parsed({"type": info_type}, content, images, extra=extra)

    return call


# --- field checks ------------------------------------------------------------------------


def _content(record: dict[str, Any]) -> str:
    """P.5's Content: one value as text (a whole number too: a spreadsheet may store a phone
    number so)."""
    if "Content" not in record:
        raise RecordProblem("missing 'Content'")
    value = record["Content"]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise RecordProblem(f"'Content' must be non-empty text, not {short(value)}")
    return value


_READERS: dict[str, Callable[[LoadContext], SubsetLoad]] = {
    "stereo_queries": _stereo_queries,
    "preferences": _preferences,
    "private_content": _private_content,
}
LAYOUTS = frozenset(_READERS)
"""The layouts ``load_refusals`` reads."""
