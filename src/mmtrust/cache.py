"""mmtrust's cache folder: what it makes once and keeps (generated images, the merged
fine-tuned reference model, the report's per-log results)."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "MMTRUST_CACHE_DIR"


def cache_root() -> Path:
    """``$MMTRUST_CACHE_DIR``, or ``~/.cache/mmtrust``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "mmtrust")
