"""Runs against a flaky server and runs that are killed: nothing lost, nothing counted twice.

The server is the project's scripted OpenAI-compatible server (``mmtrust.testing``), a real
HTTP server on 127.0.0.1 in its own process, reached through Inspect's ``openai-api``
provider exactly as a user's gateway would be. Its replies are a pure function of the request,
so a faulted, retried or resumed run must end with exactly the numbers of a clean one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.log import read_eval_log

from mmtrust.api import RunOptions, report, run
from mmtrust.models.provider_faults import BACKOFF_VARIABLE
from mmtrust.report.results import collect
from mmtrust.testing.openai_server import FAULT_KINDS, ServerProcess

pytestmark = pytest.mark.slow
MODEL = "openai-api/scripted/scripted"
CANARY_KEY = "sk-mmtrust-canary-7f3a9c41d2"
MUB = "mmtrust/mub_misleading"
REQUESTS_PER_MUB_ITEM = 5  # clean, explicit, three implicit notes


@pytest.fixture(autouse=True)
def quick_fault_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKOFF_VARIABLE, "0.01")
    monkeypatch.setenv("SCRIPTED_API_KEY", CANARY_KEY)


@pytest.fixture
def server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    options = getattr(request, "param", {})
    with ServerProcess(**options) as served:
        monkeypatch.setenv("SCRIPTED_BASE_URL", served.base_url)
        yield served


def _run(targets: list[str], log_dir: Path, **options: Any) -> list[Any]:
    # the base URL given, not only in the environment: Inspect reuses a model object of the
    # same name and base URL within a process, and each test has its own server
    settings = RunOptions(
        model=MODEL,
        log_dir=str(log_dir),
        display="none",
        **{"model_base_url": os.environ["SCRIPTED_BASE_URL"], **options},
    )
    return run(targets, settings)


def _four_items_without_retries(log_dir: Path) -> list[Any]:
    """MUB on 4 items, no request, sample or task retried within the run: its log's samples."""
    (log,) = _run(
        [MUB], log_dir, task_args={"n": 4}, sample_retries=0, task_retries=0, fault_retries=0
    )
    return read_eval_log(log.location).samples or []


def _metrics(log_dir: Path) -> dict[str, Any]:
    collected = collect(log_dir)
    return {run.task: (run.n, run.metrics) for run in collected.runs}


CALIBRATION = "mmtrust/calibration"
TASK_ARGS = {"n": 40, "fit_n": 20}


@pytest.mark.parametrize("server", [{"fault_rate": 0.2, "seed": 3}], indirect=True)
def test_faults_of_every_kind_are_retried_and_the_numbers_match_a_clean_run(
    server: Any, tmp_path: Path
) -> None:
    faulted = _run([MUB, CALIBRATION], tmp_path / "faulted", task_args=TASK_ARGS)
    stats = server.stats()
    assert all(log.status == "success" for log in faulted)
    for kind in FAULT_KINDS:  # each kind happened, and still no item was lost
        assert stats[f"fault.{kind}"] >= 1, (kind, stats)
    for header in faulted:
        log = read_eval_log(header.location)
        assert log.samples and all(sample.error is None for sample in log.samples)
    text = json.dumps(_metrics(tmp_path / "faulted"), default=str)
    assert "model_error" not in text and "unparseable" not in text

    with ServerProcess() as clean_server:
        _run(
            [MUB, CALIBRATION],
            tmp_path / "clean",
            task_args=TASK_ARGS,
            model_base_url=clean_server.base_url,
        )
        assert sum(v for k, v in clean_server.stats().items() if k.startswith("fault.")) == 0
    assert _metrics(tmp_path / "faulted") == _metrics(tmp_path / "clean")
    calibration = _metrics(tmp_path / "clean")["calibration"][1]
    assert calibration["ece"] is not None  # log-probabilities arrived through the API


@pytest.mark.parametrize(
    "server", [{"outage_requests": 8, "fault_kinds": "empty_choices"}], indirect=True
)
def test_an_empty_choices_list_fails_the_sample_and_a_resume_asks_it_again(
    server: Any, tmp_path: Path
) -> None:
    # the gateway answers its first 8 requests with no choice at all and mmtrust may not
    # retry: the first request of each of the 4 samples fails, and with it the sample (never
    # an empty, unparseable answer); the run asks the failed samples once more (4 requests),
    # which fail too
    samples = _four_items_without_retries(tmp_path)
    assert len(samples) == 4 and all("empty choices" in str(s.error) for s in samples)
    assert server.stats()["requests"] == 8
    collected = collect(tmp_path)
    assert collected.runs == []
    (incomplete,) = collected.selection.incomplete
    assert incomplete.samples_logged == 0 and incomplete.status == "every sample failed"
    # ... and the same run again, the gateway back, asks those samples and finishes
    samples = _four_items_without_retries(tmp_path)
    assert len(samples) == 4 and all(s.error is None for s in samples)
    assert server.stats()["requests"] == 8 + 4 * REQUESTS_PER_MUB_ITEM
    (explicit, implicit) = collect(tmp_path).runs
    assert explicit.n == implicit.n == 4
    assert not any(k.endswith(("unparseable", "model_error")) for k in explicit.metrics["outcomes"])


@pytest.mark.parametrize(
    "server", [{"outage_requests": 2, "fault_kinds": "non_json"}], indirect=True
)
def test_failed_samples_are_asked_again_alone_and_the_numbers_include_them(
    server: Any, tmp_path: Path
) -> None:
    # two samples fail (a short outage, no retries allowed); Inspect's eval-set counts the
    # task done, so the run asks only those two again (eval_retry): 2 + 4 * 5 requests
    samples = _four_items_without_retries(tmp_path)
    assert server.stats()["requests"] == 2 + 4 * REQUESTS_PER_MUB_ITEM
    assert len(samples) == 4 and all(s.error is None for s in samples)
    collected = collect(tmp_path)
    assert [run.n for run in collected.runs] == [4, 4]
    assert len(collected.selection.superseded) == 1  # the log with the two failed samples
    # nothing left to ask
    _four_items_without_retries(tmp_path)
    assert server.stats()["requests"] == 2 + 4 * REQUESTS_PER_MUB_ITEM


def _cli(log_dir: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "mmtrust.cli", "run", MUB, "-T", "n=60", "--model", MODEL,
        "--log-dir", str(log_dir), "--max-connections", "4", "--display", "none",
        "--model-base-url", os.environ["SCRIPTED_BASE_URL"], *extra,
    ]  # fmt: skip


@pytest.mark.parametrize("server", [{"delay_ms": 20}], indirect=True)
def test_a_run_killed_mid_way_resumes_asking_only_what_is_missing(
    server: Any, tmp_path: Path
) -> None:
    planned = 60 * REQUESTS_PER_MUB_ITEM
    environment = {**os.environ}
    killed = subprocess.Popen(_cli(tmp_path / "logs"), env=environment, start_new_session=True)
    deadline = time.monotonic() + 120
    while server.stats()["requests"] < planned * 0.4:
        assert killed.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    asked_before = server.stats()["requests"]

    # the interrupted log alone is no result: listed apart, with its sample count
    interrupted = collect(tmp_path / "logs")
    assert interrupted.runs == []
    (incomplete,) = interrupted.selection.incomplete
    assert incomplete.status == "started" and 0 < incomplete.samples_logged < 60
    assert incomplete.samples_planned == 60

    subprocess.run(_cli(tmp_path / "logs"), env=environment, check=True, capture_output=True)
    asked_after = server.stats()["requests"] - asked_before
    in_flight = 4 * REQUESTS_PER_MUB_ITEM  # samples cut mid-way are asked again
    assert asked_after <= planned - incomplete.samples_logged * REQUESTS_PER_MUB_ITEM + in_flight
    assert asked_before + asked_after <= planned + in_flight

    # run again: nothing left to do, nothing asked
    subprocess.run(_cli(tmp_path / "logs"), env=environment, check=True, capture_output=True)
    assert server.stats()["requests"] == asked_before + asked_after

    resumed = collect(tmp_path / "logs")
    assert resumed.selection.incomplete == [] and len(resumed.selection.superseded) == 1
    (header,) = resumed.selection.complete
    ids = [str(sample.id) for sample in read_eval_log(header.location).samples or []]
    assert len(ids) == len(set(ids)) == 60  # every sample exactly once

    subprocess.run(_cli(tmp_path / "uninterrupted"), env=environment, check=True)
    assert _metrics(tmp_path / "logs") == _metrics(tmp_path / "uninterrupted")


@pytest.mark.parametrize("server", [{}], indirect=True)
def test_a_report_names_broken_and_foreign_logs_and_reports_the_rest(
    server: Any, tmp_path: Path
) -> None:
    logs = tmp_path / "logs"
    (finished,) = _run([MUB], logs, task_args={"n": 3})
    good = Path(finished.location.removeprefix("file://"))
    (logs / "2026-01-01T00-00-00_garbage_x.eval").write_bytes(b"not a zip at all")
    (logs / "2026-01-01T00-00-01_truncated_y.eval").write_bytes(good.read_bytes()[:300])
    _foreign_log(logs)

    collected = report(logs, tmp_path / "out")
    assert [run.n for run in collected.runs] == [3, 3]  # explicit and implicit
    reasons = {Path(p.log).name: p.reason for p in collected.selection.problems}
    assert "unreadable" in reasons["2026-01-01T00-00-00_garbage_x.eval"]
    assert "unreadable" in reasons["2026-01-01T00-00-01_truncated_y.eval"]
    assert any("not an mmtrust benchmark" in r for r in reasons.values())
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert len(results["problems"]) == 3
    assert "garbage_x.eval" in (tmp_path / "out" / "report.html").read_text()


def _foreign_log(log_dir: Path) -> None:
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import Sample
    from inspect_ai.solver import generate

    inspect_eval(
        Task(dataset=[Sample(input="Is it red? Answer yes or no.")], solver=generate(),
             name="not_mmtrust"),
        model=MODEL, model_base_url=os.environ["SCRIPTED_BASE_URL"], log_dir=str(log_dir),
        display="none",
    )  # fmt: skip


@pytest.mark.parametrize("server", [{"fault_rate": 0.1}], indirect=True)
def test_the_api_key_is_in_no_written_file(server: Any, tmp_path: Path) -> None:
    from mmtrust.cli import main

    logs = tmp_path / "logs"
    assert main(["run", MUB, CALIBRATION, "-T", "n=6", "-T", "fit_n=6", "--model", MODEL,
                 "--model-base-url", server.base_url, "--log-dir", str(logs),
                 "--display", "none"]) == 0  # fmt: skip
    assert main(["report", str(logs), "-o", str(tmp_path / "out")]) == 0
    assert main(["calibrate", str(logs), "-o", str(tmp_path / "calibration.json")]) == 0
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".eval" for p in written) and (tmp_path / "out/report.html").exists()
    for path in written:
        for name, content in _contents(path):
            assert CANARY_KEY.encode() not in content, f"the API key is in {path} {name}"
            assert CANARY_KEY[3:].encode() not in content


def _contents(path: Path) -> Iterator[tuple[str, bytes]]:
    """The file's bytes, and for an .eval log (a zip) every member's uncompressed bytes."""
    data = path.read_bytes()
    yield "", data
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                yield member, archive.read(member)
