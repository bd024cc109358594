"""Measuring the test-time consistency adaptation over item groups: consistency and accuracy
of the extracted answers before and after (``consistency_adaptation`` adapts one group)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.dataset import Sample

from mmtrust.benchmarks.consistency.adaptation import (
    AdaptationSettings,
    AnswerReader,
    GroupAdaptation,
    Request,
    adapt_and_answer,
)
from mmtrust.benchmarks.consistency.tasks import ConsistencyPrompt, variant_prompt
from mmtrust.datasets.schema import ItemMetadata
from mmtrust.metrics.consistency import closed_form_group_scores
from mmtrust.models.conversation import ImageReference, decode_image
from mmtrust.scoring.answer import extract_answer


@dataclass(frozen=True)
class PhaseSummary:
    """Consistency and accuracy of one phase (before or after adaptation) over the groups."""

    consistency: float | None
    """Mean over groups of the exact-match consistency of the extracted answers (groups with
    fewer than two extracted answers have none and are left out; None: no group has one)."""
    accuracy: float | None
    """Mean over groups of the share of read variants whose extracted answer is the gold one.
    An unread answer is not counted as wrong: it is left out and counted in
    ``unparsed_variants``."""
    groups_with_pairs: int
    fully_consistent_groups: int
    right_variants: int
    unparsed_variants: int


@dataclass(frozen=True)
class GroupRecord:
    item_id: str
    gold: str
    adaptation: GroupAdaptation


@dataclass
class AdaptationReport:
    """Before/after numbers of test-time consistency adaptation over a set of groups."""

    model_dir: str
    task: str
    style: str
    settings: AdaptationSettings
    groups: int
    variants: int
    skipped_groups: int
    """Groups with an input error (not asked)."""
    before: PhaseSummary
    after: PhaseSummary
    changed_groups: int
    """Groups in which at least one variant's answer changed."""
    pseudo_label_right: int
    """Groups whose pseudo-label's answer is the gold one."""
    load_s: float
    wall_s: float
    """Time adapting and answering (model loading excluded: ``load_s``)."""
    records: list[GroupRecord] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")


def variant_requests(item: ItemMetadata, style: ConsistencyPrompt = "mub") -> list[Request]:
    """The group's variants as asked: decoded image and the prompt in ``style``."""
    return [
        (
            decode_image(ImageReference(variant["image"], 0, part)),
            variant_prompt(item, variant["question"], style),
        )
        for part, variant in enumerate(item.extra["variants"])
    ]


def evaluate_adaptation(
    model_dir: str | Path,
    groups: Sequence[Sample],
    style: ConsistencyPrompt = "mub",
    *,
    settings: AdaptationSettings | None = None,
    device: str | None = None,
    on_group: Callable[[int, int], None] | None = None,
) -> AdaptationReport:
    """Adapt and answer every group (``groups`` samples) with the model saved in
    ``model_dir``, each group from the original weights, and summarise before and after.

    ``device``: default CUDA when available, else CPU. ``on_group(done, total)`` reports
    progress.
    """
    from mmtrust.models.loading import load_vision_language_model, resolve_device, resolve_dtype

    settings = settings or AdaptationSettings()
    started = time.monotonic()
    # the toolkit's loader: its checks, left padding and pad-token fallback, as hf-vlm has
    loaded = load_vision_language_model(
        Path(model_dir),
        device=resolve_device(device or "auto"),
        dtype=resolve_dtype("auto"),
        trust_remote_code=False,
    )
    model, processor = loaded.model, loaded.processor
    load_s = time.monotonic() - started
    records: list[GroupRecord] = []
    skipped = 0
    tasks: set[str] = set()
    for done, sample in enumerate(groups, start=1):
        item = ItemMetadata.model_validate(sample.metadata)
        tasks.add(str(item.extra.get("consistency_task", "")))
        if item.input_error is None:
            result = adapt_and_answer(
                model,
                processor,
                variant_requests(item, style),
                read_answer=_reader(item),
                settings=settings,
            )
            records.append(GroupRecord(item.item_id, item.answer, result))
        else:
            skipped += 1
        if on_group is not None:
            on_group(done, len(groups))
    return AdaptationReport(
        model_dir=str(model_dir),
        task=",".join(sorted(tasks)),
        style=style,
        settings=settings,
        groups=len(records),
        variants=sum(len(r.adaptation.replies_before) for r in records),
        skipped_groups=skipped,
        before=summarise_phase([(r.gold, r.adaptation.answers_before) for r in records]),
        after=summarise_phase([(r.gold, r.adaptation.answers_after) for r in records]),
        changed_groups=sum(
            r.adaptation.answers_before != r.adaptation.answers_after for r in records
        ),
        pseudo_label_right=sum(_pseudo_label_answer(r) == r.gold for r in records),
        load_s=load_s,
        wall_s=time.monotonic() - started - load_s,
        records=records,
    )


def _reader(item: ItemMetadata) -> AnswerReader:
    def read(reply: str) -> str | None:
        return extract_answer(reply, item).answer

    return read


def _pseudo_label_answer(record: GroupRecord) -> str | None:
    adaptation = record.adaptation
    if adaptation.pseudo_label_index is None:
        return None
    return adaptation.answers_before[adaptation.pseudo_label_index]


def summarise_phase(groups: Sequence[tuple[str, Sequence[str | None]]]) -> PhaseSummary:
    """Consistency and accuracy over (gold, extracted answers) groups (see ``PhaseSummary``)."""
    consistencies, shares = closed_form_group_scores(groups)
    return PhaseSummary(
        consistency=_mean(consistencies),
        accuracy=_mean(shares),
        groups_with_pairs=len(consistencies),
        fully_consistent_groups=sum(value == 1.0 for value in consistencies),
        right_variants=sum(a == gold for gold, answers in groups for a in answers),
        unparsed_variants=sum(a is None for _, answers in groups for a in answers),
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
