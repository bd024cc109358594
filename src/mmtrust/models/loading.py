"""Find, check and load a Hugging Face image-text-to-text model for local generation.

Everything loads from disk: a model name is a directory, the alias ``reference`` (the
packaged reference model), or a hub id already in the local Hugging Face cache. Nothing is
downloaded. Each failure raises an error that names the model, what is wrong, and what to
do; they derive from Inspect's ``PrerequisiteError`` so ``inspect eval`` prints the message
instead of a traceback.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from inspect_ai._util.error import PrerequisiteError
from transformers import AutoConfig, AutoModelForImageTextToText, AutoProcessor
from transformers.models.auto.modeling_auto import MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING

import mmtrust.models.processors  # noqa: F401  (registers processors before any load)
from mmtrust.reference import (
    REFERENCE_MODEL_NAME,
    ReferenceModelMissingError,
    reference_model_dir,
)

DTYPES: dict[str, Any] = {
    "float32": torch.float32,
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
}


class ModelLoadError(PrerequisiteError):
    """A model cannot be loaded; the message says why and what to do."""

    def __str__(self) -> str:
        # PrerequisiteError keeps the message in .message; OSError subclasses would
        # otherwise print an empty string, since their own __init__ never ran.
        return str(self.message)


class ModelNotFoundError(ModelLoadError, FileNotFoundError):
    """The model name is neither a model directory, the reference alias, nor cached."""


class UnsupportedModelError(ModelLoadError, ValueError):
    """The model exists but cannot be served as an image-text-to-text model."""


@dataclass
class LoadedModel:
    """A model ready to generate, with the processor that prepares its inputs."""

    directory: Path
    model: Any
    processor: Any
    tokenizer: Any
    chat_template: str
    tokenizer_lock: threading.Lock = field(default_factory=threading.Lock)
    """Held while encoding: a fast tokenizer switches padding on and off around a batched
    encode, and Rust refuses ("Already borrowed") an encode from another thread meanwhile."""

    @property
    def device(self) -> Any:
        return self.model.device


def resolve_model_dir(name: str) -> Path:
    """The directory holding model ``name`` (see the module docstring for what it may be)."""
    if name == REFERENCE_MODEL_NAME:
        try:
            return reference_model_dir()
        except ReferenceModelMissingError as error:
            raise ModelNotFoundError(str(error)) from error
    path = Path(name).expanduser()
    if path.is_dir():
        return _checked_model_dir(path)
    if path.exists():
        raise ModelNotFoundError(f"{path} is a file; a model is a directory with config.json.")
    if name.startswith(("/", "./", "../", "~")) or name.count("/") > 1:
        raise ModelNotFoundError(
            f"No model directory at {path}. Pass the directory written by save_pretrained "
            "(it holds config.json and the weights)."
        )
    return _checked_model_dir(_cached_hub_snapshot(name))


def _cached_hub_snapshot(repo_id: str) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.constants import HF_HUB_CACHE

    try:
        return Path(snapshot_download(repo_id, local_files_only=True))
    except Exception as error:  # not cached, or an invalid repo id
        raise ModelNotFoundError(
            f"'{repo_id}' is not a model directory, and not a model in the local Hugging Face "
            f"cache ({HF_HUB_CACHE}); models are never downloaded here. Pass a local directory, "
            f"or download the model first where there is network access ({error})."
        ) from error


def _checked_model_dir(path: Path) -> Path:
    if not (path / "config.json").is_file():
        raise ModelNotFoundError(
            f"{path} has no config.json: it is not a saved Hugging Face model directory."
        )
    return path


def check_image_text_to_text(directory: Path, *, trust_remote_code: bool) -> Any:
    """Load the model config, and check ``AutoModelForImageTextToText`` can build it."""
    model_type = _declared_model_type(directory)
    try:
        config = AutoConfig.from_pretrained(directory, trust_remote_code=trust_remote_code)
    except (ValueError, KeyError) as error:
        raise UnsupportedModelError(
            f"{directory}: model_type '{model_type}' is unknown to transformers "
            f"{_transformers_version()} ({error}). Use a checkpoint of an architecture that "
            "transformers supports, or pass -M trust_remote_code=true if the model ships "
            "its own code and you trust it."
        ) from error
    auto_map = getattr(config, "auto_map", None) or {}
    if type(config) in MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING or (
        trust_remote_code and "AutoModelForImageTextToText" in auto_map
    ):
        return config
    raise UnsupportedModelError(
        f"{directory}: model_type '{model_type}' is not an image-text-to-text architecture "
        "(AutoModelForImageTextToText cannot load it). The hf-vlm provider serves "
        "vision-language models such as LLaVA, Qwen2-VL or Idefics; for a text-only model "
        f"use Inspect's own provider: --model hf/{directory}."
    )


def _declared_model_type(directory: Path) -> str:
    try:
        declared = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UnsupportedModelError(f"{directory}/config.json is unreadable: {error}") from error
    return str(declared.get("model_type", "<none>"))


def _transformers_version() -> str:
    import transformers

    return str(transformers.__version__)


def resolve_device(spec: str) -> Any:
    """``auto`` (CUDA when available, else CPU), ``cpu``, ``cuda`` or ``cuda:N``."""
    if spec == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if spec == "cpu":
        return torch.device("cpu")
    if spec == "cuda" or spec.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise PrerequisiteError(
                f"device='{spec}' was requested but CUDA is not available to torch "
                f"{torch.__version__}; use device=cpu (or auto)."
            )
        device = torch.device(spec)
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise PrerequisiteError(
                f"device='{spec}' does not exist: {torch.cuda.device_count()} CUDA device(s)."
            )
        return device
    raise PrerequisiteError(f"Unknown device '{spec}': use auto, cpu, cuda or cuda:N.")


def resolve_dtype(spec: str) -> Any:
    """``auto`` keeps the checkpoint's own dtype; or float32, bfloat16, float16."""
    if spec == "auto":
        return "auto"
    if spec not in DTYPES:
        raise PrerequisiteError(f"Unknown dtype '{spec}': use auto, {', '.join(DTYPES)}.")
    return DTYPES[spec]


def load_vision_language_model(
    directory: Path, *, device: Any, dtype: Any, trust_remote_code: bool
) -> LoadedModel:
    """Load processor and model from ``directory`` onto ``device``, ready for batching."""
    check_image_text_to_text(directory, trust_remote_code=trust_remote_code)
    processor = AutoProcessor.from_pretrained(directory, trust_remote_code=trust_remote_code)
    if not hasattr(processor, "image_processor") or not hasattr(processor, "tokenizer"):
        raise UnsupportedModelError(
            f"{directory}: AutoProcessor returned a {type(processor).__name__}, not a processor "
            "with an image processor and a tokenizer. Its processor class may be one this "
            "process has not registered, or one that needs torchvision (video processors)."
        )
    tokenizer = processor.tokenizer
    # Batched generation appends new tokens on the right, so prompts must end aligned.
    tokenizer.padding_side = "left"
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    chat_template = processor.chat_template or tokenizer.chat_template
    if not chat_template:
        raise UnsupportedModelError(
            f"{directory}: neither the processor nor the tokenizer has a chat template, so "
            "there is no way to turn messages into a prompt. Save one with the processor."
        )
    model = AutoModelForImageTextToText.from_pretrained(
        directory, dtype=dtype, trust_remote_code=trust_remote_code
    )
    model = model.to(device).eval()
    return LoadedModel(
        directory=directory,
        model=model,
        processor=processor,
        tokenizer=tokenizer,
        chat_template=chat_template,
    )
