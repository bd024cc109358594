"""Find, check and load a Hugging Face image-text-to-text model for local generation.

A model name is a directory, the alias ``reference`` (the packaged reference model) or
``reference-misleading-ft`` (it fine-tuned on misleading data), or a hub id, which resolves
as the Hugging Face libraries resolve one: from the cache when it is there, downloaded when
it is not (``HF_HUB_OFFLINE=1``, ``HF_HOME`` and ``HF_TOKEN`` honoured; a
``revision`` pins a commit, branch or tag). Each failure raises an error that names the model,
what is wrong, and what to do; they derive from Inspect's ``PrerequisiteError`` so ``inspect
eval`` prints the message instead of a traceback.
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
from mmtrust.reference.misleading_finetuned import (
    MISLEADING_FINETUNED_NAME,
    misleading_finetuned_dir,
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


def resolve_model_dir(name: str, revision: str | None = None) -> Path:
    """The directory holding model ``name`` (see the module docstring for what it may be)."""
    if name == REFERENCE_MODEL_NAME:
        try:
            return reference_model_dir()
        except ReferenceModelMissingError as error:
            raise ModelNotFoundError(str(error)) from error
    if name == MISLEADING_FINETUNED_NAME:
        try:
            return misleading_finetuned_dir()
        except FileNotFoundError as error:
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
    return _checked_model_dir(hub_snapshot(name, revision))


NOT_PYTORCH_WEIGHTS = ["*.onnx", "onnx/*", "*.msgpack", "*.h5", "*.ot", "*.gguf", "original/*"]
"""Files of other frameworks a hub repository may also hold: never downloaded."""


def hub_snapshot(repo_id: str, revision: str | None = None) -> Path:
    """The local snapshot of hub model ``repo_id`` at ``revision``: the cached one, or one
    downloaded now (what ``transformers``' ``from_pretrained`` would do). Its folder name is
    the commit hash (``snapshot_commit``)."""
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        HFValidationError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    at = f" at revision '{revision}'" if revision else ""
    try:
        return Path(
            snapshot_download(repo_id, revision=revision, ignore_patterns=NOT_PYTORCH_WEIGHTS)
        )
    except GatedRepoError as error:
        raise ModelNotFoundError(
            f"'{repo_id}' is a gated model: accept its terms on the Hugging Face Hub, then give "
            "a token with access (HF_TOKEN, or `hf auth login`)."
        ) from error
    except RevisionNotFoundError as error:
        raise ModelNotFoundError(f"'{repo_id}' has no revision '{revision}' on the Hub.") from error
    except RepositoryNotFoundError as error:
        raise ModelNotFoundError(
            f"'{repo_id}' is not a model directory, and the Hugging Face Hub has no model of "
            "that id (or it is private: give a token with access, HF_TOKEN)."
        ) from error
    except LocalEntryNotFoundError as error:
        cache = constants.HF_HUB_CACHE
        if constants.HF_HUB_OFFLINE:
            raise ModelNotFoundError(
                f"'{repo_id}'{at} is not a model directory, and not in the local Hugging Face "
                f"cache ({cache}); HF_HUB_OFFLINE=1 forbids downloading it. Unset HF_HUB_OFFLINE "
                "to download it, or set HF_HOME (or HF_HUB_CACHE) to a cache that holds it."
            ) from error
        raise ModelNotFoundError(
            f"'{repo_id}'{at} is not a model directory, not in the local Hugging Face cache "
            f"({cache}), and the Hub could not be reached to download it ({error})."
        ) from error
    except HFValidationError as error:
        raise ModelNotFoundError(
            f"'{repo_id}' is neither a model directory nor a valid hub id ({error})."
        ) from error


def snapshot_commit(directory: Path) -> str | None:
    """The commit hash of a hub snapshot folder (``.../snapshots/<commit>``), else None."""
    name = directory.name
    is_hash = len(name) == 40 and all(c in "0123456789abcdef" for c in name)
    return name if is_hash and directory.parent.name == "snapshots" else None


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


def _on_cuda(device: Any, device_map: Any) -> bool:
    if device_map is not None:
        return bool(torch.cuda.is_available()) and device_map != "cpu"
    return getattr(device, "type", None) == "cuda"


def resolve_dtype(spec: str) -> Any:
    """``auto`` keeps the checkpoint's own dtype; or float32, bfloat16, float16."""
    if spec == "auto":
        return "auto"
    if spec not in DTYPES:
        raise PrerequisiteError(f"Unknown dtype '{spec}': use auto, {', '.join(DTYPES)}.")
    return DTYPES[spec]


def load_vision_language_model(
    directory: Path,
    *,
    device: Any,
    dtype: Any,
    trust_remote_code: bool,
    device_map: str | dict[str, Any] | None = None,
    attn_implementation: str | None = None,
) -> LoadedModel:
    """Load processor and model from ``directory`` onto ``device`` (or, with a
    ``device_map`` such as ``auto``, spread by accelerate over the visible GPUs), ready for
    batching. With dtype ``auto`` the checkpoint's dtype is kept; on CUDA a checkpoint that
    declares none loads in bfloat16 rather than float32."""
    config = check_image_text_to_text(directory, trust_remote_code=trust_remote_code)
    if dtype == "auto" and getattr(config, "dtype", None) is None and _on_cuda(device, device_map):
        dtype = torch.bfloat16
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
    extra: dict[str, Any] = {}
    if attn_implementation is not None:
        extra["attn_implementation"] = attn_implementation
    if device_map is not None:
        extra["device_map"] = device_map
    model = AutoModelForImageTextToText.from_pretrained(
        directory, dtype=dtype, trust_remote_code=trust_remote_code, **extra
    )
    # a sharded model stays where accelerate put it; inputs go to its first device
    model = (model if device_map is not None else model.to(device)).eval()
    return LoadedModel(
        directory=directory,
        model=model,
        processor=processor,
        tokenizer=tokenizer,
        chat_template=chat_template,
    )
