"""MultiTrust records as Inspect samples: one per (item, sub-dataset, prompt variant), asked
with the sub-dataset's image variant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageUser, ContentText

from mmtrust.benchmarks.multitrust.items import RawItem
from mmtrust.benchmarks.multitrust.table import SubDataset, TaskSpec
from mmtrust.benchmarks.multitrust.unrelated import (
    DEFAULT_SIZE,
    UnrelatedKind,
    pool_of,
    unrelated_image_path,
)
from mmtrust.datasets.images import image_file_content
from mmtrust.datasets.schema import ItemMetadata


def item_samples(
    spec: TaskSpec,
    sub: SubDataset,
    raw: RawItem,
    *,
    source: str,
    seed: int,
    root: Path | None,
    unrelated_size: tuple[int, int] = DEFAULT_SIZE,
) -> list[Sample]:
    """The samples of one record: one per prompt template of its sub-dataset."""
    image_path, problem = _image_for(sub, raw, seed=seed, root=root, size=unrelated_size)
    samples = []
    for k, (group, template) in enumerate(zip(sub.group_names(), sub.prompts, strict=True)):
        # a bad record may lack the template's fields; it is never asked
        prompt = _format(template, raw.fields) if problem is None else ""
        group_name = (
            group if spec.group_by_field is None else str(raw.extra.get(spec.group_by_field, group))
        )
        sample_id = f"{sub.name}/{raw.item_id}" + (
            f"/PROMPT_{k + 1}" if len(sub.prompts) > 1 else ""
        )
        metadata = ItemMetadata(
            source=source,
            item_id=sample_id,
            question=raw.fields.get("statement", prompt),
            question_type="yn" if sub.evaluator == "yes_no" else "open",
            answer=raw.truth if isinstance(raw.truth, str) else (raw.truth[0] if raw.truth else ""),
            category=group_name,
            image=None if image_path is None else str(image_path),
            input_error=problem,
            extra={
                "task_id": spec.task_id,
                "subset": sub.name,
                "group": group_name,
                "variant": sub.image,
                "evaluator": sub.evaluator,
                "judge_template": sub.judge_template,
                "prompt": prompt,
                "truth": raw.truth,
                **raw.extra,
            },
        )
        samples.append(_sample(metadata, image_path, prompt))
    return samples


def _format(template: str, fields: dict[str, str]) -> str:
    try:
        return template.format(**fields)
    except KeyError as missing:  # a loader bug, not the user's data: say which field
        raise ValueError(f"prompt template {template!r} needs field {missing}") from None


def _image_for(
    sub: SubDataset, raw: RawItem, *, seed: int, root: Path | None, size: tuple[int, int]
) -> tuple[Path | None, str | None]:
    if raw.problem is not None:
        return raw.image, raw.problem
    if sub.image in ("own", "related"):
        if raw.image is None:
            return None, f"{sub.name}: record {raw.item_id} has no image"
        return raw.image, None
    if sub.image == "none":
        return None, None
    kind: UnrelatedKind = sub.image.removeprefix("unrelated-")  # type: ignore[assignment]
    # the item, not the sub-dataset: its three unrelated images differ by kind alone
    key = f"{sub.annotation}/{raw.item_id}"
    return unrelated_image_path(kind, key, seed=seed, size=size, pool=pool_of(root, kind)), None


def _sample(metadata: ItemMetadata, image_path: Path | None, prompt: str) -> Sample:
    content: list[Any] = []
    if image_path is not None and metadata.input_error is None:
        image, problem = image_file_content(image_path)
        if image is None:
            metadata = metadata.model_copy(update={"input_error": problem})
        else:
            content.append(image)
    content.append(ContentText(text=prompt))
    return Sample(
        id=metadata.item_id,
        input=[ChatMessageUser(content=content)],
        target=metadata.answer,
        metadata=metadata.model_dump(),
    )
