"""Tiny models of real architectures, built once per test session, offline."""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterator
from pathlib import Path

# Before anything imports huggingface_hub, which reads the setting once, at import.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pytest
import torch
from PIL import Image
from transformers import PreTrainedTokenizerFast

from mmtrust.models.tiny import (
    build_tiny_llava,
    build_tiny_qwen2_vl,
    train_chat_tokenizer,
)

TOKENIZER_CORPUS = [
    f"{question} The {shape} is {colour}."
    for question in ("What colour is the shape?", "Which shape is shown?", "Is it red?")
    for shape in ("square", "circle", "triangle", "star")
    for colour in ("red", "green", "blue", "yellow")
] + ["Yes.", "No.", "I do not know.", "Answer with one word.", "You are a careful assistant."]


def png_data_uri(colour: str | tuple[int, int, int], size: int = 32) -> str:
    """A solid-colour PNG as a data URI, as Inspect hands images to a provider."""
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


SUBPROCESS_ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
"""For child processes (servers, fresh interpreters): offline, one thread each."""


@pytest.fixture(autouse=True)
def one_torch_thread() -> Iterator[None]:
    """Run each test's torch on one thread, then restore the previous setting.

    Tiny models gain nothing from more, and with pytest-xdist workers and a server sharing
    two cores, extra OpenMP threads only spin against each other (tests ran 3x slower).
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def tiny_tokenizer() -> PreTrainedTokenizerFast:
    return train_chat_tokenizer(TOKENIZER_CORPUS, vocab_size=400)


@pytest.fixture(scope="session")
def tiny_llava_dir(
    tmp_path_factory: pytest.TempPathFactory, tiny_tokenizer: PreTrainedTokenizerFast
) -> Path:
    return build_tiny_llava(tmp_path_factory.mktemp("tiny-llava"), tokenizer=tiny_tokenizer)


@pytest.fixture(scope="session")
def tiny_qwen2_vl_dir(
    tmp_path_factory: pytest.TempPathFactory, tiny_tokenizer: PreTrainedTokenizerFast
) -> Path:
    return build_tiny_qwen2_vl(tmp_path_factory.mktemp("tiny-qwen2-vl"), tokenizer=tiny_tokenizer)


@pytest.fixture(scope="session", params=["llava", "qwen2_vl"])
def tiny_vlm_dir(request: pytest.FixtureRequest) -> Path:
    """Each tiny architecture in turn."""
    fixture = "tiny_llava_dir" if request.param == "llava" else "tiny_qwen2_vl_dir"
    directory: Path = request.getfixturevalue(fixture)
    return directory
