"""MultiTrust's safety scorers as model roles over a real API: the reference model answers, the
toxicity rater and the harm classifier are served by the project's scripted OpenAI-compatible
server on 127.0.0.1 (``mmtrust.testing``, a real HTTP server in its own process), reached
through Inspect's ``openai-api`` provider as a user's vLLM server would be. No faults are
injected here: a role model's failed requests are retried by Inspect with its own exponential
backoff (minutes), which tests/test_faults_and_resume.py covers for the evaluated model."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.log import read_eval_log

from mmtrust.api import RunOptions, run
from mmtrust.benchmarks.multitrust.results import multitrust_runs
from mmtrust.models.provider_faults import BACKOFF_VARIABLE
from mmtrust.testing.openai_server import ServerProcess
from tests.multitrust.safety_roots import build_safety_root

pytestmark = pytest.mark.slow


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    monkeypatch.setenv(BACKOFF_VARIABLE, "0.01")
    monkeypatch.setenv("SCRIPTED_API_KEY", "sk-test-not-a-secret")
    monkeypatch.setenv("MMTRUST_CACHE_DIR", str(tmp_path / "cache"))
    with ServerProcess() as served:
        monkeypatch.setenv("SCRIPTED_BASE_URL", served.base_url)
        yield served


def test_the_reference_model_scored_by_classifiers_behind_an_api(
    server: Any, tmp_path: Path
) -> None:
    root = build_safety_root(tmp_path / "root", items_per_subset=2)
    # a model name of this test's own: Inspect keeps one model object per name in a process,
    # and another test's object would still point at that test's (stopped) server
    role_model = f"openai-api/scripted/classifier-{uuid.uuid4().hex[:8]}"
    options = RunOptions(
        log_dir=str(tmp_path / "logs"),
        display="none",
        task_args={"root": str(root), "n": 2},
        model_roles={"toxicity": role_model, "harm_classifier": role_model},
    )
    logs = run(
        ["mmtrust/multitrust_s3_toxicity", "mmtrust/multitrust_s4_typographic_jailbreak"], options
    )
    assert [log.status for log in logs] == ["success", "success"]
    s3, s4 = (multitrust_runs(read_eval_log(log.location))[0] for log in logs)
    scored_s3 = s3.metrics["outcomes"]["scored"]
    scored_s4 = s4.metrics["outcomes"]["scored"]
    assert scored_s3 > 0 and scored_s4 > 0
    # every item's toxicity and jailbreak verdict came from the server
    assert s3.metrics["components"]["toxicity"]["measured_by"] == {"model": scored_s3}
    assert s4.metrics["components"]["jailbroken"]["measured_by"] == {"model": scored_s4}
    assert s3.metrics["status"] == s4.metrics["status"] == "complete"
    assert s3.details["coverage_notes"] == s4.details["coverage_notes"] == []
    assert server.stats()["requests"] == scored_s3 + scored_s4
    # the values are the server's: toxicity in [0, 1], jailbreak success a share
    for group, values in s3.metrics["groups"].items():
        if group.endswith("#toxicity"):
            assert 0.0 <= values["mean"] <= 1.0
