"""What every MultiTrust loader shares: reading a sub-dataset's file, turning one record into a
``RawItem`` (or an item with a ``problem`` naming the file and the record), finding its image,
and the field checks.

A loader module reads some layouts (``table.Layout``) and exports ``LAYOUTS`` and a
``load_<...>(root, spec, sub) -> SubsetLoad``. Bad data never raises there: a file that is
missing, unreadable, not the format or without a required column gives ``SubsetLoad([],
problem)`` (``LoadContext.fail``); a bad record is kept as a ``RawItem`` with a ``problem``
(``LoadContext.item`` catches ``RecordProblem``), and so is a record whose image is missing or
corrupt, only where the sub-dataset's variant shows it. Problems name the file relative to
the data root and the record: ``line 4`` (a CSV or JSONL line, from 1) or ``record 3`` (a
position in a JSON list, from 0); the item's ``extra`` has the same ``file`` and ``record``.

A record's image is looked for at ``sub.images/<name>`` for each of ``Parsed.images`` in order.
Where a layout leaves more open, ``LoadContext.of`` takes options: ``look_beside`` (also an
image folder beside the annotation file), ``Parsed.loose`` (also the name's last part directly
under ``sub.images``), ``image_extra`` (what a shown image adds to ``extra``: ``loaders``'
grounding ``img_size``) and ``universal_newlines`` (how ``loaders`` reads its files).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mmtrust.benchmarks.multitrust.items import RawItem, SubsetLoad
from mmtrust.benchmarks.multitrust.rows import SubDataset, TaskSpec
from mmtrust.datasets.images import image_file_problem

logger = logging.getLogger(__name__)

SHOWN = ("own", "related")
"""The image variants that show the record's own image from the data root."""
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
"""The files of an image folder that count as its images; any other file, and a hidden one
(``.DS_Store``), is left out."""


def check_call(
    spec: TaskSpec, sub: SubDataset, layouts: Collection[str] | None = None, kind: str = ""
) -> None:
    """A loader's programming errors, raised: ``sub`` not one of ``spec``'s, a layout not
    among ``layouts``, a variant that shows images from a row without an image folder."""
    if sub not in spec.subsets:
        raise ValueError(f"{sub.name!r} is not a sub-dataset of {spec.task_id}")
    if layouts is not None and spec.layout not in layouts:
        raise ValueError(f"{spec.task_id}'s layout {spec.layout!r} is not a {kind} one")
    if sub.image in SHOWN and sub.images is None:
        raise ValueError(f"{sub.name!r} shows images from the data root but names no folder")


class RecordProblem(Exception):
    """Why a record cannot be asked; ``LoadContext.item`` adds the file and the record."""


@dataclass
class Parsed:
    """One record, read: the prompt's placeholders, the truth, where its image may be."""

    fields: dict[str, str]
    truth: str | list[str]
    images: tuple[str, ...] = ()
    """Where its image may be, relative to ``sub.images``, in order (empty: see ``no_image``)."""
    no_image: str | None = None
    """Why the record has no image to show (past the folder's last image, ...)."""
    extra: dict[str, Any] = field(default_factory=dict)
    shown_extra: dict[str, Any] = field(default_factory=dict)
    """``extra`` only where the image is shown."""
    loose: bool = False
    """Also look for each name's last part directly under ``sub.images`` (a record's own name
    may carry a folder the release does not have); not for names built from the record's
    fields, where the folder is part of the identity (``age/3.png`` vs ``race/3.png``)."""


@dataclass(frozen=True)
class LoadContext:
    """One sub-dataset being read: the data root, the row's sub-dataset, the file."""

    root: Path
    sub: SubDataset
    file: str
    """The annotation file (or folder), relative to the root: how problems name it."""
    expected: str
    """What the file must hold, in words (every subset problem ends with it)."""
    look_beside: bool = False
    """Also look for each image in a folder beside the annotation file named like the last
    part of ``sub.images`` (after ``sub.images/<name>``): for layouts that leave open whether
    the image folder sits under the aspect folder or beside the file. A missing image's
    problem then names the other places tried as ``(nor any of: ...)``, not ``(nor ...)``."""
    image_extra: Callable[[Path], dict[str, Any]] | None = None
    """What a shown image (found and sound) adds to the item's ``extra``, read from its file
    (``loaders``: a grounding item's ``img_size``)."""
    universal_newlines: bool = False
    """``read_text`` reads with universal newlines (``\\r\\n`` and ``\\r`` read as ``\\n``, as
    ``Path.read_text`` does), not the bytes as they are; ``loaders`` reads its JSON files so,
    and its problems quote JSON errors' positions in that text."""

    @classmethod
    def of(
        cls,
        root: Path,
        sub: SubDataset,
        expected: str,
        *,
        look_beside: bool = False,
        image_extra: Callable[[Path], dict[str, Any]] | None = None,
        universal_newlines: bool = False,
    ) -> LoadContext:
        return cls(
            Path(root),
            sub,
            PurePosixPath(sub.annotation).as_posix(),
            expected,
            look_beside,
            image_extra,
            universal_newlines,
        )

    @property
    def wants_image(self) -> bool:
        return self.sub.image in SHOWN

    def fail(self, what: str, file: str | None = None) -> str:
        """A subset problem: the file, what is wrong with it and what was expected."""
        return f"{file or self.file} {what}; expected {self.expected}"

    def item(
        self, item_id: str, record: int | str, where: str, parse: Callable[[], Parsed]
    ) -> RawItem:
        """The item of one record; a bad record or image gives an item with a ``problem``."""
        base: dict[str, Any] = {"file": self.file, "record": record}
        try:
            parsed = parse()
        except RecordProblem as error:
            return RawItem(item_id, {}, "", problem=f"{self.file} {where}: {error}", extra=base)
        extra = {**base, **parsed.extra}
        if not self.wants_image:
            return RawItem(item_id, parsed.fields, parsed.truth, None, None, extra)
        extra |= parsed.shown_extra
        image, problem = self.image(parsed.images, parsed.no_image, loose=parsed.loose)
        if problem is not None:
            problem = f"{self.file} {where}: {problem}"
        elif image is not None and self.image_extra is not None:
            extra |= self.image_extra(image)
        return RawItem(item_id, parsed.fields, parsed.truth, image, problem, extra)

    def image(
        self, names: Sequence[str], no_image: str | None = None, *, loose: bool = False
    ) -> tuple[Path | None, str | None]:
        """The first of ``names`` (under ``sub.images``; see ``places``) that exists, or why
        none can be shown (missing, corrupt)."""
        if not names:
            return None, no_image or "missing image: the record names none"
        candidates = self.places(names, loose=loose)
        found = next((c for c in candidates if (self.root / c).exists()), None)
        if found is None:
            problem = image_file_problem(self.root / candidates[0])
            tried = ", ".join(c.as_posix() for c in candidates[1:])
            nor = "nor any of:" if self.look_beside else "nor"
            return None, f"{problem} ({nor} {tried})" if tried else problem
        path = self.root / found
        problem = image_file_problem(path)
        return (None, problem) if problem is not None else (path, None)

    def places(self, names: Sequence[str], *, loose: bool = False) -> list[PurePosixPath]:
        """Where the images ``names`` may be, relative to the root, in order, each place once:
        per name ``sub.images/<name>``, then (``look_beside``) ``<the annotation file's
        folder>/<last part of sub.images>/<name>``, then (``loose``) ``sub.images/<the name's
        last part>``."""
        folder = PurePosixPath(str(self.sub.images))
        beside = PurePosixPath(self.file).parent / folder.name
        candidates: list[PurePosixPath] = []
        for name in names:
            relative = PurePosixPath(name)
            places = [folder / relative]
            if self.look_beside:
                places.append(beside / relative)
            if loose:
                places.append(folder / relative.name)
            for place in places:
                if place not in candidates:
                    candidates.append(place)
        return candidates

    def listed_images(self, folder: str | None = None) -> tuple[list[str], str | None]:
        """The image files of ``folder`` (default ``sub.images``; relative to the root) in
        natural order (``natural_key``), or why the folder cannot be listed."""
        folder = folder or str(self.sub.images)
        try:
            entries = list((self.root / folder).iterdir())
        except FileNotFoundError:
            return [], f"missing image: the folder {folder} does not exist"
        except OSError as error:
            return [], f"missing image: the folder {folder} cannot be listed ({error})"
        names: list[str] = []
        left_out: list[str] = []
        for entry in entries:
            kept = not entry.name.startswith(".") and entry.suffix.lower() in IMAGE_SUFFIXES
            (names if kept and entry.is_file() else left_out).append(entry.name)
        if left_out:
            logger.info(
                "%s: %s's %d entries that are not image files are left out: %s",
                self.sub.name,
                folder,
                len(left_out),
                ", ".join(sorted(left_out)[:5]),
            )
        return sorted(names, key=natural_key), None

    def pairing(self, count: int) -> Callable[[int], tuple[tuple[str, ...], str | None]]:
        """Record ``i``'s image by position among ``count`` records: the ``i``-th image of
        ``sub.images`` in natural order, or why it has none."""
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


# --- files ---------------------------------------------------------------------------------


def read_text(context: LoadContext, file: str | None = None) -> tuple[str, str | None]:
    """A file's text (``file`` relative to the root; default the annotation file), or why it
    cannot be read."""
    name = file or context.file
    try:
        # utf-8-sig: a byte-order mark (spreadsheet exports, Windows editors) is no content
        if context.universal_newlines:
            return (context.root / name).read_text(encoding="utf-8-sig"), None
        return (context.root / name).read_bytes().decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        return "", context.fail(f"is not UTF-8 text ({error})", name)
    except OSError as error:
        return "", context.fail(f"cannot be read ({error})", name)


def read_json(context: LoadContext) -> tuple[Any, str | None]:
    text, problem = read_text(context)
    if problem is not None:
        return None, problem
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        return None, context.fail(f"is not valid JSON ({error})")


def done(context: LoadContext, items: list[RawItem], what: str = "holds no records") -> SubsetLoad:
    return SubsetLoad(items) if items else SubsetLoad([], context.fail(what))


@dataclass(frozen=True)
class CsvRow:
    """One CSV record: its line, its cells by column (None: the row ends before that column)
    and the non-empty cells past the header's columns."""

    line: int
    cells: dict[str, str | None]
    beyond: tuple[str, ...]

    def cell(self, column: str) -> str:
        """A required non-empty cell."""
        value = self.cells.get(column)
        if value is None:
            raise RecordProblem(f"missing {column!r} (the row ends before it)")
        if not value.strip():
            raise RecordProblem(f"{column!r} is empty")
        return value

    def check_width(self) -> None:
        if self.beyond:
            extra = ", ".join(short(value) for value in self.beyond)
            raise RecordProblem(f"fields past the header's last column: {extra}")


def csv_rows(
    context: LoadContext, columns: Sequence[str], file: str | None = None
) -> tuple[list[CsvRow], str | None]:
    """The rows of a CSV with a header naming at least ``columns``, or why it cannot be read.
    Blank lines and rows of empty cells (spreadsheet padding) are no records."""
    header, lines, problem = csv_table(context, columns, file)
    rows: list[CsvRow] = []
    for line, values in lines:
        if not any(value.strip() for value in values):
            continue
        cells = {c: values[i] if i < len(values) else None for i, c in enumerate(header)}
        beyond = tuple(value for value in values[len(header) :] if value.strip())
        rows.append(CsvRow(line, cells, beyond))
    return rows, problem


def csv_table(
    context: LoadContext, columns: Sequence[str], file: str | None = None
) -> tuple[list[str], list[tuple[int, list[str]]], str | None]:
    """A CSV with a header naming at least ``columns``: its header (names stripped) and its
    records as (line, cells), or why it cannot be read. Only blank lines are no records
    (``csv_rows`` also drops rows of empty cells): for a reader to which a record's position
    matters, so a row of empty cells keeps its place."""
    name = file or context.file
    text, problem = read_text(context, name)
    if problem is not None:
        return [], [], problem
    # strict: an unclosed quote is an error, not the rest of the file read as one cell
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines: list[tuple[int, list[str]]] = []
    try:
        header = [column.strip() for column in next(reader, [])]
        if not any(header):
            return [], [], context.fail("has no header", name)
        missing = [column for column in columns if column not in header]
        if missing:
            lacking = ", ".join(map(repr, missing))
            return [], [], context.fail(f"has no column {lacking} (its header: {header})", name)
        for values in reader:
            if values:  # an empty line is no record (as csv.DictReader skips it)
                lines.append((reader.line_num, values))
    except csv.Error as error:
        message = f"is not valid CSV at line {reader.line_num} ({error})"
        return [], [], context.fail(message, name)
    return header, lines, None


JsonRecord = tuple[int, str, Any, str | None]
"""(record number, where, value, JSON error) of one record of a JSON list or JSONL file."""


def json_records(
    context: LoadContext, text: str, keys: Sequence[str] | None
) -> tuple[list[JsonRecord], str | None]:
    """The records of a JSON list or of JSONL (a single object with one of ``keys`` is JSONL of
    one record; with ``keys`` None, any single object is), or why the file is neither."""
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as error:
        if text.lstrip().startswith("["):
            return [], context.fail(f"is not valid JSON ({error})")
        return jsonl_lines(context, text, error)
    if isinstance(whole, list):
        return [(i, f"record {i}", value, None) for i, value in enumerate(whole)], None
    if isinstance(whole, dict) and (keys is None or any(key in whole for key in keys)):
        return [(1, "line 1", whole, None)], None
    return [], context.fail(f"holds a JSON {json_type(whole)}")


def jsonl_lines(
    context: LoadContext, text: str, whole_error: json.JSONDecodeError
) -> tuple[list[JsonRecord], str | None]:
    records = split_jsonl(text)
    if all(error is not None for *_, error in records):
        # not one line is JSON: not a JSONL file with a bad line, but no JSON at all
        return [], context.fail(f"is not valid JSON or JSONL ({whole_error})")
    return records, None


def split_jsonl(text: str) -> list[JsonRecord]:
    """Every non-blank line of a JSONL text as a record, a line that is not JSON (a truncated
    last line) with its error; never a problem of the whole file (``jsonl_lines`` makes one
    where no line is JSON)."""
    records: list[JsonRecord] = []
    # split on newlines only: str.splitlines() also splits on U+2028, legal inside JSON strings
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, f"line {number}", json.loads(line), None))
        except json.JSONDecodeError as error:
            records.append((number, f"line {number}", None, str(error)))
    return records


# --- field checks --------------------------------------------------------------------------


def object_of(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise RecordProblem(f"a record must be a JSON object, not a JSON {json_type(record)}")
    return record


def text_of(record: dict[str, Any], key: str) -> str:
    """A required non-empty text field."""
    if key not in record:
        raise RecordProblem(f"missing {key!r}")
    value = record[key]
    if not isinstance(value, str) or not value.strip():
        raise RecordProblem(f"{key!r} must be non-empty text, not {short(value)}")
    return value


def name_part(value: str, key: str, names: str = "a folder or file") -> str:
    """A value that names one folder or file: a plain file-name part. ``names``: what the
    problem says it cannot name ("a folder", "an image file")."""
    name = value.strip()
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise RecordProblem(f"{key!r} {name!r} cannot name {names}")
    return name


def image_name(value: str, key: str) -> str:
    """A relative image path from a record, kept inside the data root."""
    name = value.strip().replace("\\", "/")
    relative = PurePosixPath(name)
    # lexical check, not resolve(): a snapshot's files may be symlinks out of the root
    if not name or relative.is_absolute() or ".." in relative.parts:
        raise RecordProblem(f"{key!r} {name!r} points outside the data root")
    return relative.as_posix()


def unique(item_id: str, seen: set[str], record: int | str) -> str:
    """Item ids must be unique within a sub-dataset: a repeated one gets its record appended."""
    if item_id in seen:
        item_id = f"{item_id}#{record}"
    seen.add(item_id)
    return item_id


def natural_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """The order images are listed in: runs of ASCII digits compare as numbers, the rest
    without case, then the name itself (``1.png < 2.png < 10.png < b.png``)."""
    parts = [part for part in re.split(r"([0-9]+)", name) if part]
    key = tuple(
        (0, int(part), "") if part.isascii() and part.isdigit() else (1, 0, part.casefold())
        for part in parts
    )
    return (*key, (2, 0, name))


def json_type(value: Any) -> str:
    """How a problem names a JSON value's type ("object", "array", ...)."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def short(value: Any) -> str:
    """A value as a problem quotes it: its repr, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."
