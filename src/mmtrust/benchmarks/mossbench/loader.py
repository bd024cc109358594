"""Loader for MOSSBench's original data folders (spec: shared/spec/mossbench.md).

MOSSBench ("Is Your Multimodal Language Model Oversensitive to Safe Queries?", arXiv 2406.17806;
xirui-li/MOSSBench, HF ``AIcell/MOSSBench``, CC BY-SA 4.0) asks open requests about an image.
``data/`` holds 300 benign requests a model should answer (refusing them is oversensitivity);
``data_contrast/`` holds 244 harmful counterparts a model should refuse. Each folder has
``images_information/information.json``, a JSON object keyed by pid whose records name their
image relative to the folder (``"images/1.png"``).

Items are open requests: ``question_type`` is "mc" with no options and an empty answer (there is
no reference answer; a judge decides refusal). The MOSSBench fields live in ``extra``.

Quirks are survived, not fatal: a WebP file named ``.png`` is inlined with its true MIME type; a
missing image or a malformed record keeps its item with an ``input_error`` (reported as its own
outcome, never sent to a model); images no record references are ignored and counted. Only a
subset folder without a readable ``information.json`` stops the load.

API: ``load_mossbench(root, subset)`` returns the samples and logs a one-line summary;
``read_mossbench(root, subset)`` returns the samples with a ``MossbenchLoadReport`` (counts and
the ids/paths behind them) for callers that report data problems themselves.
"""

from __future__ import annotations

import json
import logging
import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from inspect_ai.dataset import Sample

from mmtrust.datasets.images import image_file_content
from mmtrust.datasets.schema import ItemMetadata, make_sample

logger = logging.getLogger(__name__)

MossbenchSubset = Literal["benign", "contrast", "both"]

SUBSET_FOLDERS: dict[str, str] = {"benign": "data", "contrast": "data_contrast"}
"""Subset name -> folder under the MOSSBench root (the reference repository's layout)."""

INFORMATION_FILE = Path("images_information") / "information.json"

STIMULUS_TYPES: dict[str, str] = {
    "type 1": "exaggerated risk",
    "type 2": "negated harm",
    "type 3": "counterintuitive interpretation",
}
"""``metadata.over`` -> the paper's name for the stimulus type (per-type refusal rates)."""

BENIGN_FLAGS = ("human", "child", "syn", "ocr")
"""0/1 flags of benign records: a person, a child, a synthetic image, text in the image."""

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"}


class MossbenchFormatError(ValueError):
    """A requested subset cannot be read at all (no folder, no information.json, not an object)."""


@dataclass
class MossbenchLoadReport:
    """What a load found: item counts per subset and the data problems behind each count."""

    items_by_subset: dict[str, int] = field(default_factory=dict)
    missing_images: list[str] = field(default_factory=list)
    """Item ids whose image file is absent (kept with an ``input_error``)."""
    corrupt_images: list[str] = field(default_factory=list)
    """Item ids whose image file exists but does not decode (kept with an ``input_error``)."""
    malformed: list[str] = field(default_factory=list)
    """Item ids of records that are not valid MOSSBench records (kept with an ``input_error``)."""
    unreferenced_images: list[str] = field(default_factory=list)
    """Image files (relative to the root) that no record names: ignored."""
    inlined_images: list[str] = field(default_factory=list)
    """Item ids whose image format differs from its extension (WebP named .png): inlined."""

    @property
    def items(self) -> int:
        return sum(self.items_by_subset.values())

    def summary(self) -> str:
        """One line for logs and reports."""
        subsets = ", ".join(f"{name} {count}" for name, count in self.items_by_subset.items())
        return (
            f"MOSSBench: {self.items} items ({subsets}); {len(self.missing_images)} missing "
            f"images, {len(self.corrupt_images)} corrupt images, {len(self.malformed)} malformed "
            f"records, {len(self.unreferenced_images)} unreferenced images ignored, "
            f"{len(self.inlined_images)} mislabelled images inlined"
        )


@dataclass
class MossbenchLoad:
    """The samples of a load together with its report."""

    samples: list[Sample]
    report: MossbenchLoadReport


def load_mossbench(root: Path | str, subset: MossbenchSubset = "benign") -> list[Sample]:
    """MOSSBench samples of ``subset`` ("benign", "contrast" or "both": benign first).

    The load summary is logged (a warning when items carry input errors); use
    ``read_mossbench`` to get it as a ``MossbenchLoadReport``.
    """
    loaded = read_mossbench(root, subset)
    report = loaded.report
    problems = report.missing_images or report.corrupt_images or report.malformed
    logger.log(logging.WARNING if problems else logging.INFO, "%s", report.summary())
    return loaded.samples


def read_mossbench(root: Path | str, subset: MossbenchSubset = "benign") -> MossbenchLoad:
    """MOSSBench samples of ``subset`` with the report of what the load found."""
    if subset not in ("benign", "contrast", "both"):
        raise ValueError(f"subset must be 'benign', 'contrast' or 'both', not {subset!r}")
    root = Path(root)
    names = ["benign", "contrast"] if subset == "both" else [subset]
    report = MossbenchLoadReport()
    samples: list[Sample] = []
    for name in names:
        subset_samples = _load_subset(root, name, report)
        report.items_by_subset[name] = len(subset_samples)
        samples.extend(subset_samples)
    return MossbenchLoad(samples, report)


def read_information(path: Path) -> dict[str, Any]:
    """The records of one ``information.json``: a JSON object keyed by pid."""
    if not path.is_file():
        raise MossbenchFormatError(f"MOSSBench information file not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise MossbenchFormatError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise MossbenchFormatError(
            f"{path} must hold a JSON object keyed by pid, not {type(data).__name__}"
        )
    return data


def _load_subset(root: Path, subset: str, report: MossbenchLoadReport) -> list[Sample]:
    folder = root / SUBSET_FOLDERS[subset]
    information = folder / INFORMATION_FILE
    records = read_information(information)
    where_file = information.relative_to(root).as_posix()
    samples: list[Sample] = []
    referenced: set[str] = set()
    for key, record in records.items():
        item_id = f"mossbench-{subset}-{key}"
        image_name = record.get("image") if isinstance(record, dict) else None
        if isinstance(image_name, str) and image_name.strip():
            referenced.add(_normalise_image_name(image_name))
        samples.append(_record_sample(record, key, item_id, subset, folder, where_file, report))
    report.unreferenced_images.extend(_unreferenced_images(root, folder, referenced))
    return samples


def _record_sample(
    record: Any,
    key: str,
    item_id: str,
    subset: str,
    folder: Path,
    where_file: str,
    report: MossbenchLoadReport,
) -> Sample:
    """The sample of one record; a bad record or image becomes an ``input_error``, never raises."""
    pid = record.get("pid") if isinstance(record, dict) else None
    where = f"{where_file} key {key!r} (pid={pid!r})"
    try:
        metadata = record_metadata(record, key, item_id, subset, folder)
    except (ValueError, TypeError) as error:
        report.malformed.append(item_id)
        question = record.get("question") if isinstance(record, dict) else None
        metadata = ItemMetadata(
            source="mossbench",
            item_id=item_id,
            question=question if isinstance(question, str) else "",
            question_type="mc",
            answer="",
            input_error=f"malformed record: {where}: {error}",
            extra={"subset": subset, "pid": str(pid) if pid is not None else key},
        )
        return make_sample(metadata, None)
    image, problem = image_file_content(Path(str(metadata.image)))
    if problem is not None:
        missing = problem.startswith("missing image")
        (report.missing_images if missing else report.corrupt_images).append(item_id)
        metadata = metadata.model_copy(update={"input_error": f"{where}: {problem}"})
    elif image is not None and image.image.startswith("data:"):
        report.inlined_images.append(item_id)
    return make_sample(metadata, image)


def record_metadata(record: Any, key: str, item_id: str, subset: str, folder: Path) -> ItemMetadata:
    """The metadata of one MOSSBench record; raises ValueError/TypeError naming what is wrong."""
    if not isinstance(record, dict):
        raise TypeError(f"a record must be a JSON object, not {type(record).__name__}")
    question = record.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("missing or empty 'question'")
    pid = _record_pid(record, key)
    image_path = _image_path(record.get("image"), folder)
    meta = record.get("metadata")
    if not isinstance(meta, dict):
        raise ValueError("missing 'metadata' object")
    stimulus = meta.get("over")
    if not isinstance(stimulus, str) or stimulus not in STIMULUS_TYPES:
        raise ValueError(
            f"'metadata.over' must be one of {sorted(STIMULUS_TYPES)}, not {stimulus!r}"
        )
    extra: dict[str, Any] = {
        "subset": subset,
        "pid": pid,
        "type": stimulus,
        "type_name": STIMULUS_TYPES[stimulus],
        "short_description": _optional_text(record, "short description"),
        "description": _optional_text(record, "description"),
    }
    extra.update(_flags(meta))
    return ItemMetadata(
        source="mossbench",
        item_id=item_id,
        question=question,
        question_type="mc",
        answer="",
        category=STIMULUS_TYPES[stimulus],
        image=str(image_path),
        extra=extra,
    )


def _record_pid(record: dict[str, Any], key: str) -> str:
    """The record's pid; it must agree with its key (an id taken from either must be the same)."""
    pid = record.get("pid")
    if pid is None:
        return key
    if str(pid) != key:
        raise ValueError(f"'pid' {pid!r} does not match the record's key {key!r}")
    return key


def _image_path(name: Any, folder: Path) -> Path:
    """The image file a record names, which must stay inside its subset folder."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("missing or empty 'image'")
    # lexical check, not resolve(): a Hugging Face snapshot's files are symlinks into a blob
    # store outside the folder, and must still be accepted
    relative = PurePosixPath(_normalise_image_name(name))
    if relative.is_absolute() or relative.parts[:1] == ("..",):
        raise ValueError(f"'image' {name!r} points outside {folder}")
    return folder / relative


def _normalise_image_name(name: str) -> str:
    """``images/./1.png`` and ``images\\1.png`` name the same file as ``images/1.png``."""
    return posixpath.normpath(name.strip().replace("\\", "/"))


def _optional_text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key!r} must be text, not {type(value).__name__}")
    return value


def _flags(meta: dict[str, Any]) -> dict[str, Any]:
    """The benign records' flags and harm categories; absent (contrast items) -> None.

    An absent flag only removes the item from that flag's breakdown, so it is tolerated; a
    present but invalid one means the record is not what we think and is rejected.
    """
    flags: dict[str, Any] = {}
    for name in BENIGN_FLAGS:
        value = meta.get(name)
        # bool is an int subclass: JSON true/false are not the benchmark's 0/1 encoding
        if value is not None and (isinstance(value, bool) or value not in (0, 1)):
            raise ValueError(f"'metadata.{name}' must be 0 or 1, not {value!r}")
        flags[name] = value
    harm = meta.get("harm")
    if harm is not None and (
        not isinstance(harm, list)
        or not all(isinstance(h, int) and not isinstance(h, bool) for h in harm)
    ):
        raise ValueError(f"'metadata.harm' must be a list of integers, not {harm!r}")
    flags["harm"] = harm
    return flags


def _unreferenced_images(root: Path, folder: Path, referenced: set[str]) -> list[str]:
    """Image files in the subset folder that no record names (a full copy ships extras).

    ``referenced`` holds the records' normalised image names, relative to ``folder``.
    """
    images = folder / "images"
    if not images.is_dir():
        return []
    return sorted(
        path.relative_to(root).as_posix()
        for path in images.rglob("*")
        if path.is_file()
        and path.suffix.lower() in _IMAGE_SUFFIXES
        and path.relative_to(folder).as_posix() not in referenced
    )
