"""Hub ids resolve as the Hugging Face libraries resolve them: cache, revision, download.

The cache is laid out by the test in huggingface_hub's own layout (``models--org--name`` with
``snapshots/<commit>`` and ``refs/<branch or tag>``), holding a real tiny LLaVA. The download
path talks to a local HTTP server standing in for the Hub (nothing outside this machine can be
reached), which records what it was asked.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from huggingface_hub import constants

from mmtrust.api import pinned_model_args
from mmtrust.models.loading import ModelNotFoundError, resolve_model_dir, snapshot_commit
from mmtrust.models.local_vlm import LocalVisionLanguageAPI
from tests.models.test_local_vlm import generate_all, image_question, load

MAIN = "a" * 40
TAGGED = "b" * 40


@pytest.fixture
def hub_cache(
    tiny_llava_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A cache holding tiny-org/tiny-llava at two commits: main, and tag v1."""
    repo = tmp_path / "models--tiny-org--tiny-llava"
    for commit in (MAIN, TAGGED):
        shutil.copytree(tiny_llava_dir, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(MAIN)
    (repo / "refs" / "v1").write_text(TAGGED)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    yield repo


def test_a_hub_id_resolves_from_the_cache_by_branch_tag_or_commit(hub_cache: Path) -> None:
    assert resolve_model_dir("tiny-org/tiny-llava") == hub_cache / "snapshots" / MAIN
    assert resolve_model_dir("tiny-org/tiny-llava", "v1") == hub_cache / "snapshots" / TAGGED
    assert resolve_model_dir("tiny-org/tiny-llava", TAGGED) == hub_cache / "snapshots" / TAGGED
    assert snapshot_commit(hub_cache / "snapshots" / TAGGED) == TAGGED
    assert snapshot_commit(hub_cache) is None
    model = load("tiny-org/tiny-llava", max_tokens=2, revision="v1")
    assert isinstance(model.api, LocalVisionLanguageAPI)
    assert model.api.commit == TAGGED
    assert asyncio.run(model.generate(image_question("red"))).usage is not None
    # mmtrust run pins the revision to the commit, so the log names the exact weights
    assert pinned_model_args("hf-vlm/tiny-org/tiny-llava", {"revision": "v1"}) == {
        "revision": TAGGED
    }
    assert pinned_model_args("hf-vlm/tiny-org/tiny-llava", {}) == {"revision": MAIN}
    assert pinned_model_args("openai/gpt-4o", {}) == {}


def test_offline_and_not_cached_says_what_to_set(hub_cache: Path) -> None:
    assert constants.HF_HUB_OFFLINE  # the test session is offline (conftest)
    with pytest.raises(ModelNotFoundError) as raised:
        resolve_model_dir("tiny-org/absent")
    message = str(raised.value)
    assert "HF_HUB_OFFLINE=1" in message and str(hub_cache.parent) in message
    assert "HF_HOME" in message
    with pytest.raises(ModelNotFoundError, match="at revision 'v2'"):
        resolve_model_dir("tiny-org/tiny-llava", "v2")


class _Hub(BaseHTTPRequestHandler):
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        body = b'{"error": "Repository not found"}'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Error-Code", "RepoNotFound")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Hub.asked = []
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    yield _Hub.asked
    server.shutdown()


def test_online_a_missing_model_is_downloaded_from_the_hub(
    hub_cache: Path, local_hub: list[str]
) -> None:
    with pytest.raises(ModelNotFoundError, match="the Hugging Face Hub has no model of that id"):
        resolve_model_dir("tiny-org/absent")
    assert any("tiny-org/absent" in path for path in local_hub)  # asked the Hub, not the cache


def test_device_map_auto_shards_over_what_is_visible_and_batching_works(
    tiny_llava_dir: Path,
) -> None:
    # on this CPU-only machine accelerate places everything on the CPU: the same code path
    # (no .to(device), inputs to the model's first device) as over several GPUs
    sharded = load(tiny_llava_dir, device_map="auto", attn_implementation="eager")
    plain = load(tiny_llava_dir)
    inputs = [image_question(colour) for colour in ("red", "green", "blue", "yellow")]
    assert [o.completion for o in generate_all(sharded, inputs)] == [
        o.completion for o in generate_all(plain, inputs)
    ]
    assert isinstance(sharded.api, LocalVisionLanguageAPI)
    assert sharded.api.batch_statistics.largest_batch == 4
    assert sharded.api.loaded.model.config._attn_implementation == "eager"
