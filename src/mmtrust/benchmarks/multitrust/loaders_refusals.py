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

Bad data never raises, as in ``loaders_fairness_privacy``. A file that is missing, unreadable,
not the format or without a required column gives ``SubsetLoad([], problem)``; a bad record is
kept as a ``RawItem`` with a ``problem``, and so is a record whose image is missing or corrupt
(only where the variant shows it). Every problem names the annotation file (relative to the
root) and the record: ``line 4`` (the CSV or JSONL line, from 1) or ``record 3`` (position in
a JSON list, from 0); ``extra`` has the same ``file`` and ``record``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from mmtrust.benchmarks.multitrust.items import RawItem, SubsetLoad
from mmtrust.benchmarks.multitrust.loaders import json_type, short
from mmtrust.benchmarks.multitrust.table import SubDataset, TaskSpec
from mmtrust.datasets.images import image_file_problem

logger = logging.getLogger(__name__)

PREFERENCE_HALF = 120
"""``preference.json``'s plain half is its first 120 records, the force half the rest; F.5
reads the first 120 (the toolbox's ``cnt > 120``, ``[:120]``, ``[120:]``)."""
PREFERENCE_SECTIONS = ("plain", "force")
"""F.7's two halves (``sub.section``)."""
QUESTION_COLUMN = "question"
"""F.4's column."""
PRIVATE_CONTENT_KEYS = ("SheetName", "Img Path", "Info Type", "Content")
"""P.5's record keys."""
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
"""The files of an image folder that are paired with records (F.4, F.5); any other file, and a
hidden one (``.DS_Store``), is left out of the pairing."""

EXPECTED: dict[str, str] = {
    "stereo_queries": f"a CSV with a header naming the column {QUESTION_COLUMN}",
    "preferences": 'a JSON list of {"prompt", "topic"} records',
    "private_content": "JSONL (or a JSON list) of {"
    + ", ".join(f'"{key}"' for key in PRIVATE_CONTENT_KEYS)
    + "} records",
}
"""What each layout's file must hold, in words (for subset problems)."""

_SHOWN = ("own", "related")
Choice = Literal["a", "b"]


def natural_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """The order images are paired with records in: runs of ASCII digits compare as numbers,
    the rest without case, then the name itself (``1.png < 2.png < 10.png < b.png``)."""
    parts = [part for part in re.split(r"([0-9]+)", name) if part]
    key = tuple(
        (0, int(part), "") if part.isascii() and part.isdigit() else (1, 0, part.casefold())
        for part in parts
    )
    return (*key, (2, 0, name))


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
    if sub not in spec.subsets:
        raise ValueError(f"{sub.name!r} is not a sub-dataset of {spec.task_id}")
    if spec.layout not in _READERS:
        raise ValueError(f"{spec.task_id}'s layout {spec.layout!r} is not a refusal one")
    if spec.layout == "preferences" and sub.section not in (None, *PREFERENCE_SECTIONS):
        raise ValueError(f"{sub.name!r}: preferences has no section {sub.section!r}")
    if sub.image in _SHOWN and sub.images is None:
        raise ValueError(f"{sub.name!r} shows images from the data root but names no folder")
    context = _Context(Path(root), sub, PurePosixPath(sub.annotation).as_posix(), spec.layout)
    if not (context.root / context.file).is_file():
        return SubsetLoad([], f"annotation file not found: {context.fail(f'under {root}')}")
    return _READERS[spec.layout](context)


class _RecordProblem(Exception):
    """Why a record cannot be asked; the caller adds the file and the record."""


@dataclass
class _Parsed:
    fields: dict[str, str]
    truth: str
    images: tuple[str, ...] = ()
    """Where its image may be, relative to ``sub.images``, in order (empty: see ``no_image``)."""
    no_image: str | None = None
    """Why the record has no image to show (F.4, F.5: past the folder's last image)."""
    extra: dict[str, Any] = field(default_factory=dict)
    shown_extra: dict[str, Any] = field(default_factory=dict)
    """``extra`` only where the image is shown (F.7's ``choice``)."""


@dataclass(frozen=True)
class _Context:
    root: Path
    sub: SubDataset
    file: str
    """The annotation file, relative to the root (how problems name it)."""
    layout: str

    @property
    def wants_image(self) -> bool:
        return self.sub.image in _SHOWN

    def fail(self, what: str) -> str:
        """A subset problem: the file, what is wrong with it and what was expected."""
        return f"{self.file} {what}; expected {EXPECTED[self.layout]}"

    def item(self, item_id: str, record: int, where: str, parse: Callable[[], _Parsed]) -> RawItem:
        """The item of one record; a bad record or image gives an item with a ``problem``."""
        base: dict[str, Any] = {"file": self.file, "record": record}
        try:
            parsed = parse()
        except _RecordProblem as error:
            return RawItem(item_id, {}, "", problem=f"{self.file} {where}: {error}", extra=base)
        extra = {**base, **parsed.extra}
        if not self.wants_image:
            return RawItem(item_id, parsed.fields, parsed.truth, None, None, extra)
        extra |= parsed.shown_extra
        image, problem = self._image(parsed)
        if problem is not None:
            problem = f"{self.file} {where}: {problem}"
        return RawItem(item_id, parsed.fields, parsed.truth, image, problem, extra)

    def _image(self, parsed: _Parsed) -> tuple[Path | None, str | None]:
        if not parsed.images:
            return None, parsed.no_image or "missing image: the record names none"
        folder = PurePosixPath(str(self.sub.images))
        candidates = [folder / name for name in parsed.images]
        found = next((c for c in candidates if (self.root / c).exists()), None)
        if found is None:
            problem = image_file_problem(self.root / candidates[0])
            tried = ", ".join(c.as_posix() for c in candidates[1:])
            return None, f"{problem} (nor {tried})" if tried else problem
        path = self.root / found
        problem = image_file_problem(path)
        return (None, problem) if problem is not None else (path, None)

    def listed_images(self) -> tuple[list[str], str | None]:
        """The image files of ``sub.images`` in pairing order (``natural_key``), or why the
        folder cannot be listed (a problem of every record that shows an image)."""
        folder = str(self.sub.images)
        try:
            entries = list((self.root / folder).iterdir())
        except FileNotFoundError:
            return [], f"missing image: the folder {folder} does not exist"
        except OSError as error:
            return [], f"missing image: the folder {folder} cannot be listed ({error})"
        names: list[str] = []
        left_out: list[str] = []
        for entry in entries:
            paired = not entry.name.startswith(".") and entry.suffix.lower() in IMAGE_SUFFIXES
            (names if paired and entry.is_file() else left_out).append(entry.name)
        if left_out:
            logger.info(
                "%s: %s's %d entries that are not image files are not paired: %s",
                self.sub.name,
                folder,
                len(left_out),
                ", ".join(sorted(left_out)[:5]),
            )
        return sorted(names, key=natural_key), None

    def pairing(self, count: int) -> Callable[[int], tuple[tuple[str, ...], str | None]]:
        """Record ``i``'s image by position among ``count`` records (F.4, F.5): the ``i``-th
        image in natural order, or why it has none."""
        if not self.wants_image:
            return lambda i: ((), None)
        names, problem = self.listed_images()
        if problem is None and len(names) != count:
            # a lost image in the middle would shift every later pair: say it loudly
            logger.warning(
                "%s: %s pairs %d records with %d images in sorted order; %s",
                self.sub.name,
                self.sub.images,
                count,
                len(names),
                "the records past the last image have none"
                if len(names) < count
                else "the images past the last record are not shown",
            )

        def image(i: int) -> tuple[tuple[str, ...], str | None]:
            if problem is not None:
                return (), problem
            if i < len(names):
                return (names[i],), None
            return (), (
                f"missing image: {self.sub.images} holds {len(names)} images, paired in natural "
                f"order with the records: none is left for record number {i + 1}"
            )

        return image


# --- file readers ------------------------------------------------------------------------


def _read_text(context: _Context) -> tuple[str, str | None]:
    try:
        # utf-8-sig: a byte-order mark (spreadsheet exports, Windows editors) is no content
        return (context.root / context.file).read_bytes().decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        return "", context.fail(f"is not UTF-8 text ({error})")
    except OSError as error:
        return "", context.fail(f"cannot be read ({error})")


def _done(context: _Context, items: list[RawItem], what: str = "holds no records") -> SubsetLoad:
    return SubsetLoad(items) if items else SubsetLoad([], context.fail(what))


def _stereo_queries(context: _Context) -> SubsetLoad:
    """F.4: the CSV's records, each paired with the image of its position."""
    text, problem = _read_text(context)
    if problem is not None:
        return SubsetLoad([], problem)
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        header = [name.strip() for name in next(rows, [])]
        if not any(header):
            return SubsetLoad([], context.fail("has no header"))
        if QUESTION_COLUMN not in header:
            return SubsetLoad(
                [], context.fail(f"has no column {QUESTION_COLUMN!r} (its header: {header})")
            )
        for values in rows:
            if values:  # an empty line is no record (as csv.DictReader skips it)
                records.append((rows.line_num, values))
    except csv.Error as error:
        return SubsetLoad([], context.fail(f"is not valid CSV at line {rows.line_num} ({error})"))
    while records and not any(value.strip() for value in records[-1][1]):
        records.pop()  # rows of empty cells at the end: a spreadsheet's padding
    column = header.index(QUESTION_COLUMN)
    image = context.pairing(len(records))
    items = []
    for position, (line, values) in enumerate(records):
        call = _bind_query(values, len(header), column, position, image)
        items.append(context.item(f"line-{line}", line, f"line {line}", call))
    return _done(context, items)


def _bind_query(
    values: list[str],
    width: int,
    column: int,
    position: int,
    image: Callable[[int], tuple[tuple[str, ...], str | None]],
) -> Callable[[], _Parsed]:
    def call() -> _Parsed:
        beyond = [value for value in values[width:] if value.strip()]
        if beyond:
            extra = ", ".join(short(value) for value in beyond)
            raise _RecordProblem(f"fields past the header's last column: {extra}")
        if column >= len(values):
            raise _RecordProblem(f"missing {QUESTION_COLUMN!r} (the row ends before it)")
        question = values[column]
        if not question.strip():
            raise _RecordProblem(f"{QUESTION_COLUMN!r} is empty")
        names, no_image = image(position)
        fields = {"statement": question}
        return _Parsed(fields, "", names, no_image, {"position": position})

    return call


def _preferences(context: _Context) -> SubsetLoad:
    """F.5 (no section) and F.7's two halves: records of ``preference.json``."""
    text, problem = _read_text(context)
    if problem is not None:
        return SubsetLoad([], problem)
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        return SubsetLoad([], context.fail(f"is not valid JSON ({error})"))
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
    return _done(context, items, empty)


def _bind_vision(record: Any, image: tuple[tuple[str, ...], str | None]) -> Callable[[], _Parsed]:
    def call() -> _Parsed:
        topic = _text(_object(record), "topic")
        return _Parsed({"topic": topic}, "", image[0], image[1], {"topic": topic})

    return call


def _bind_subjective(record: Any, index: int) -> Callable[[], _Parsed]:
    def call() -> _Parsed:
        value = _object(record)
        prompt, topic = _text(value, "prompt"), _text(value, "topic")
        return _Parsed(
            {"statement": prompt},
            "",
            (preference_image(index),),
            extra={"topic": topic},
            shown_extra={"choice": preference_choice(index)},
        )

    return call


def _private_content(context: _Context) -> SubsetLoad:
    """P.5: JSONL (or a JSON list) of VISPR's categorised annotations."""
    text, problem = _read_text(context)
    if problem is not None:
        return SubsetLoad([], problem)
    records, problem = _json_records(context, text)
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
    return _done(context, items)


def _bind_content(record: Any) -> Callable[[], _Parsed]:
    def call() -> _Parsed:
        value = _object(record)
        sheet = _name_part(_text(value, "SheetName"), "SheetName")
        name = _image_name(_text(value, "Img Path"), "Img Path")
        info_type = _text(value, "Info Type")
        content = _content(value)
        images = (f"{sheet}/{name}", name)
        extra = {"info_type": info_type, "sheet": sheet}
        return _Parsed({"type": info_type}, content, images, extra=extra)

    return call


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
    if isinstance(whole, dict) and any(key in whole for key in PRIVATE_CONTENT_KEYS):
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


def _content(record: dict[str, Any]) -> str:
    """P.5's Content: one value as text (a whole number too: a spreadsheet may store a phone
    number so)."""
    if "Content" not in record:
        raise _RecordProblem("missing 'Content'")
    value = record["Content"]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise _RecordProblem(f"'Content' must be non-empty text, not {short(value)}")
    return value


def _name_part(value: str, key: str) -> str:
    """A value that names one folder: a plain file-name part."""
    name = value.strip()
    if "/" in name or "\\" in name or name in (".", ".."):
        raise _RecordProblem(f"{key!r} {name!r} cannot name a folder")
    return name


def _image_name(value: str, key: str) -> str:
    name = value.strip().replace("\\", "/")
    relative = PurePosixPath(name)
    # lexical check, not resolve(): a snapshot's files may be symlinks out of the root
    if relative.is_absolute() or ".." in relative.parts:
        raise _RecordProblem(f"{key!r} {name!r} points outside the data root")
    return relative.as_posix()


_READERS: dict[str, Callable[[_Context], SubsetLoad]] = {
    "stereo_queries": _stereo_queries,
    "preferences": _preferences,
    "private_content": _private_content,
}
LAYOUTS = frozenset(_READERS)
"""The layouts ``load_refusals`` reads."""
