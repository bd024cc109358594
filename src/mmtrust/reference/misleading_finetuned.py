"""The reference model fine-tuned on misleading data (MUB's mitigation), shipped as its LoRA
adapter: ``mmtrust/reference-misleading-ft``.

The adapter (``misleading_adapter/``, about 0.4 MB, written by ``mmtrust finetune-misleading``
with its default settings, whose before/after summary lies beside it) is folded into the
packaged reference weights on first use and the merged model kept in mmtrust's cache, so the
demo report can set the two models side by side with no training and no download.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from mmtrust.cache import cache_root
from mmtrust.reference import reference_model_dir

MISLEADING_FINETUNED_NAME = "reference-misleading-ft"
ADAPTER_DIR = Path(__file__).parent / "misleading_adapter"
SUMMARY_FILE = "finetune_summary.json"
"""The before/after summary ``mmtrust finetune-misleading`` wrote beside the adapter."""


def misleading_finetuned_dir() -> Path:
    """The merged model's folder in the cache, merged now if it is not there yet."""
    adapter = ADAPTER_DIR / "adapter_model.safetensors"
    if not adapter.is_file():
        raise FileNotFoundError(
            f"the misleading fine-tuning adapter is missing from {ADAPTER_DIR}; rebuild it "
            "with `mmtrust finetune-misleading --out DIR` and copy DIR/lora_adapter there"
        )
    # the folder is named by the adapter's and the base weights' content: a new adapter or
    # new reference weights merge afresh instead of serving a stale model
    digest = hashlib.sha256(adapter.read_bytes())
    digest.update((reference_model_dir() / "model.safetensors").read_bytes())
    target = cache_root() / "models" / f"{MISLEADING_FINETUNED_NAME}-{digest.hexdigest()[:16]}"
    if not (target / "config.json").is_file():
        _merge_into(target)
    return target


def _merge_into(target: Path) -> None:
    """Fold the adapter into the reference weights and save the model to ``target`` (written
    to a temporary folder first, so an interrupted merge leaves nothing half-written)."""
    from peft import PeftModel
    from transformers import AutoModelForImageTextToText, AutoProcessor

    source = reference_model_dir()
    base = AutoModelForImageTextToText.from_pretrained(source)
    merged = PeftModel.from_pretrained(base, str(ADAPTER_DIR)).merge_and_unload()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".merging-"))
    try:
        merged.save_pretrained(staging)
        AutoProcessor.from_pretrained(source).save_pretrained(staging)
        shutil.copy(ADAPTER_DIR / SUMMARY_FILE, staging / SUMMARY_FILE)
        try:
            staging.rename(target)
        except OSError:
            if not (target / "config.json").is_file():  # not another process's merge
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
