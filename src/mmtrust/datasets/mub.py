"""Loader for MUB's original data files (spec: shared/spec/mub.md; Yunkai696/MUB, Apache-2.0).

``all_combined_items.jsonl`` is one JSON array (not JSON lines). In the released files each
``new_id`` carries one model's answer (``model``; ``response`` is its answer once misled by the
line ``guide``), and copies of a record repeat 3-7 times, byte-identical: items are
deduplicated by ``new_id``, and copies that differ are counted and warned about (the first is
kept). The implicit files add the ``///``-separated notes ``closed_model_response_F`` (towards
a wrong answer, for items answered correctly) and ``closed_model_response_T`` (towards the
truth). Images come from a separate download; the caller names the folder.

The files as the repository serves them are cut short (one mid-record, one inside a multi-byte
character): the whole records before the cut are loaded, one warning names the file, the byte
offset of the cut and the records kept, and ``MubDataset.load_report`` holds the same facts for
a report. A malformed record or a missing image does not stop the load: the item is kept with
an ``input_error`` and reported as its own outcome.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, overload

from inspect_ai.dataset import Dataset, MemoryDataset, Sample

from mmtrust.datasets.images import image_file_content
from mmtrust.datasets.json_text import RecordFile, RecordFileError, Truncation, read_record_file
from mmtrust.datasets.schema import ItemMetadata, make_sample
from mmtrust.perturb.misleading import split_notes

logger = logging.getLogger(__name__)

DIFFICULTY_BY_NUM = {6: "low", 9: "medium", 12: "high"}
"""MUB's strata: how many of the 12 reference models an item misled (cut-offs unpublished)."""

ResponseStatus = Literal["option", "no_option", "unknown_option", "unreadable", "absent"]
"""What the released ``response`` holds: an option (or Yes/No), MUB's ``-2`` code for "no
option found", a letter that is not among the options, something else, or nothing."""
NO_OPTION_CODE = "-2"

# a letter opening an option ("A) ", "?A) "), not one inside "(A)" nor ending a word ("USA)")
_OPTION_MARK = re.compile(r"(?<![\w(\[])([A-H])\)")
# the last option ends at the instruction that follows it (". Please choose ...")
_LAST_OPTION_END = re.compile(r"\s*\.+(?:\s+(?=[A-Z])|\s*$)")
_GUIDE_TARGET = re.compile(r"answer is\s*:\s*(\S+)", re.IGNORECASE)


class MubFormatError(ValueError):
    """The file as a whole is not in MUB's format."""


@dataclass
class MubLoadReport:
    """What a load found in a MUB file: its size and cut, records and items, and problems."""

    file: str
    file_bytes: int
    records: int
    """Whole records read (copies included)."""
    items: int = 0
    """Distinct ``new_id`` (one sample each)."""
    truncation: Truncation | None = None
    conflicting_ids: list[str] = field(default_factory=list)
    """``new_id``s whose copies are not all identical (the first copy is kept)."""
    malformed: list[str] = field(default_factory=list)
    """Items whose record is not a valid MUB record (kept with an ``input_error``)."""
    input_errors: int = 0
    """Items that cannot be asked: malformed records, missing or corrupt images."""
    responses: dict[str, int] = field(default_factory=dict)
    """Items per status of the released ``response`` (valid records only)."""

    def summary(self) -> str:
        """One line for logs and reports."""
        cut = f"; {self.truncation.describe()}" if self.truncation else ""
        return (
            f"MUB {self.file}: {self.records:,} records, {self.items:,} items{cut}; "
            f"{len(self.malformed)} malformed records, {len(self.conflicting_ids)} new_ids with "
            f"differing copies, {self.input_errors} items with input errors"
        )

    def as_metadata(self) -> dict[str, Any]:
        """The report as plain JSON values (a task's metadata, results.json)."""
        truncation = self.truncation
        return {
            "file": self.file,
            "file_bytes": self.file_bytes,
            "records": self.records,
            "items": self.items,
            "truncated": truncation is not None,
            "cut_at_byte": truncation.file_bytes if truncation else None,
            "partial_record_at_byte": truncation.partial_record_at if truncation else None,
            "cut_inside_character": truncation.inside_character if truncation else False,
            "malformed_records": len(self.malformed),
            "conflicting_new_ids": len(self.conflicting_ids),
            "input_errors": self.input_errors,
            "released_responses": dict(self.responses),
        }


class MubDataset(MemoryDataset):
    """MUB's samples and what their load found (``load_report``); slicing keeps the report,
    so a task that takes the first n items still knows its file was cut short."""

    def __init__(
        self,
        samples: list[Sample],
        load_report: MubLoadReport,
        name: str | None = None,
        location: str | None = None,
        shuffled: bool = False,
    ) -> None:
        super().__init__(samples, name=name, location=location, shuffled=shuffled)
        self.load_report = load_report

    @overload
    def __getitem__(self, index: int) -> Sample: ...

    @overload
    def __getitem__(self, index: slice) -> Dataset: ...

    def __getitem__(self, index: int | slice) -> Sample | Dataset:
        if isinstance(index, int):
            return self.samples[index]
        return MubDataset(
            self.samples[index], self.load_report, self.name, self.location, self.shuffled
        )


def read_mub_file(path: Path) -> RecordFile:
    """The whole records of a MUB file (a JSON array, or tolerated JSON lines) and where it
    was cut short, if it was."""
    if not path.is_file():
        raise MubFormatError(f"MUB file not found: {path}")
    try:
        return read_record_file(path)
    except RecordFileError as error:
        raise MubFormatError(f"{path}: {error}") from None


def load_mub(path: Path | str, images_dir: Path | str | None = None) -> MubDataset:
    """MUB items from ``path``, one sample per distinct ``new_id``, images from ``images_dir``.

    A cut-short file and copies that differ each log one warning; ``load_report`` of the
    result holds the counts."""
    path = Path(path)
    content = read_mub_file(path)
    report = MubLoadReport(path.name, path.stat().st_size, len(content.records))
    report.truncation = content.truncation
    samples = [
        _record_sample(record, index, item_id, path, images_dir, copies, report)
        for index, item_id, record, copies in _distinct_records(content.records, path, report)
    ]
    report.items = len(samples)
    _warn(path, report)
    return MubDataset(samples, report, name=f"mub-{path.stem}", location=str(path))


def _warn(path: Path, report: MubLoadReport) -> None:
    if report.truncation is not None:
        logger.warning(
            "%s is incomplete: %s (%d items); the records after the cut are missing, "
            "get the complete file from the MUB authors",
            path,
            report.truncation.describe(),
            report.items,
        )
    if report.conflicting_ids:
        logger.warning(
            "%s: %d new_ids have copies that differ (the first copy is kept): %s",
            path,
            len(report.conflicting_ids),
            ", ".join(report.conflicting_ids[:5]),
        )


def _distinct_records(
    records: list[Any], path: Path, report: MubLoadReport
) -> list[tuple[int, str, Any, int]]:
    """(index, item id, first record, copies) per distinct ``new_id``, in file order; ids
    whose copies are not all equal go to ``report.conflicting_ids``."""
    first: dict[str, int] = {}
    copies: Counter[str] = Counter()
    conflicting: dict[str, None] = {}
    for index, record in enumerate(records):
        key = record.get("new_id") if isinstance(record, dict) else None
        item_id = str(key) if isinstance(key, str) and key else f"{path.name}#record-{index}"
        copies[item_id] += 1
        if item_id not in first:
            first[item_id] = index
        elif record != records[first[item_id]]:
            conflicting[item_id] = None
    report.conflicting_ids = list(conflicting)
    return [(index, item_id, records[index], copies[item_id]) for item_id, index in first.items()]


def _record_sample(
    record: Any,
    index: int,
    item_id: str,
    path: Path,
    images_dir: Path | str | None,
    copies: int,
    report: MubLoadReport,
) -> Sample:
    where = f"{path.name} record {index} (new_id={item_id})"
    try:
        metadata = record_metadata(record, item_id)
    except (ValueError, TypeError, KeyError) as error:
        report.malformed.append(item_id)
        report.input_errors += 1
        return make_sample(_malformed(record, item_id, f"malformed record: {where}: {error}"), None)
    status = metadata.extra["response_status"]
    report.responses[status] = report.responses.get(status, 0) + 1
    metadata = metadata.model_copy(update={"extra": {**metadata.extra, "copies": copies}})
    if images_dir is None:
        reason = f"no images folder given for {where} (pass images_dir=...)"
        report.input_errors += 1
        return make_sample(metadata.model_copy(update={"input_error": reason}), None)
    image, problem = image_file_content(_image_path(Path(images_dir), item_id))
    if problem is not None:
        report.input_errors += 1
        metadata = metadata.model_copy(update={"input_error": f"{where}: {problem}"})
    return make_sample(metadata, image)


def _malformed(record: Any, item_id: str, reason: str) -> ItemMetadata:
    return ItemMetadata(
        source="mub",
        item_id=item_id,
        question=str(record.get("question", "")) if isinstance(record, dict) else "",
        question_type="mc",
        answer="",
        input_error=reason,
    )


def record_metadata(record: Any, item_id: str) -> ItemMetadata:
    """The common metadata of one MUB record; raises ValueError naming what is wrong."""
    if not isinstance(record, dict):
        raise TypeError(f"a record must be a JSON object, not {type(record).__name__}")
    question = record.get("question")
    answer = record.get("answer")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("missing or empty 'question'")
    if not isinstance(answer, str) or not answer.strip():
        raise ValueError("missing or empty 'answer'")
    kind = record.get("question_type_CHorYN")
    if kind not in ("CH", "YN"):
        raise ValueError(f"'question_type_CHorYN' must be CH or YN, not {kind!r}")
    answer = answer.strip()
    if kind == "YN":
        options: dict[str, str] = {}
        answer = answer.capitalize()
        if answer not in ("Yes", "No"):
            raise ValueError(f"yes/no answer must be Yes or No, not {record['answer']!r}")
    else:
        options = _options(record.get("choices"), question)
        if answer not in options:
            raise ValueError(f"answer {answer!r} is not one of the options {sorted(options)}")
    num = record.get("num")
    return ItemMetadata(
        source=str(record.get("dataset") or "mub"),
        item_id=item_id,
        question=question,
        question_type="yn" if kind == "YN" else "mc",
        answer=answer,
        options=options,
        options_in_question=kind == "CH" and not _has_choices(record.get("choices")),
        category=str(record.get("all_category") or ""),
        difficulty=DIFFICULTY_BY_NUM.get(num, f"num={num}") if isinstance(num, int) else None,
        image=item_id,
        extra=_extra(record, answer, options),
    )


def _has_choices(choices: Any) -> bool:
    return isinstance(choices, dict) and bool(choices)


def _options(choices: Any, question: str) -> dict[str, str]:
    """The options of a multiple-choice record: its ``choices``, or those written inside the
    question (ConBench_CH)."""
    if _has_choices(choices):
        return {str(k).strip(): str(v) for k, v in choices.items()}
    options = inline_options(question)
    if not options:
        raise ValueError("multiple-choice record has no 'choices' and no options in the text")
    return options


def inline_options(question: str) -> dict[str, str]:
    """Options written inside a question ("...in Bath, UK?A) Bathampton Toll Bridge B) ...").

    The options are the longest run of marks A), B), C)... in letter order (the latest such
    run if two are as long), so that a stray "X)" in the question's text does not start
    them; each option's text runs to the next mark, the last one's to the instruction after
    it. Fewer than two marks: no options."""
    run = _longest_run(list(_OPTION_MARK.finditer(question)))
    if len(run) < 2:
        return {}
    options = {}
    for mark, following in zip(run, [*run[1:], None], strict=True):
        if following is not None:
            end = following.start()
        else:
            last_end = _LAST_OPTION_END.search(question, mark.end())
            end = last_end.start() if last_end else len(question)
        options[mark.group(1)] = question[mark.end() : end].strip()
    return options


def _longest_run(marks: list[re.Match[str]]) -> list[re.Match[str]]:
    best: list[re.Match[str]] = []
    for start, mark in enumerate(marks):
        if mark.group(1) != "A":
            continue
        run = [mark]
        for later in marks[start + 1 :]:
            if later.group(1) == chr(ord(run[-1].group(1)) + 1):
                run.append(later)
        if len(run) >= len(best):
            best = run
    return best


def _extra(record: dict[str, Any], answer: str, options: dict[str, str]) -> dict[str, Any]:
    """MUB's own fields: strata, the released run's answer and how it reads, implicit notes."""
    kind = str(record.get("question_type_CHorYN"))
    status, response_answer = released_response(record.get("response"), kind, options)
    extra: dict[str, Any] = {
        "dataset": record.get("dataset"),
        "num": record.get("num"),
        "guide": record.get("guide"),
        "model": record.get("model"),
        "response": record.get("response"),
        "response_status": status,
        "response_answer": response_answer,
        "question_correction": record.get("question_correction"),
        "released_outcome": released_outcome(record.get("guide"), answer, response_answer),
    }
    for source, key in (
        ("closed_model_response_F", "notes_to_false"),
        ("closed_model_response_T", "notes_to_true"),
    ):
        if isinstance(record.get(source), str):
            extra[key] = split_notes(record[source])
    return extra


def released_response(
    response: Any, kind: str, options: dict[str, str]
) -> tuple[ResponseStatus, str | None]:
    """How the released ``response`` reads: its status, and the option letter (or Yes/No) it
    names (an unknown letter is returned too: the model answered, wrongly)."""
    if response is None:
        return "absent", None
    text = str(response).strip().rstrip(".").strip()
    if text == NO_OPTION_CODE:
        return "no_option", None
    if kind == "YN":
        word = text.capitalize()
        return ("option", word) if word in ("Yes", "No") else ("unreadable", None)
    if text in options:
        return "option", text
    if len(text) == 1 and "A" <= text <= "Z":
        return "unknown_option", text
    return "unreadable", None


def released_outcome(guide: Any, answer: str, response_answer: str | None) -> str | None:
    """The released run's stage-1 / stage-2 correctness spelt as ``question_correction``
    ("TF": right, then misled), derived from the record rather than read from that label,
    which is not reliable (some TT and FF values are swapped, and a lower-case gold "no"
    was compared case-sensitively). A guide that names the gold means stage 1 was wrong
    (MUB misleads wrong answers towards the truth); a response that names no option is
    wrong, as MUB's code counts it. None when the guide states no target."""
    match = _GUIDE_TARGET.search(guide) if isinstance(guide, str) else None
    if match is None:
        return None
    target = match.group(1).strip(".")
    first = "F" if target.lower() == answer.lower() else "T"
    right = response_answer is not None and response_answer.lower() == answer.lower()
    return first + ("T" if right else "F")


def _image_path(images_dir: Path, new_id: str) -> Path:
    """``new_id`` is ``extract_img_all/<k>.jpg``; accept the folder or its parent."""
    nested = images_dir / new_id
    return nested if nested.exists() else images_dir / Path(new_id).name
