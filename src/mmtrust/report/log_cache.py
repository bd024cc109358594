"""What the report reads out of each complete log (its runs and examples), kept between
reports in mmtrust's cache (``$MMTRUST_CACHE_DIR/report/``), with its header and what the
report forms over several logs (MultiTrust's bootstrapped sub-aspects).

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


def cached(location: str, read: Callable[[], T], part: str = "results") -> T:
    """``read()``'s result for the complete log at ``location`` (``part`` names what is read
    of it: its results, its header): from the cache when the same log was read by the same
    mmtrust before, else read now and kept."""
    key = log_key(location)
    return read() if key is None else cached_value(f"{part}|{key}", read)


def cached_value(key: str, compute: Callable[[], T]) -> T:
    """``compute()``'s result kept under ``key`` (which must name everything it depends on)."""
    if os.environ.get(CACHE_SWITCH) == "0":
        return compute()
    entry = cache_root() / "report" / f"{hashlib.sha256(key.encode()).hexdigest()}.pickle"
    try:
        with entry.open("rb") as handle:
            value: T = pickle.load(handle)
        return value
    except OSError:
        pass  # no entry yet, or a cache folder that cannot be read: a miss
    except Exception:  # a damaged entry: a miss, and it goes
        entry.unlink(missing_ok=True)
    value = compute()
    _store(entry, value)
    return value


def log_key(location: str) -> str | None:
    """What identifies a log file's content and the code that reads it: its path, size and
    modification time, and mmtrust's source (None for a remote log: never cached)."""
    path = Path(location.removeprefix("file://"))
    if not path.is_file():
        return None
    stat = path.stat()
    return f"{FORMAT}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{code_digest()}"


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
