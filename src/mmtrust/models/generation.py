"""Generate a batch of vision-language prompts with one ``model.generate`` call.

:class:`BatchGenerator` is the blocking function the micro-batcher runs in its worker
thread. It prepares each request (images decoded, chat template applied through the
processor), generates for the whole batch with left padding, and turns each row back into
a :class:`GenerationResult`: text cut at the first stop sequence, stop reason, token counts
and, when asked, per-token log-probabilities.

Log-probabilities come from the raw logits (before temperature, top-p or top-k), as
OpenAI-style APIs report them: the log-softmax over the whole vocabulary at each step.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import torch
from inspect_ai.model import GenerateConfig, Logprob, TopLogprob
from transformers import StopStringCriteria

from mmtrust.models.conversation import VisionPrompt, decode_image
from mmtrust.models.image_cache import DEFAULT_MAX_BYTES, CachingImageProcessor, PreparedImages
from mmtrust.models.loading import LoadedModel

StopReason = Literal["stop", "max_tokens"]


@dataclass(frozen=True)
class GenerationSettings:
    """How to generate; requests share a batch only when these are equal.

    Normalised so that settings which generate identically compare equal: under greedy
    decoding temperature, top-p, top-k and seed play no part and are dropped.
    """

    max_new_tokens: int
    do_sample: bool = False
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    seed: int | None = None
    stop_seqs: tuple[str, ...] = ()
    logprobs: bool = False
    top_logprobs: int = 0

    @classmethod
    def from_config(cls, config: GenerateConfig, default_max_tokens: int) -> GenerationSettings:
        top_logprobs = config.top_logprobs or 0
        common: dict[str, Any] = {
            "max_new_tokens": config.max_tokens or default_max_tokens,
            "stop_seqs": tuple(config.stop_seqs or ()),
            # Asking for alternatives implies asking for log-probabilities.
            "logprobs": bool(config.logprobs) or top_logprobs > 0,
            "top_logprobs": top_logprobs,
        }
        if not config.temperature:  # None or 0: greedy
            return cls(**common)
        return cls(
            do_sample=True,
            temperature=config.temperature,
            top_p=config.top_p,
            top_k=config.top_k,
            seed=config.seed,
            **common,
        )

    def generate_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "do_sample": False}
        if self.do_sample:
            kwargs.update(
                do_sample=True,
                temperature=self.temperature,
                # Explicit neutral values: otherwise the model's generation_config defaults
                # (often top_k=50) would silently narrow sampling.
                top_p=self.top_p if self.top_p is not None else 1.0,
                top_k=self.top_k if self.top_k is not None else 0,
            )
        return kwargs


@dataclass(frozen=True)
class BatchKey:
    """Requests with equal keys can share a batch."""

    settings: GenerationSettings
    # Kept apart because some processors cannot mix rows with and without images.
    with_images: bool


@dataclass(frozen=True)
class _PreparedRequest:
    index: int
    conversation: list[dict[str, Any]]
    """Processor conversation with the decoded images inlined."""
    prompt: str
    """The rendered prompt text, for the log."""


@dataclass
class GenerationResult:
    """One request's outcome."""

    text: str
    stop_reason: StopReason
    input_tokens: int
    output_tokens: int
    logprobs: list[Logprob] | None
    prompt: str
    batch_size: int
    seconds: float
    generate_kwargs: dict[str, Any] = field(default_factory=dict)


class BatchGenerator:
    """Runs one batch on a loaded model (blocking; called in the batcher's worker thread)."""

    def __init__(self, loaded: LoadedModel, image_cache_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.loaded = loaded
        self.images: PreparedImages | None = None
        if image_cache_bytes > 0:
            self.images = PreparedImages(image_cache_bytes)
            processor = loaded.processor
            inner = getattr(processor, "image_processor", None)
            if inner is not None and not isinstance(inner, CachingImageProcessor):
                processor.image_processor = CachingImageProcessor(inner, self.images)
        eos = loaded.model.generation_config.eos_token_id
        if eos is None:
            eos = loaded.tokenizer.eos_token_id
        self._eos_ids: set[int] = set(eos if isinstance(eos, list) else [eos])

    def __call__(
        self, key: BatchKey, prompts: list[VisionPrompt]
    ) -> Sequence[GenerationResult | BaseException]:
        outcomes: dict[int, GenerationResult | BaseException] = {}
        prepared: list[_PreparedRequest] = []
        for index, prompt in enumerate(prompts):
            try:
                prepared.append(self._prepare(index, prompt))
            except Exception as error:  # this request alone fails (e.g. a corrupt image)
                outcomes[index] = error
        try:
            inputs = self._tokenize(prepared) if prepared else None
        except Exception:
            # Something in the batch upset the processor (say, an image too small for its
            # patch size): find out which requests, fail them alone, and batch the rest.
            usable = []
            for request in prepared:
                try:
                    self._tokenize([request])
                    usable.append(request)
                except Exception as error:
                    outcomes[request.index] = error
            prepared = usable
            inputs = self._tokenize(prepared) if prepared else None
        if inputs is not None:
            results = self._generate(key.settings, prepared, inputs)
            outcomes.update(zip((request.index for request in prepared), results, strict=True))
        return [outcomes[index] for index in range(len(prompts))]

    def _prepare(self, index: int, prompt: VisionPrompt) -> _PreparedRequest:
        """Decode the request's images into its conversation, and render its prompt text."""
        images = iter([decode_image(reference, self.images) for reference in prompt.images])
        conversation = [
            {
                "role": message["role"],
                "content": [
                    {"type": "image", "image": next(images)} if part["type"] == "image" else part
                    for part in message["content"]
                ],
            }
            for message in prompt.conversation
        ]
        rendered = self.loaded.processor.apply_chat_template(
            prompt.conversation,
            chat_template=self.loaded.chat_template,
            add_generation_prompt=True,
            tokenize=False,
        )
        return _PreparedRequest(index=index, conversation=conversation, prompt=str(rendered))

    def _tokenize(self, requests: list[_PreparedRequest]) -> Any:
        """Model inputs for ``requests``, left-padded, on the model's device and dtype."""
        loaded = self.loaded
        with loaded.tokenizer_lock:
            inputs = loaded.processor.apply_chat_template(
                [request.conversation for request in requests],
                chat_template=loaded.chat_template,
                add_generation_prompt=True,
                tokenize=True,
                return_dict=True,
                return_tensors="pt",
                # User text that spells a control token (say "<image>") stays plain text.
                sanitize_control_tokens=True,
                processor_kwargs={"padding": True},
            )
        # Floating tensors (pixel values) also take the model's dtype; ids stay integers.
        return inputs.to(loaded.device).to(loaded.model.dtype)

    def _generate(
        self, settings: GenerationSettings, requests: list[_PreparedRequest], inputs: Any
    ) -> list[GenerationResult]:
        loaded = self.loaded
        started = time.monotonic()
        kwargs = settings.generate_kwargs()
        extra: dict[str, Any] = {}
        if settings.stop_seqs:
            extra["stopping_criteria"] = [
                StopStringCriteria(
                    tokenizer=loaded.tokenizer, stop_strings=list(settings.stop_seqs)
                )
            ]
        with torch.inference_mode(), _seeded_rng(settings.seed, loaded.device):
            output = loaded.model.generate(
                **inputs,
                **kwargs,
                **extra,
                pad_token_id=loaded.tokenizer.pad_token_id,
                return_dict_in_generate=True,
                output_logits=settings.logprobs,
            )
        prompt_length = inputs["input_ids"].shape[1]
        generated = output.sequences[:, prompt_length:].tolist()
        input_tokens = inputs["attention_mask"].sum(dim=1).tolist()
        scores = (
            _token_scores(output.logits, output.sequences[:, prompt_length:], settings.top_logprobs)
            if settings.logprobs
            else None
        )
        seconds = time.monotonic() - started
        results = []
        for row, request in enumerate(requests):
            text, reason, kept, output_tokens = self._finish(generated[row], settings)
            results.append(
                GenerationResult(
                    text=text,
                    stop_reason=reason,
                    input_tokens=int(input_tokens[row]),
                    output_tokens=output_tokens,
                    logprobs=(
                        self._logprobs(generated[row][:kept], scores, row)
                        if scores is not None
                        else None
                    ),
                    prompt=request.prompt,
                    batch_size=len(requests),
                    seconds=seconds,
                    generate_kwargs=kwargs,
                )
            )
        return results

    def _finish(
        self, tokens: list[int], settings: GenerationSettings
    ) -> tuple[str, StopReason, int, int]:
        """Text, stop reason, tokens kept (for logprobs) and output tokens of one row."""
        end = next((i for i, token in enumerate(tokens) if token in self._eos_ids), None)
        content = tokens if end is None else tokens[:end]
        decode = self.loaded.tokenizer.decode
        text = decode(content, skip_special_tokens=True)
        stop_at = _first_stop(text, settings.stop_seqs)
        if stop_at is not None:
            # Keep the tokens up to the one that completed the stop sequence: the model did
            # generate them, and they are what output_tokens counts.
            kept = next(
                n
                for n in range(1, len(content) + 1)
                if _first_stop(decode(content[:n], skip_special_tokens=True), settings.stop_seqs)
                is not None
            )
            return text[:stop_at], "stop", kept, kept
        if end is not None:
            return text, "stop", len(content), len(content) + 1  # the end token counts too
        return text, "max_tokens", len(content), len(content)

    def _logprobs(self, tokens: list[int], scores: _TokenScores, row: int) -> list[Logprob]:
        """Per generated token of ``row``: its log-probability and the best alternatives."""
        decode = self.loaded.tokenizer.decode
        chosen = scores.chosen[row][: len(tokens)]
        top_ids = scores.top_ids[row][: len(tokens)]
        top_values = scores.top_values[row][: len(tokens)]
        return [
            Logprob(
                token=decode([token]),
                logprob=logprob,
                top_logprobs=(
                    [
                        TopLogprob(token=decode([alternative]), logprob=value)
                        for alternative, value in zip(ids, values, strict=True)
                    ]
                    if ids
                    else None
                ),
            )
            for token, logprob, ids, values in zip(tokens, chosen, top_ids, top_values, strict=True)
        ]


@dataclass(frozen=True)
class _TokenScores:
    """Per row and generated step: the chosen token's log-probability and the top-k."""

    chosen: list[list[float]]
    top_ids: list[list[list[int]]]
    top_values: list[list[list[float]]]


def _token_scores(logits: Sequence[Any], generated: Any, top: int) -> _TokenScores:
    """Log-softmax of the raw logits, reduced step by step.

    One step at a time, so that at most one (batch, vocabulary) float32 array exists at
    once: the whole (batch, steps, vocabulary) stack would take gigabytes for a real
    vocabulary and a long answer.
    """
    chosen, top_ids, top_values = [], [], []
    for step, step_logits in enumerate(logits):
        log_probs = step_logits.float().log_softmax(dim=-1)
        chosen.append(log_probs.gather(1, generated[:, step : step + 1])[:, 0])
        values, ids = log_probs.topk(min(top, log_probs.shape[-1]), dim=-1)
        top_ids.append(ids)
        top_values.append(values)
    return _TokenScores(
        chosen=torch.stack(chosen, dim=1).tolist(),
        top_ids=torch.stack(top_ids, dim=1).tolist(),
        top_values=torch.stack(top_values, dim=1).tolist(),
    )


def _first_stop(text: str, stop_seqs: tuple[str, ...]) -> int | None:
    positions = [text.find(stop) for stop in stop_seqs if stop and stop in text]
    return min(positions) if positions else None


@contextmanager
def _seeded_rng(seed: int | None, device: Any) -> Iterator[None]:
    """Seed torch for one generate call, and restore the previous RNG state afterwards.

    With a seed, sampled output is reproducible for the same batch. The random draws of a
    batch depend on all its rows, so the same request may sample differently when batched
    with other requests: use ``batch_size=1`` for per-request reproducibility.
    """
    if seed is None:
        yield
        return
    devices = [device] if getattr(device, "type", None) == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield
