"""The report's per-log cache (``mmtrust.report.log_cache``): a complete log is read once, and
read afresh whenever the log, mmtrust's code or the entry itself changes; a report from the
cache is the report from the logs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset

from mmtrust.benchmarks.mub.tasks import mub_misleading
from mmtrust.cache import CACHE_ENV
from mmtrust.datasets.schema import ItemMetadata, make_sample
from mmtrust.report import log_cache
from mmtrust.report.log_cache import CACHE_SWITCH, cached
from mmtrust.report.results import collect
from tests.mub.replies import mub_reply
from tests.reply_rules import ReplyRules


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(CACHE_SWITCH, raising=False)
    return tmp_path / "cache"


class Reader:
    """Counts how often the cache had to read the log."""

    def __init__(self, value: object) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def _log(tmp_path: Path) -> Path:
    path = tmp_path / "a.eval"
    path.write_bytes(b"a log")
    return path


def test_a_log_is_read_once(tmp_path: Path) -> None:
    log, reader = _log(tmp_path), Reader({"runs": [1, 2]})
    assert cached(str(log), reader) == {"runs": [1, 2]}
    assert cached(f"file://{log}", reader) == {"runs": [1, 2]}
    assert reader.calls == 1


def test_a_changed_log_is_read_again(tmp_path: Path) -> None:
    log, reader = _log(tmp_path), Reader("first")
    cached(str(log), reader)
    log.write_bytes(b"a longer log")
    reader.value = "second"
    assert cached(str(log), reader) == "second" and reader.calls == 2


def test_changed_code_reads_the_log_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log, reader = _log(tmp_path), Reader("old code")
    cached(str(log), reader)
    monkeypatch.setattr(log_cache, "code_digest", lambda: "other code")
    reader.value = "new code"
    assert cached(str(log), reader) == "new code" and reader.calls == 2


def test_a_damaged_entry_is_only_a_miss(tmp_path: Path, own_cache: Path) -> None:
    log, reader = _log(tmp_path), Reader("value")
    cached(str(log), reader)
    (entry,) = (own_cache / "report").glob("*.pickle")
    entry.write_bytes(b"\x80\x05 not a pickle")
    assert cached(str(log), reader) == "value" and reader.calls == 2
    assert cached(str(log), reader) == "value" and reader.calls == 2  # written again


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_SWITCH, "0")
    log, reader = _log(tmp_path), Reader("value")
    cached(str(log), reader)
    cached(str(log), reader)
    assert reader.calls == 2


def test_an_unwritable_cache_costs_only_speed(tmp_path: Path, own_cache: Path) -> None:
    own_cache.parent.mkdir(exist_ok=True)
    own_cache.write_text("a file where the folder should be")
    log, reader = _log(tmp_path), Reader("value")
    assert cached(str(log), reader) == "value"
    assert cached(str(log), reader) == "value" and reader.calls == 2


def test_a_report_from_the_cache_is_the_report_from_the_logs(tmp_path: Path) -> None:
    items = [
        ItemMetadata(
            source="test",
            item_id=f"i{k}",
            question=f"What colour is thing {k}?",
            question_type="mc",
            answer="A",
            options={"A": "red", "B": "blue", "C": "green", "D": "black"},
            extra={"notes_to_false": ["It looks blue."], "notes_to_true": ["It is red."]},
        )
        for k in range(4)
    ]
    task = mub_misleading(notes_per_item=1, note_source="dataset")
    task.dataset = MemoryDataset([make_sample(item, None) for item in items])
    inspect_eval(
        task, model=ReplyRules(mub_reply).model, log_dir=str(tmp_path / "logs"), display="none"
    )

    def document() -> tuple[str, list[object]]:
        collected = collect(tmp_path / "logs")
        runs = json.dumps([run.as_dict() for run in collected.runs], default=str)
        return runs, [vars(example) for example in collected.examples]

    read = document()
    assert list((tmp_path / "cache" / "report").glob("*.pickle"))
    assert document() == read
    os.environ[CACHE_SWITCH] = "0"
    try:
        assert document() == read
    finally:
        del os.environ[CACHE_SWITCH]
