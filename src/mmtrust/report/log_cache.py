"""What the report reads out of each complete log (its runs and examples), kept between
reports in mmtrust's cache (``$MMTRUST_CACHE_DIR/report/``).

Reading a log is what a report spends its time on: Inspect parses every sample (about 4 ms
each on these machines, most of it rebuilding the sample's event timeline), so a report over
20 models of the default suite parses some 80,000 samples. A log does not change once it is
complete, so its results are kept under a key made of the log file (path, size, modification
time) and of mmtrust's own code (every ``.py`` file of the package): a changed log or a changed
mmtrust reads the log afresh, never a stale result. A cache entry that cannot be read is read
afresh too. ``MMTRUST_REPORT_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

import mmtrust
from mmtrust.cache import cache_root

CACHE_SWITCH = "MMTRUST_REPORT_CACHE"
FORMAT = 1
"""Bumped when what an entry holds changes shape."""

T = TypeVar("T")


def cached(location: str, read: Callable[[], T]) -> T:
    """``read()``'s result for the complete log at ``location``: from the cache when the same
    log was read by the same mmtrust before, else read now and kept."""
    path = _local_path(location)
    if os.environ.get(CACHE_SWITCH) == "0" or path is None:
        return read()
    entry = _entry(path)
    try:
        with entry.open("rb") as handle:
            value: T = pickle.load(handle)
        return value
    except OSError:
        pass  # no entry yet, or a cache folder that cannot be read: a miss
    except Exception:  # a damaged entry: a miss, and it goes
        entry.unlink(missing_ok=True)
    value = read()
    _store(entry, value)
    return value


def _local_path(location: str) -> Path | None:
    """The log's file on this machine (None for a remote log: not cached)."""
    path = Path(location.removeprefix("file://"))
    return path if path.is_file() else None


def _entry(log: Path) -> Path:
    stat = log.stat()
    key = hashlib.sha256(
        f"{FORMAT}|{log.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{code_digest()}".encode()
    ).hexdigest()
    return cache_root() / "report" / f"{key}.pickle"


def _store(entry: Path, value: object) -> None:
    """Write the entry through a temporary file (no half-written entry is ever read); a cache
    that cannot be written costs only speed."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, entry)
    except OSError:
        pass


@cache
def code_digest() -> str:
    """A digest of mmtrust's Python source: results read by other code are not reused."""
    package = Path(mmtrust.__file__).parent
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        digest.update(str(source.relative_to(package)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()
