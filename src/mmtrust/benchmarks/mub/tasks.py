"""MUB misleading tasks: ``mub_misleading`` (explicit and implicit, stage 1 shared), and the
single-mode ``mub_explicit`` / ``mub_implicit``."""

from __future__ import annotations

from typing import Any

from inspect_ai import Epochs, Task, task
from inspect_ai.scorer import Scorer

from mmtrust.benchmarks.mub.scorer import explicit_misleading, implicit_misleading
from mmtrust.benchmarks.mub.solver import DEFAULT_MISLEADING_CONFIG, NoteSource, misleading_pipeline
from mmtrust.datasets.mub import MubDataset
from mmtrust.datasets.registry import load_dataset
from mmtrust.perturb.misleading import DEFAULT_EXPLICIT_TEMPLATE
from mmtrust.scoring.misleading_record import MisleadingMode

MUB_TASK_VERSION = 2
"""2: a letter that is not an option is a wrong answer (was: unparseable); unparseable clean
replies are misled towards the truth too; the paper's convention is scored alongside."""


@task
def mub_misleading(
    dataset: str = "trustworld",
    split: str = "test",
    n: int | None = None,
    mub_file: str | None = None,
    images_dir: str | None = None,
    modes: str = "explicit,implicit",
    explicit_template: str = DEFAULT_EXPLICIT_TEMPLATE,
    notes_per_item: int = 3,
    note_source: NoteSource = "auto",
    seed: int = 0,
) -> Task:
    """Does the model keep a correct answer when misled? (MUB, two stages.)

    Args:
        dataset: "trustworld" (embedded) or "mub" (original files, see mub_file/images_dir).
        split: TrustWorld split.
        n: Number of items (default: the whole split / file).
        mub_file: A MUB JSON file (all_combined_items or an implicit-notes file).
        images_dir: The folder of MUB's images (extract_img_all).
        modes: Comma-separated stage-2 modes: explicit, implicit.
        explicit_template: Explicit misleading line; {X} is replaced by the target answer.
        notes_per_item: SP, the most implicit notes tried per item (any-note rule).
        note_source: Where implicit notes come from: auto, dataset, generator, offline.
        seed: Seed of the misleading targets and offline notes.
    """
    chosen = _parse_modes(modes)
    if notes_per_item < 1:
        raise ValueError(f"notes_per_item must be at least 1, not {notes_per_item}")
    scorers: list[Scorer] = []
    if "explicit" in chosen:
        scorers.append(explicit_misleading())
    if "implicit" in chosen:
        scorers.append(implicit_misleading())
    data = load_dataset(dataset, split=split, n=n, mub_file=mub_file, images_dir=images_dir)
    metadata: dict[str, Any] = {
        "benchmark": "mub",
        "dataset": dataset,
        "split": split,
        "modes": chosen,
    }
    if isinstance(data, MubDataset):
        # the released files are cut short: results.json and the report say where
        metadata["data_load"] = data.load_report.as_metadata()
    return Task(
        dataset=data,
        solver=misleading_pipeline(
            modes=chosen,
            explicit_template=explicit_template,
            notes_per_item=notes_per_item,
            note_source=note_source,
            seed=seed,
        ),
        scorer=scorers,
        config=DEFAULT_MISLEADING_CONFIG,
        # outcomes are categories: the default mean reducer would turn them into numbers
        epochs=Epochs(1, "mode"),
        version=MUB_TASK_VERSION,
        fail_on_error=False,
        metadata=metadata,
    )


@task
def mub_explicit(
    dataset: str = "trustworld",
    split: str = "test",
    n: int | None = None,
    mub_file: str | None = None,
    images_dir: str | None = None,
    explicit_template: str = DEFAULT_EXPLICIT_TEMPLATE,
    seed: int = 0,
) -> Task:
    """MUB with the explicit stage only ("And the true answer is : X")."""
    return mub_misleading(
        dataset=dataset,
        split=split,
        n=n,
        mub_file=mub_file,
        images_dir=images_dir,
        modes="explicit",
        explicit_template=explicit_template,
        seed=seed,
    )


@task
def mub_implicit(
    dataset: str = "trustworld",
    split: str = "test",
    n: int | None = None,
    mub_file: str | None = None,
    images_dir: str | None = None,
    notes_per_item: int = 3,
    note_source: NoteSource = "auto",
    seed: int = 0,
) -> Task:
    """MUB with the implicit stage only (hint notes)."""
    return mub_misleading(
        dataset=dataset,
        split=split,
        n=n,
        mub_file=mub_file,
        images_dir=images_dir,
        modes="implicit",
        notes_per_item=notes_per_item,
        note_source=note_source,
        seed=seed,
    )


def _parse_modes(modes: str) -> list[MisleadingMode]:
    chosen: list[MisleadingMode] = []
    for mode in (part.strip() for part in modes.split(",") if part.strip()):
        if mode == "explicit":
            chosen.append("explicit")
        elif mode == "implicit":
            chosen.append("implicit")
        else:
            raise ValueError(f"Unknown misleading mode {mode!r}; use explicit and/or implicit")
    if not chosen:
        raise ValueError("modes must name at least one of: explicit, implicit")
    return chosen
