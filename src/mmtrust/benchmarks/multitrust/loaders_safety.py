"""Readers of MultiTrust's safety tasks' files (S.1-S.6): one sub-dataset's records.

``load_safety(root, spec, sub)`` reads ``sub.annotation`` under the data root (the toolbox's
``./data/``) the way ``spec.layout`` (and, where one layout reads several formats,
``sub.section``) says. Spec: shared/spec/multitrust-tasks.md, sections 4.2, 6 and 7; files,
fields and image places as the toolbox thu-ml/MMTrustEval reads them (``mmte/datasets/
{nsfw,hod,real_toxicity_prompts,typographic_jailbreaking,mm_safety_bench,safebench,
crossmodal_jailbreak}.py`` and their ``mmte/configs/datasets/*.yaml``). Every image folder is
listed in natural order (``loader_kit.natural_key``: ``2.png`` before ``10.png``; hidden files
and files that are not images are left out): the toolbox lists them with the unsorted
``os.listdir``/``Path.iterdir``, whose order is the filesystem's, so its item order (and S.6's
truncation, which depends on it) differs from machine to machine.

- ``image_folders`` with ``sub.section`` None (S.1, ``nsfw-image-description``): the folder
  ``safety/nsfw`` holds one folder per category, each of image files, and no annotation file.
  One record per image: item id ``<category>/<file>``, no fields (S.1's two prompts are
  fixed), truth "", ``extra["category"]``; problems name ``image <category>/<file>``. Files
  directly under ``safety/nsfw`` are left out (the toolbox reads only sub-folders).
- ``image_folders`` with ``sub.section`` "object-detection" / "risk-analysis" (S.2):
  ``safety/risk_identification/<class>/`` for the five ``RISK_CLASSES``; every image of a class
  is asked that class's questions 1-3 (object-detection) or 4-5 (risk-analysis) of hod.py's
  ``PROMPT_AND_ANSWER`` (``prompts_safety.RISK_QUESTIONS``), in the toolbox's order: class,
  then question, then image. Item id ``<class>/<file>/question-<k>``; the field ``question``;
  the truth the list of expected keywords (hod.py's ``answer`` split at commas);
  ``extra["QUESTION"]`` and ``extra["EXPECTED_KEYWORDS"]`` (the question and the ``answer``
  text as it is, which the judge template's ``{QUESTION}`` and ``{EXPECTED_KEYWORDS}`` take,
  as the toolbox's ``extra``), ``extra["category"]``, ``extra["question_number"]``. A folder
  that is no risk class gives one problem item per image (``<folder>/<file>``); a class
  without a folder, or with no image in it, one problem item (id ``<class>``, ``folder
  <class>``), so a partial release is not scored as the whole.
- ``toxicity_prompts`` (S.3): ``real_toxicity_prompt/prompts_select.json``, a JSON object
  ``{category: [prompt, ...]}`` (10 per category in the release). Item id
  ``<category>/<k>`` (``k`` from 0 within the category; problems name ``record
  <category>[<k>]``); the field ``prompt``; truth ""; ``extra["category"]``. The image variant
  shows ``images/<category>_<md5 of the prompt's UTF-8>.png``. A category whose value is not a
  list is one problem item (id ``<category>``).
- ``typographic`` with ``sub.section`` None (S.4's three sets, S.5's
  ``opimized-jailbreak-graphic``): ``typographic_jailbreak/<set>.csv`` with the columns ``id``,
  ``image_path``, ``question`` and, where the prompts take ``{jailbreak}`` (``behavior_graph``
  read by S.4), ``jailbreak_prompt``; the image ``<set>/<image_path>``. Fields ``behavior``
  (the ``question``: the harmful behaviour) and ``jailbreak`` (where the file has the column;
  also ``extra["jailbreak"]``); the truth is the behaviour (the toolbox's ``target=question``,
  the harm classifier's ``behavior``). Item id the ``id`` cell (``line-<n>`` if empty).
- ``typographic`` with ``sub.section`` "mm_safety_bench" (S.5): ``mm-safety-bench-selected/
  mm-safety-bench-selected.json``, a JSON object ``{idx: {"Question", "Prompt", "Image"}}``;
  item id the key (problems name ``record <key>``); the field ``prompt`` (the record's own
  prompt, which is what the model is sent); the truth the ``Question``; the image
  ``mm-safety-bench-selected/<Image>``.
- ``typographic`` with ``sub.section`` "safebench" (S.5): ``SafeBench_selected/
  safebench_selected.csv`` with ``id``, ``question``, ``image_path``; the field ``behavior``,
  the truth the ``question``, the image ``SafeBench_selected/<image_path>`` (FigStep's
  typographic list; the prompt is fixed).
- ``crossmodal_jailbreak`` (S.6): ``crossmodal-jailbreak/text_jailbreak.csv`` with ``id``,
  ``question``, ``jailbreak``; the field ``jailbreak`` (the prompt is the jailbreak text
  itself; also ``extra["jailbreak"]``), the truth the ``question`` (the behaviour). The text
  variant: one item per record (id the ``id`` cell). Each unrelated kind: ``UNRELATED_COPIES``
  (3) items per record, ids ``<id>/copy-<c>``, ``extra["copy"]``: the toolbox shows each prompt
  three images of each kind, and distinct ids give distinct unrelated images (``samples``
  draws one per ``<annotation>/<item id>``). ``crossmodal-jailbreak-pos``/``-neg``: every
  record with every image of ``jailbreak_pos/``/``jailbreak_neg/`` in natural order, ids
  ``<id>/<image file>``; a missing or empty image folder is a problem of the sub-dataset. Every
  S.6 item has ``extra["toolbox_index"]``, its position in the toolbox's list of that run
  (record by record; per record 3 colour, 3 nature, 3 noise images; or every image), which
  ``toolbox_s6_cut`` reads to reproduce the toolbox's truncation to its first
  ``TOOLBOX_S6_SAMPLES`` (10) samples. mmtrust does not truncate (spec section 7: a defect).

In the CSVs, a row whose ``id`` is "id" (a header repeated inside the file) is no record, as
the toolbox skips it; a row of empty cells is no record; a row with cells past the header's
columns, a missing or empty required cell is a record with a problem.

Where the toolbox is wrong or unclear, these readers differ from it: folders are listed in
natural order, not the filesystem's (above); S.3's image is named by the prompt's own category,
where the toolbox takes ``categories[idx // 10]``, the same only while every category has
exactly 10 prompts; a record without its image is a problem of that record, where the toolbox
raises (S.3) or fails later on open (the others); S.2 asks each image only its own class's
questions, as the toolbox's ``hod.py`` does from commit 2db678c on (its version at 272ffb1,
with the dataset ids ``hod-*``, asked every image every class's questions); S.6 is not truncated.

Bad data never raises (``loader_kit``): a missing file or folder, one that is not the format,
or a CSV without a required column gives ``SubsetLoad([], problem)`` naming the file and what
was expected; a bad record, and a record whose image is missing or corrupt (only where the
variant shows it), is kept as a ``RawItem`` with a ``problem`` naming the file and the record,
and ``extra`` has the same ``file`` and ``record`` (a CSV line, a JSON key or ``key[k]``, or an
image's ``<folder>/<file>``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from string import Formatter
from typing import Any

from mmtrust.benchmarks.multitrust import prompts_safety as p
from mmtrust.benchmarks.multitrust.items import RawItem, SubsetLoad
from mmtrust.benchmarks.multitrust.loader_kit import (
    SHOWN,
    CsvRow,
    LoadContext,
    Parsed,
    RecordProblem,
    check_call,
    csv_rows,
    done,
    image_name,
    json_type,
    natural_key,
    object_of,
    read_json,
    short,
    text_of,
    unique,
)
from mmtrust.benchmarks.multitrust.rows import UNRELATED, SubDataset, TaskSpec
from mmtrust.benchmarks.multitrust.table_safety import TOOLBOX_S6_SAMPLES

logger = logging.getLogger(__name__)

RISK_SECTIONS: dict[str, tuple[int, ...]] = {"object-detection": (1, 2, 3), "risk-analysis": (4, 5)}
"""S.2's sub-datasets (``sub.section``) and the numbers of hod.py's questions each asks (its
``questions_and_answers[:3]`` and ``[3:]``)."""
TYPOGRAPHIC_COLUMNS = ("id", "image_path", "question")
JAILBREAK_COLUMN = "jailbreak_prompt"
"""``behavior_graph.csv``'s jailbreak text, needed where a prompt takes ``{jailbreak}``."""
SAFEBENCH_COLUMNS = ("id", "question", "image_path")
MM_SAFETY_BENCH_KEYS = ("Question", "Prompt", "Image")
"""An MM-SafetyBench record's keys: the behaviour, the prompt sent, the image."""
CROSSMODAL_COLUMNS = ("id", "question", "jailbreak")
TYPOGRAPHIC_SECTIONS = (None, "mm_safety_bench", "safebench")
"""The formats of the ``typographic`` layout by ``sub.section``: a typographic CSV (None),
MM-SafetyBench's JSON, SafeBench's CSV."""
UNRELATED_COPIES = 3
"""S.6: unrelated images of each kind per record (the toolbox's ``random.sample(..., k=3)``)."""
TOOLBOX_INDEX = "toolbox_index"
"""The ``extra`` key of an S.6 item's position in the toolbox's list of its run."""
REPEATED_HEADER = "id"
"""A CSV row whose ``id`` cell is this is a repeated header, no record (the toolbox skips it)."""

JUDGE_FIELDS = tuple(
    name for _, name, _, _ in Formatter().parse(p.RISK_JUDGE) if name and name != "pred"
)
"""The S.2 judge template's placeholders an item's ``extra`` fills (QUESTION,
EXPECTED_KEYWORDS; ``pred`` is the reply)."""
LAYOUTS: frozenset[str] = frozenset(
    {"image_folders", "toxicity_prompts", "typographic", "crossmodal_jailbreak"}
)
"""The layouts ``load_safety`` reads."""

EXPECTED: dict[str, str] = {
    "nsfw": "a folder of category folders of image files",
    "risk": "a folder with a folder of image files for each of " + ", ".join(p.RISK_CLASSES),
    "toxicity_prompts": "a JSON object {category: [prompt, ...], ...}",
    "typographic": "a CSV with the columns " + ", ".join(TYPOGRAPHIC_COLUMNS),
    "typographic_jailbreak": "a CSV with the columns "
    + ", ".join((*TYPOGRAPHIC_COLUMNS, JAILBREAK_COLUMN)),
    "mm_safety_bench": "a JSON object {idx: {"
    + ", ".join(f'"{key}"' for key in MM_SAFETY_BENCH_KEYS)
    + "}, ...}",
    "safebench": "a CSV with the columns " + ", ".join(SAFEBENCH_COLUMNS),
    "crossmodal_jailbreak": "a CSV with the columns " + ", ".join(CROSSMODAL_COLUMNS),
}
"""What each format's file or folder must hold, in words (for subset problems)."""

_Reader = Callable[[LoadContext], SubsetLoad]


def load_safety(root: Path, spec: TaskSpec, sub: SubDataset) -> SubsetLoad:
    """The records of sub-dataset ``sub`` of task ``spec`` (S.1-S.6) under the data root
    ``root``.

    Raises ValueError only for a programming error (``sub`` not one of ``spec``'s, a layout or
    section this module does not read, a variant showing images from a row without an image
    folder); bad data is reported, never raised.
    """
    check_call(spec, sub, LAYOUTS, "safety")
    reader, format_name = _reader(spec, sub)
    context = LoadContext.of(Path(root), sub, EXPECTED[format_name])
    target = context.root / context.file
    if spec.layout == "image_folders":
        if not target.is_dir():
            return SubsetLoad([], f"annotation folder not found: {context.fail(f'under {root}')}")
    elif not target.is_file():
        return SubsetLoad([], f"annotation file not found: {context.fail(f'under {root}')}")
    return reader(context)


def _reader(spec: TaskSpec, sub: SubDataset) -> tuple[_Reader, str]:
    """The reader of ``sub``'s format and the format's name (``EXPECTED``)."""
    if spec.layout == "image_folders":
        if sub.section is None:
            return _nsfw, "nsfw"
        if sub.section in RISK_SECTIONS:
            return _risk, "risk"
    elif spec.layout == "toxicity_prompts" and sub.section is None:
        return _toxicity_prompts, "toxicity_prompts"
    elif spec.layout == "typographic" and sub.section in TYPOGRAPHIC_SECTIONS:
        if sub.section == "mm_safety_bench":
            return _mm_safety_bench, "mm_safety_bench"
        if sub.section == "safebench":
            return _safebench, "safebench"
        jailbreak = _needs_jailbreak(sub)
        return _typographic, "typographic_jailbreak" if jailbreak else "typographic"
    elif spec.layout == "crossmodal_jailbreak" and sub.section is None:
        return _crossmodal, "crossmodal_jailbreak"
    raise ValueError(f"{sub.name!r}: the layout {spec.layout!r} has no section {sub.section!r}")


def toolbox_s6_cut(items: Sequence[RawItem], limit: int = TOOLBOX_S6_SAMPLES) -> list[RawItem]:
    """S.6's items the toolbox keeps (its ``dataset[:10]``): those whose position in the
    toolbox's list of their run (``extra["toolbox_index"]``) is below ``limit``. An item
    without one (a bad record, whose position in the run is unknown) is kept, so that it is
    still reported. For a faithful mode only; the default asks every item."""
    kept = []
    for item in items:
        index = item.extra.get(TOOLBOX_INDEX)
        if not isinstance(index, int) or index < limit:
            kept.append(item)
    return kept


# --- image folders (S.1, S.2) ----------------------------------------------------------------


def _folders(context: LoadContext) -> tuple[list[str], str | None]:
    """The sub-folders of the annotation folder in natural order (hidden ones left out)."""
    folder = context.root / context.file
    try:
        entries = list(folder.iterdir())
    except OSError as error:
        return [], context.fail(f"cannot be listed ({error})")
    loose = sorted(e.name for e in entries if not e.is_dir() and not e.name.startswith("."))
    if loose:
        logger.info(
            "%s: %s's files outside its category folders are left out: %s",
            context.sub.name,
            context.file,
            ", ".join(loose[:5]),
        )
    names = [e.name for e in entries if e.is_dir() and not e.name.startswith(".")]
    return sorted(names, key=natural_key), None


def _images_of(context: LoadContext, folder: str) -> tuple[list[str], str | None]:
    """The image files of ``<annotation>/<folder>`` in natural order, or why not listable."""
    return context.listed_images(f"{context.file}/{folder}")


def _nsfw(context: LoadContext) -> SubsetLoad:
    """S.1: every image of every category folder."""
    categories, problem = _folders(context)
    if problem is not None:
        return SubsetLoad([], problem)
    items: list[RawItem] = []
    for category in categories:
        names, problem = _images_of(context, category)
        if problem is not None:
            items.append(_folder_problem(context, category, problem))
            continue
        if not names:
            logger.warning("%s: %s/%s holds no images", context.sub.name, context.file, category)
        for name in names:
            record = f"{category}/{name}"
            extra = {"category": category}
            call = partial(Parsed, {}, "", (record,), extra=extra)
            items.append(context.item(record, record, f"image {record}", call))
    return done(context, items, "holds no category folder with images")


def _risk(context: LoadContext) -> SubsetLoad:
    """S.2: every image of every risk class, asked the section's questions of its class."""
    folders, problem = _folders(context)
    if problem is not None:
        return SubsetLoad([], problem)
    numbers = RISK_SECTIONS[str(context.sub.section)]
    items: list[RawItem] = []
    for risk in p.RISK_CLASSES:
        if risk not in folders:
            items.append(_folder_problem(context, risk, "the class has no folder"))
            continue
        names, problem = _images_of(context, risk)
        if problem is None and not names:
            problem = "the class folder holds no image files"
        if problem is not None:
            items.append(_folder_problem(context, risk, problem))
            continue
        for number in numbers:
            for name in names:
                record = f"{risk}/{name}"
                call = partial(_risk_question, risk, number, record)
                item_id = f"{record}/question-{number}"
                items.append(context.item(item_id, record, f"image {record}", call))
    known = ", ".join(p.RISK_CLASSES)
    for folder in folders:
        if folder in p.RISK_CLASSES:
            continue
        names, _ = _images_of(context, folder)
        for name in names:
            record = f"{folder}/{name}"
            why = f"the folder {folder!r} is not one of the risk classes ({known})"
            items.append(context.item(record, record, f"image {record}", _raise(why)))
    return done(context, items)


def _risk_question(risk: str, number: int, record: str) -> Parsed:
    question = p.RISK_QUESTIONS[(risk, number)]
    keywords = p.RISK_KEYWORDS[(risk, number)]
    truth = [word.strip() for word in keywords.split(",") if word.strip()]
    extra: dict[str, Any] = {
        "category": risk,
        "question_number": number,
        "QUESTION": question,
        "EXPECTED_KEYWORDS": keywords,
    }
    return Parsed({"question": question}, truth, (record,), extra=extra)


def _folder_problem(context: LoadContext, folder: str, why: str) -> RawItem:
    """One problem item for a category or class folder that gives no records."""
    extra = {"file": context.file, "record": folder, "category": folder}
    problem = f"{context.file} folder {folder}: {why}"
    return RawItem(folder, {}, "", None, problem, extra)


def _raise(why: str) -> Callable[[], Parsed]:
    def call() -> Parsed:
        raise RecordProblem(why)

    return call


# --- S.3 -------------------------------------------------------------------------------------


def toxicity_image(category: str, prompt: str) -> str:
    """S.3's image of a prompt, relative to ``real_toxicity_prompt/images``."""
    return f"{category}_{hashlib.md5(prompt.encode('utf-8')).hexdigest()}.png"


def _toxicity_prompts(context: LoadContext) -> SubsetLoad:
    data, problem = read_json(context)
    if problem is not None:
        return SubsetLoad([], problem)
    if not isinstance(data, dict):
        return SubsetLoad([], context.fail(f"holds a JSON {json_type(data)}"))
    items: list[RawItem] = []
    seen: set[str] = set()
    for category, prompts in data.items():
        if not isinstance(prompts, list):
            why = f"a JSON {json_type(prompts)}, not a list of prompts"
            problem = f"{context.file} record {category}: {why}"
            extra = {"file": context.file, "record": category, "category": category}
            items.append(RawItem(unique(category, seen, category), {}, "", None, problem, extra))
            continue
        for k, prompt in enumerate(prompts):
            record = f"{category}[{k}]"
            item_id = unique(f"{category}/{k}", seen, record)
            call = partial(_toxicity_prompt, category, prompt)
            items.append(context.item(item_id, record, f"record {record}", call))
    return done(context, items)


def _toxicity_prompt(category: str, prompt: Any) -> Parsed:
    if not isinstance(prompt, str) or not prompt.strip():
        raise RecordProblem(f"a prompt must be non-empty text, not {short(prompt)}")
    extra = {"category": category}
    return Parsed({"prompt": prompt}, "", (toxicity_image(category, prompt),), extra=extra)


# --- S.4, S.5 ----------------------------------------------------------------------------------


def _needs_jailbreak(sub: SubDataset) -> bool:
    return any(
        name == "jailbreak"
        for template in sub.prompts
        for _, name, _, _ in Formatter().parse(template)
    )


def _records(
    context: LoadContext, columns: Sequence[str]
) -> tuple[list[tuple[int, CsvRow]], str | None]:
    """A CSV's records with their positions among the records (from 0), repeated header rows
    left out."""
    rows, problem = csv_rows(context, columns)
    if problem is not None:
        return [], problem
    kept = [row for row in rows if (row.cells.get("id") or "").strip() != REPEATED_HEADER]
    if len(kept) < len(rows):
        logger.info("%s: %s repeats its header; left out", context.sub.name, context.file)
    return list(enumerate(kept)), None


def _row_id(row: CsvRow, seen: set[str]) -> str:
    own = (row.cells.get("id") or "").strip()
    return unique(own or f"line-{row.line}", seen, f"line-{row.line}")


def _typographic(context: LoadContext) -> SubsetLoad:
    """S.4's three sets and S.5's opimized-jailbreak-graphic: a typographic CSV."""
    jailbreak = _needs_jailbreak(context.sub)
    columns = (*TYPOGRAPHIC_COLUMNS, JAILBREAK_COLUMN) if jailbreak else TYPOGRAPHIC_COLUMNS
    records, problem = _records(context, columns)
    if problem is not None:
        return SubsetLoad([], problem)
    items: list[RawItem] = []
    seen: set[str] = set()
    for _, row in records:
        call = partial(_typographic_row, row, jailbreak)
        items.append(context.item(_row_id(row, seen), row.line, f"line {row.line}", call))
    return done(context, items)


def _typographic_row(row: CsvRow, jailbreak: bool) -> Parsed:
    row.check_width()
    behavior = row.cell("question")
    image = image_name(row.cell("image_path"), "image_path")
    fields = {"behavior": behavior}
    extra: dict[str, Any] = {}
    if jailbreak:
        fields["jailbreak"] = extra["jailbreak"] = row.cell(JAILBREAK_COLUMN)
    return Parsed(fields, behavior, (image,), extra=extra)


def _mm_safety_bench(context: LoadContext) -> SubsetLoad:
    data, problem = read_json(context)
    if problem is not None:
        return SubsetLoad([], problem)
    if not isinstance(data, dict):
        return SubsetLoad([], context.fail(f"holds a JSON {json_type(data)}"))
    items = [
        context.item(str(key), str(key), f"record {key}", partial(_mm_safety_record, record))
        for key, record in data.items()
    ]
    return done(context, items)


def _mm_safety_record(record: Any) -> Parsed:
    value = object_of(record)
    question, prompt, image = (text_of(value, key) for key in MM_SAFETY_BENCH_KEYS)
    image = image_name(image, "Image")
    return Parsed({"prompt": prompt}, question, (image,))


def _safebench(context: LoadContext) -> SubsetLoad:
    records, problem = _records(context, SAFEBENCH_COLUMNS)
    if problem is not None:
        return SubsetLoad([], problem)
    items: list[RawItem] = []
    seen: set[str] = set()
    for _, row in records:
        call = partial(_safebench_row, row)
        items.append(context.item(_row_id(row, seen), row.line, f"line {row.line}", call))
    return done(context, items)


def _safebench_row(row: CsvRow) -> Parsed:
    row.check_width()
    behavior = row.cell("question")
    image = image_name(row.cell("image_path"), "image_path")
    return Parsed({"behavior": behavior}, behavior, (image,))


# --- S.6 -------------------------------------------------------------------------------------


def _crossmodal(context: LoadContext) -> SubsetLoad:
    records, problem = _records(context, CROSSMODAL_COLUMNS)
    if problem is not None:
        return SubsetLoad([], problem)
    sub = context.sub
    images: list[str] = []
    if sub.image in SHOWN:
        images, problem = context.listed_images()
        folder = str(sub.images)
        if problem is None and not images:
            problem = "holds no image files"
        if problem is not None:
            # "does not exist", "cannot be listed (...)" or "holds no image files"
            why = problem.removeprefix(f"missing image: the folder {folder} ")
            expected = f"expected the images every record of {context.file} is asked with"
            return SubsetLoad([], f"image folder {folder} {why}; {expected}")
    items: list[RawItem] = []
    seen: set[str] = set()
    for position, row in records:
        own = _row_id(row, seen)
        where = f"line {row.line}"
        try:
            fields, truth = _crossmodal_row(row)
        except RecordProblem as error:
            extra = {"file": context.file, "record": row.line}
            items.append(RawItem(own, {}, "", None, f"{context.file} {where}: {error}", extra))
            continue
        base = {"jailbreak": fields["jailbreak"]}
        for item_id, index, names, own_extra in _crossmodal_items(sub, own, position, images):
            extra = {**base, **own_extra, TOOLBOX_INDEX: index}
            call = partial(Parsed, fields, truth, names, extra=extra)
            items.append(context.item(item_id, row.line, where, call))
    return done(context, items)


def _crossmodal_row(row: CsvRow) -> tuple[dict[str, str], str]:
    row.check_width()
    behavior = row.cell("question")
    return {"jailbreak": row.cell("jailbreak")}, behavior


def _crossmodal_items(
    sub: SubDataset, own: str, position: int, images: list[str]
) -> list[tuple[str, int, tuple[str, ...], dict[str, Any]]]:
    """(item id, toolbox index, image names, extra) of one record in ``sub``."""
    if sub.image == "none":
        return [(own, position, (), {})]
    if sub.image in UNRELATED:
        kind = UNRELATED.index(sub.image)
        per_record = len(UNRELATED) * UNRELATED_COPIES
        return [
            (
                f"{own}/copy-{c}",
                per_record * position + UNRELATED_COPIES * kind + c - 1,
                (),
                {"copy": c},
            )
            for c in range(1, UNRELATED_COPIES + 1)
        ]
    return [
        (f"{own}/{name}", len(images) * position + j, (name,), {}) for j, name in enumerate(images)
    ]
