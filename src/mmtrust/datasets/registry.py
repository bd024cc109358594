"""Named datasets a task can be pointed at: the embedded TrustWorld, or files the user has."""

from __future__ import annotations

from inspect_ai.dataset import Dataset

from mmtrust.datasets.mub import load_mub
from mmtrust.datasets.trustworld import trustworld_dataset

DATASETS = {
    "trustworld": "TrustWorld, the embedded synthetic world (splits train / calib / test)",
    "mub": "MUB's original files: mub_file=<all_combined_items.jsonl or an implicit file>, "
    "images_dir=<extract_img_all>",
}


def load_dataset(
    name: str,
    *,
    split: str = "test",
    n: int | None = None,
    mub_file: str | None = None,
    images_dir: str | None = None,
) -> Dataset:
    if name == "trustworld":
        return trustworld_dataset(split, n)
    if name == "mub":
        if mub_file is None:
            raise ValueError("dataset='mub' needs mub_file=<path to a MUB JSON file>")
        dataset = load_mub(mub_file, images_dir)
        return dataset if n is None else dataset[:n]
    raise ValueError(f"Unknown dataset {name!r}; known: {sorted(DATASETS)}")
