"""Inspect model providers for local Hugging Face vision-language (image-text-to-text) models.

``hf-vlm/<model>`` serves any model that ``AutoProcessor`` + ``AutoModelForImageTextToText``
load: ``<model>`` is a directory, a hub id (from the Hugging Face cache, downloaded when
missing), or ``reference`` (mmtrust's packaged reference model, also reachable as
``mmtrust/reference``). Inspect's own ``hf`` provider is text-only; this one takes images,
batches concurrent samples and reports per-token log-probabilities.

Model args (``-M``):
    device: ``auto`` (CUDA if available, else CPU), ``cpu``, ``cuda`` or ``cuda:N``.
    dtype: ``auto`` (the checkpoint's; on CUDA bfloat16 when it declares none), ``float32``,
        ``bfloat16`` or ``float16``.
    batch_size: the most requests generated together (default 32).
    batch_wait_ms: how long a request waits for others to join its batch (default 5).
    torch_threads: CPU threads for torch (process-wide; default: torch's choice).
    image_cache_mb: memory for decoded images and image-processor outputs, kept by image
        bytes so an image asked several times is prepared once (default 512; 0: off).
    trust_remote_code: run code shipped with the checkpoint (default false).
    revision: a hub id's commit, branch or tag (default: the hub's main); ``mmtrust run`` pins
        it to the resolved commit, so the log names the exact weights.
    device_map: ``auto`` spreads a model too large for one GPU over the visible GPUs
        (accelerate); ``device`` is then ignored.
    attn_implementation: passed to ``from_pretrained`` (``sdpa``, ``flash_attention_2``, ...).

Generation: greedy when temperature is unset or 0, otherwise sampling with temperature,
top_p and top_k. With a ``seed``, sampled output is reproducible for the same batch, but a
batch's random draws depend on all its rows, so the same request may sample differently
next to other requests; pass ``batch_size=1`` where per-request reproducibility matters.
``stop_seqs`` stop a row early and are cut from the text; ``logprobs``/``top_logprobs``
report the raw-logit log-probabilities of each generated token. ``num_choices``, penalties,
``logit_bias`` and reasoning options are ignored; tools are refused.

Concurrency: Inspect enables adaptive concurrency unless ``max_connections`` is given. Its
controller starts at 20 concurrent generate calls and grows (towards 100) only while they
are saturated: it exists to find a remote API's rate limit, which a local model does not
have. Under it, a batch holds at most the controller's current limit (20 at first), and
``max_connections()`` is not consulted. We leave Inspect's choice alone rather than rewrite
the ``GenerateConfig`` we are handed (``get_model`` shares that object with every model of
an eval, and logs it as the user's own setting), and log a hint at INFO level instead. Pass
``--max-connections`` of about twice ``batch_size`` (one batch generating while the next
fills): that switches Inspect to a fixed limit. ``max_connections()`` returns that value,
which Inspect uses when adaptive concurrency is turned off (``adaptive_connections=False``).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspect_ai._util.error import PrerequisiteError
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    Logprobs,
    ModelAPI,
    ModelCall,
    ModelOutput,
    ModelUsage,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from mmtrust.models.batching import BatchStatistics, MicroBatcher
from mmtrust.models.conversation import UnsupportedContentError, to_vision_prompt

if TYPE_CHECKING:
    from mmtrust.models.conversation import VisionPrompt
    from mmtrust.models.generation import BatchKey, GenerationResult
    from mmtrust.models.image_cache import CacheStatistics
    from mmtrust.models.loading import LoadedModel

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 32
DEFAULT_BATCH_WAIT_MS = 5.0
MODEL_ARGS = (
    "device",
    "dtype",
    "device_map",
    "attn_implementation",
    "revision",
    "batch_size",
    "batch_wait_ms",
    "torch_threads",
    "trust_remote_code",
    "image_cache_mb",
)
DEFAULT_IMAGE_CACHE_MB = 512.0
"""Decoded images and processor outputs kept (``models/image_cache``); 0 turns it off."""
DEFAULT_MAX_NEW_TOKENS = 512
"""Enough for the short answers and explanations of mmtrust's benchmarks."""


class LocalVisionLanguageAPI(ModelAPI):
    """Serves a local Hugging Face image-text-to-text model, batching concurrent requests."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        *,
        device: str = "auto",
        dtype: str = "auto",
        batch_size: int = DEFAULT_BATCH_SIZE,
        batch_wait_ms: float = DEFAULT_BATCH_WAIT_MS,
        torch_threads: int | None = None,
        trust_remote_code: bool = False,
        image_cache_mb: float = DEFAULT_IMAGE_CACHE_MB,
        revision: str | None = None,
        device_map: str | None = None,
        attn_implementation: str | None = None,
        **unknown_args: Any,
    ) -> None:
        config = config or GenerateConfig()
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config)
        if unknown_args:
            raise PrerequisiteError(
                f"Unknown model arg(s) for {model_name}: {', '.join(sorted(unknown_args))}. "
                f"hf-vlm takes {', '.join(MODEL_ARGS)}."
            )
        self.batch_size = _positive_int("batch_size", batch_size)
        batch_wait_s = _non_negative_float("batch_wait_ms", batch_wait_ms) / 1000
        if not isinstance(trust_remote_code, bool):
            raise PrerequisiteError(
                f"trust_remote_code must be true or false, not {trust_remote_code!r}"
            )

        # Heavy imports (torch, transformers) happen here, not when Inspect loads the
        # entry point: listing tasks or using another provider should not pay for them.
        import torch

        from mmtrust.models.generation import BatchGenerator
        from mmtrust.models.loading import (
            load_vision_language_model,
            resolve_device,
            resolve_dtype,
            resolve_model_dir,
            snapshot_commit,
        )

        if torch_threads is not None:
            torch.set_num_threads(_positive_int("torch_threads", torch_threads))
        self.model_dir: Path = resolve_model_dir(
            model_name, None if revision is None else str(revision)
        )
        self.commit: str | None = snapshot_commit(self.model_dir)
        """The hub commit of the weights (None for a local directory)."""
        self.loaded: LoadedModel = load_vision_language_model(
            self.model_dir,
            device=resolve_device(str(device)),
            dtype=resolve_dtype(str(dtype)),
            trust_remote_code=trust_remote_code,
            device_map=device_map,
            attn_implementation=attn_implementation,
        )
        cache_bytes = int(_non_negative_float("image_cache_mb", image_cache_mb) * 1024**2)
        self.generator = BatchGenerator(self.loaded, image_cache_bytes=cache_bytes)
        self.batcher: MicroBatcher[BatchKey, VisionPrompt, GenerationResult] = MicroBatcher(
            self.generator,
            max_batch_size=self.batch_size,
            max_wait_s=batch_wait_s,
            name=f"hf-vlm:{self.model_dir.name}",
        )
        if config.max_connections is None and config.adaptive_connections is not False:
            logger.info(
                "hf-vlm/%s: Inspect's adaptive concurrency caps batches at its current limit "
                "(20 at first); pass max_connections=%d to keep batches of %d full.",
                model_name,
                self.max_connections(),
                self.batch_size,
            )

    @property
    def batch_statistics(self) -> BatchStatistics:
        """How many batches ran, and how large they were."""
        return self.batcher.statistics

    @property
    def image_cache_statistics(self) -> CacheStatistics | None:
        """Hits and misses of the prepared-image cache (None: the cache is off)."""
        return self.generator.images.statistics() if self.generator.images else None

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput | Exception, ModelCall]:
        from mmtrust.models.generation import BatchKey, GenerationSettings

        if tools:
            raise UnsupportedContentError("The hf-vlm provider does not support tool use.")
        prompt = to_vision_prompt(input)
        settings = GenerationSettings.from_config(config, DEFAULT_MAX_NEW_TOKENS)
        key = BatchKey(settings=settings, with_images=bool(prompt.images))
        result = await self.batcher.submit(key, prompt)
        choice = ChatCompletionChoice(
            message=ChatMessageAssistant(
                content=result.text, model=self.model_name, source="generate"
            ),
            stop_reason=result.stop_reason,
            logprobs=Logprobs(content=result.logprobs) if result.logprobs is not None else None,
        )
        output = ModelOutput(
            model=self.model_name,
            choices=[choice],
            usage=ModelUsage(
                input_tokens=result.input_tokens,
                output_tokens=result.output_tokens,
                total_tokens=result.input_tokens + result.output_tokens,
            ),
            time=result.seconds,
        )
        call = ModelCall.create(
            request={
                "model_dir": str(self.model_dir),
                "commit": self.commit,
                "prompt": result.prompt,
                "images": len(prompt.images),
                "generate_kwargs": result.generate_kwargs,
                "seed": settings.seed,
                "stop_seqs": list(settings.stop_seqs),
                "batch_size": result.batch_size,
            },
            response={"completion": result.text, "stop_reason": result.stop_reason},
            time=result.seconds,
        )
        return output, call

    async def count_text_tokens(self, text: str) -> int:
        """Tokens of ``text`` under the model's own tokenizer (Inspect's default downloads one)."""
        return await asyncio.to_thread(self._count_text_tokens, text)

    def _count_text_tokens(self, text: str) -> int:
        # In a thread: the lock may be held by the batch worker while it encodes a batch.
        with self.loaded.tokenizer_lock:
            return len(self.loaded.tokenizer.encode(text, add_special_tokens=False))

    def max_tokens(self) -> int | None:
        return DEFAULT_MAX_NEW_TOKENS

    def max_connections(self) -> int:
        """Two batches' worth: one generating while the next one fills."""
        return 2 * self.batch_size

    def connection_key(self) -> str:
        """One connection pool per model directory.

        Inspect's default key is shared by every instance of a provider, which would make
        all hf-vlm models of a process (say, the model under test and a local grader) share
        one concurrency limit, though each batches on its own.
        """
        return str(self.model_dir)

    def close(self) -> None:
        self.batcher.close()


class ReferenceModelAPI(LocalVisionLanguageAPI):
    """``mmtrust/reference``: the packaged reference model, and ``mmtrust/reference-misleading-ft``
    it fine-tuned on misleading data (the only model names accepted)."""

    def __init__(self, model_name: str, *args: Any, **kwargs: Any) -> None:
        from mmtrust.reference import REFERENCE_MODEL_NAME
        from mmtrust.reference.misleading_finetuned import MISLEADING_FINETUNED_NAME

        if model_name not in (REFERENCE_MODEL_NAME, MISLEADING_FINETUNED_NAME):
            raise PrerequisiteError(
                f"The mmtrust provider serves only its packaged models: use "
                f"'mmtrust/{REFERENCE_MODEL_NAME}' or 'mmtrust/{MISLEADING_FINETUNED_NAME}', "
                f"not 'mmtrust/{model_name}'. For another local vision-language model use "
                f"'hf-vlm/{model_name}'."
            )
        super().__init__(model_name, *args, **kwargs)


# Registered through factories, Inspect's idiom for providers: @modelapi on a class would
# rebind the class name to a factory function, which can then be neither subclassed nor
# used with isinstance.
@modelapi(name="hf-vlm")
def hf_vlm() -> type[ModelAPI]:
    return LocalVisionLanguageAPI


@modelapi(name="mmtrust")
def mmtrust_reference() -> type[ModelAPI]:
    return ReferenceModelAPI


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PrerequisiteError(f"{name} must be a positive integer, not {value!r}")
    return value


def _non_negative_float(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise PrerequisiteError(f"{name} must be a non-negative number, not {value!r}")
    return float(value)
