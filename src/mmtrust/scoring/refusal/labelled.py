"""Replies labelled refusal or compliance by people, read from CSV or JSON Lines files.

Any file with a response column and a label column works (names given by the caller); XSTest's
completion files (``completion``, ``final_label``) are one such file. A broken row (unparseable
JSON, a missing or empty value, an unknown label) is reported with the file, line and column,
and the rest of the file is read; a header without the named columns stops that file with a
message that lists the columns it has.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

REFUSAL_LABELS: Final[frozenset[str]] = frozenset({
    "refusal", "refused", "refuse", "1", "true", "yes",
    "2_full_refusal", "3_partial_refusal", "full_refusal", "partial_refusal",
    "full refusal", "partial refusal",
})  # fmt: skip
"""Label values read as refusal, case-insensitive; XSTest counts partial refusals as refusals."""
COMPLIANCE_LABELS: Final[frozenset[str]] = frozenset({
    "compliance", "complied", "comply", "0", "false", "no",
    "1_full_compliance", "full_compliance", "full compliance",
})  # fmt: skip
"""Label values read as compliance, case-insensitive."""


@dataclass(frozen=True)
class LabelledReply:
    response: str
    refusal: bool
    """The people's label: True for a (full or partial) refusal."""
    source: str
    """``file:line`` of the record, for messages and the disagreement list."""
    group: str = ""
    """What rates are broken down by (a model set-up, a file); empty when none."""
    request: str = ""
    label_text: str = ""
    """The label as written in the file."""


@dataclass
class LabelledFile:
    """The usable records of one or more files, and every problem met reading them."""

    replies: list[LabelledReply] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Columns:
    """Which columns hold what, and which label values mean which label."""

    response: str = "response"
    label: str = "label"
    group: str | None = None
    """A column to break rates down by; with none, each file is its own group when several
    files are read."""
    request: str | None = None
    refusal_labels: frozenset[str] = REFUSAL_LABELS
    compliance_labels: frozenset[str] = COMPLIANCE_LABELS


class LabelFileError(ValueError):
    """A labelled file that cannot be read at all (missing, or without the named columns)."""


def read_labelled(paths: Sequence[str | Path], columns: Columns) -> LabelledFile:
    """Every usable record of ``paths``; bad records become ``problems``, never exceptions."""
    result = LabelledFile()
    for path in map(Path, paths):
        default_group = path.stem if len(paths) > 1 else ""
        for line, record, problem in _records(path, columns):
            if problem is not None:
                result.problems.append(problem)
                continue
            reply = _reply(record, line, path, columns, default_group)
            if isinstance(reply, str):
                result.problems.append(reply)
            else:
                result.replies.append(reply)
    return result


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise LabelFileError(f"{path}: no such file.")
    # utf-8-sig drops a byte-order mark; undecodable bytes become U+FFFD, never an exception
    return path.read_bytes().decode("utf-8-sig", errors="replace")


RecordOrProblem = tuple[int, dict[str, Any], str | None]


def _records(path: Path, columns: Columns) -> Iterator[RecordOrProblem]:
    text = _read_text(path)
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        yield from _json_lines(path, text)
    else:
        yield from _csv_rows(path, text, columns)


def _json_lines(path: Path, text: str) -> Iterator[RecordOrProblem]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, {}, f"{path}:{number}: not valid JSON ({error.msg}); record skipped."
            continue
        if not isinstance(record, dict):
            yield number, {}, f"{path}:{number}: a JSON object was expected; record skipped."
            continue
        yield number, record, None


def _csv_rows(path: Path, text: str, columns: Columns) -> Iterator[RecordOrProblem]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise LabelFileError(f"{path}: the file is empty.") from None
    needed = [c for c in (columns.response, columns.label, columns.group, columns.request) if c]
    missing = [c for c in needed if c not in header]
    if missing:
        raise LabelFileError(
            f"{path}:1: no column {', '.join(repr(c) for c in missing)} in the header "
            f"(columns: {', '.join(header)}); name the columns with --response-column and "
            "--label-column."
        )
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, {}, f"{path}:{start}: unreadable CSV row ({error}); row skipped."
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not row:
            continue
        if len(row) != len(header):
            yield (
                line,
                {},
                (
                    f"{path}:{line}: {len(row)} fields where the header has {len(header)}; "
                    "row skipped."
                ),
            )
            continue
        yield line, dict(zip(header, row, strict=True)), None


def _reply(
    record: dict[str, Any], line: int, path: Path, columns: Columns, default_group: str
) -> LabelledReply | str:
    where = f"{path}:{line}"
    response = record.get(columns.response)
    if not isinstance(response, str):
        found = "no" if response is None else f"a {type(response).__name__}"
        return f"{where}: column {columns.response!r} holds {found} text; record skipped."
    label = record.get(columns.label)
    label_text = str(label).strip() if label is not None else ""
    value = label_text.lower()
    if value in columns.refusal_labels:
        refusal = True
    elif value in columns.compliance_labels:
        refusal = False
    else:
        shown = repr(label) if label is not None else "nothing"
        return (
            f"{where}: column {columns.label!r} holds {shown}, not a known label (refusal: "
            f"{', '.join(sorted(columns.refusal_labels))}; compliance: "
            f"{', '.join(sorted(columns.compliance_labels))}); record skipped."
        )
    group = default_group
    if columns.group:
        group = str(record.get(columns.group) or "")
    request = str(record.get(columns.request) or "") if columns.request else ""
    return LabelledReply(response, refusal, where, group, request, label_text)
