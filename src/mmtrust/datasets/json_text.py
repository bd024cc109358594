"""Record files as benchmarks release them: one JSON document, or JSON lines, possibly cut
short (``read_record_file``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def parse_json_or_lines(text: str) -> Any:
    """``text`` parsed as one JSON document, or else as JSON lines (a list, one value per
    non-blank line). When neither parses, the error of the whole-document parse is raised:
    it points at the first broken place of a file meant as one document."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as document_error:
        try:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError:
            raise document_error from None


class RecordFileError(ValueError):
    """A record file is broken somewhere other than its very end, or holds no list."""


@dataclass(frozen=True)
class Truncation:
    """Where a record file stops short (offsets in bytes from the start of the file)."""

    file_bytes: int
    """The file's size: its data stops there."""
    partial_record_at: int | None
    """Where the incomplete record left by the cut starts; None when the cut fell between
    records."""
    inside_character: bool
    """The cut split a multi-byte UTF-8 character (a strict decode of the file fails)."""
    records_kept: int

    def describe(self) -> str:
        where = (
            f"inside the record that starts at byte {self.partial_record_at:,}"
            if self.partial_record_at is not None
            else "between two records"
        )
        character = " and inside a multi-byte UTF-8 character" if self.inside_character else ""
        return (
            f"cut at byte {self.file_bytes:,}, {where}{character}; "
            f"{self.records_kept:,} whole records kept"
        )


@dataclass(frozen=True)
class RecordFile:
    """The whole records of a file and, when the file was cut short, where."""

    records: list[Any]
    truncation: Truncation | None = None


def read_record_file(path: Path) -> RecordFile:
    """The records of a file holding a JSON array or JSON lines that may be cut short.

    Files fetched from a repository's web view can stop at a size limit, mid-record and even
    mid-character. A cut at the very end costs only the incomplete record; anything broken
    before the end raises ``RecordFileError`` naming its byte offset, because a damaged
    middle means the records around it cannot be trusted."""
    data = path.read_bytes()
    text, inside_character = decode_utf8_prefix(data)
    try:
        parsed = parse_json_or_lines(text)
    except json.JSONDecodeError as document_error:
        records, tail = _parse_prefix(text, document_error)
    else:
        if not isinstance(parsed, list):
            raise RecordFileError(f"must hold a JSON array of records, not {type(parsed).__name__}")
        if not inside_character:
            return RecordFile(parsed)
        records, tail = parsed, None
    partial = None if tail is None else len(text[:tail].encode("utf-8"))
    return RecordFile(records, Truncation(len(data), partial, inside_character, len(records)))


def decode_utf8_prefix(data: bytes) -> tuple[str, bool]:
    """``data`` decoded, and whether its last character was cut off (and dropped). A byte
    that is not UTF-8 anywhere else raises ``RecordFileError`` with its offset."""
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError as error:
        # an incomplete sequence that reaches the end of the data is a cut, not corruption
        if error.reason == "unexpected end of data" and error.end == len(data):
            return data[: error.start].decode("utf-8"), True
        bad = data[error.start : error.end]
        raise RecordFileError(
            f"byte {error.start:,} is not UTF-8 ({error.reason}: {bad!r})"
        ) from None


def _parse_prefix(text: str, document_error: json.JSONDecodeError) -> tuple[list[Any], int | None]:
    """The whole records before a cut at the end of ``text``, and the character offset where
    the incomplete record starts (None: the cut fell between records)."""
    if text.lstrip().startswith("["):
        return _array_prefix(text)
    return _lines_prefix(text, document_error)


def _array_prefix(text: str) -> tuple[list[Any], int | None]:
    decoder = json.JSONDecoder()
    records: list[Any] = []
    pos = _skip_space(text, text.index("[") + 1)
    while pos < len(text):
        try:
            record, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            if not _ran_out_of_input(error, text):
                raise _broken(error, text) from None
            return records, pos
        records.append(record)
        pos = _skip_space(text, end)
        if pos < len(text) and text[pos] != ",":
            # "]" too: a whole array would have parsed, so something follows it
            message = "Extra data" if text[pos] == "]" else "Expecting ',' delimiter"
            raise _broken(json.JSONDecodeError(message, text, pos), text)
        pos = _skip_space(text, pos + 1)
    return records, None


def _lines_prefix(text: str, document_error: json.JSONDecodeError) -> tuple[list[Any], int | None]:
    """JSON lines whose last line alone is incomplete: it has no newline and ends mid-value."""
    lines = text.splitlines(keepends=True)
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    if last < 0 or lines[last].endswith(("\n", "\r")):
        raise _broken(document_error, text)
    records = []
    for line in lines[:last]:
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                raise _broken(document_error, text) from None
    try:
        json.loads(lines[last])
    except json.JSONDecodeError as error:
        if not _ran_out_of_input(error, lines[last]):
            raise _broken(document_error, text) from None
    return records, len("".join(lines[:last]))


_CUT_TOKENS = {"", "t", "tr", "tru", "f", "fa", "fal", "fals", "n", "nu", "nul", "-", "."}
_CUT_TOKENS |= {"e", "E", "e+", "e-", "E+", "E-"}
"""What may remain where the cut split a literal or a number ("tr"; "1." leaves ".")."""


def _ran_out_of_input(error: json.JSONDecodeError, text: str) -> bool:
    """The parser failed only because the text ended, not on a bad character."""
    if error.msg.startswith("Unterminated string"):
        return True  # no closing quote (nor any other string terminator) up to the end
    if error.msg.startswith("Invalid \\uXXXX escape"):
        return len(text) - error.pos < 5
    return text[error.pos :].strip() in _CUT_TOKENS


def _broken(error: json.JSONDecodeError, text: str) -> RecordFileError:
    offset = len(text[: error.pos].encode("utf-8"))
    return RecordFileError(
        f"neither a JSON array nor JSON lines: broken JSON at byte {offset:,} "
        f"(line {error.lineno}, column {error.colno}): {error.msg}"
    )


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos
