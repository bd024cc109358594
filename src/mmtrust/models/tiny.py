"""Tiny vision-language models of real architectures, built from config with no download.

Tests use them to exercise the real loading and generation code paths in seconds, and the
reference-model recipe starts from them. Everything is deterministic for a given corpus and
seed: the tokenizer is trained with `tokenizers` (byte-level BPE), and the weights are
initialised under a forked torch RNG so that building a model never disturbs the caller's
random state.

Each ``build_*`` function writes a directory that ``AutoProcessor`` and
``AutoModelForImageTextToText`` reload offline (``HF_HUB_OFFLINE=1``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import (
    CLIPVisionConfig,
    LlamaConfig,
    LlavaConfig,
    LlavaForConditionalGeneration,
    LlavaImageProcessorPil,
    LlavaProcessor,
    PreTrainedTokenizerFast,
    Qwen2VLConfig,
    Qwen2VLForConditionalGeneration,
    Qwen2VLImageProcessorPil,
)

from mmtrust.models.processors import ImageOnlyQwen2VLProcessor

PAD_TOKEN = "<|endoftext|>"
MESSAGE_START_TOKEN = "<|im_start|>"
MESSAGE_END_TOKEN = "<|im_end|>"
IMAGE_TOKEN = "<image>"
SPECIAL_TOKENS = (PAD_TOKEN, MESSAGE_START_TOKEN, MESSAGE_END_TOKEN, IMAGE_TOKEN)

# ChatML. A message's content is either a plain string or a list of parts in the order the
# model sees them: {"type": "image"} becomes the image token (which the processor expands
# to one token per image feature) and {"type": "text", "text": ...} its text.
CHATML_TEMPLATE = (
    "{%- for message in messages -%}"
    "{{ '<|im_start|>' + message['role'] + '\\n' }}"
    "{%- if message['content'] is string -%}"
    "{{ message['content'] }}"
    "{%- else -%}"
    "{%- for part in message['content'] -%}"
    "{%- if part['type'] == 'image' -%}{{ '<image>' }}"
    "{%- elif part['type'] == 'text' -%}{{ part['text'] }}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- endif -%}"
    "{{ '<|im_end|>\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
)

# Byte-level BPE needs the 256 byte symbols plus the special tokens before any merge.
_MIN_VOCAB_SIZE = 256 + len(SPECIAL_TOKENS)


def train_chat_tokenizer(corpus: Iterable[str], vocab_size: int) -> PreTrainedTokenizerFast:
    """Train a byte-level BPE chat tokenizer on ``corpus``.

    Special tokens: ``<|endoftext|>`` (padding), ``<|im_start|>``, ``<|im_end|>`` (end of
    a turn, hence eos) and ``<image>`` (exposed as ``tokenizer.image_token(_id)``, which
    is how LLaVA and Qwen2-VL processors find it). Padding is on the left, as batched
    generation requires. Byte-level, so any text encodes, seen in the corpus or not.
    """
    if vocab_size < _MIN_VOCAB_SIZE:
        raise ValueError(
            f"vocab_size={vocab_size} is too small: a byte-level BPE needs at least "
            f"{_MIN_VOCAB_SIZE} entries (256 bytes + {len(SPECIAL_TOKENS)} special tokens)."
        )
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(list(corpus), trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        pad_token=PAD_TOKEN,
        eos_token=MESSAGE_END_TOKEN,
        extra_special_tokens={"image_token": IMAGE_TOKEN},
        chat_template=CHATML_TEMPLATE,
        padding_side="left",
    )


@contextmanager
def _seeded_torch(seed: int) -> Iterator[None]:
    """Seed torch for weight initialisation without changing the caller's RNG state."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def _text_token_ids(tokenizer: PreTrainedTokenizerFast) -> dict[str, Any]:
    return {
        "vocab_size": len(tokenizer),
        "pad_token_id": tokenizer.pad_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "bos_token_id": tokenizer.convert_tokens_to_ids(MESSAGE_START_TOKEN),
    }


def _save_generation_defaults(model: Any, tokenizer: PreTrainedTokenizerFast) -> None:
    # Without these, generate() warns on every call and stops only at max_new_tokens.
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id


def build_tiny_llava(
    out_dir: str | Path,
    *,
    tokenizer: PreTrainedTokenizerFast,
    image_size: int = 32,
    patch_size: int = 8,
    text_hidden: int = 128,
    text_layers: int = 2,
    vision_hidden: int = 64,
    vision_layers: int = 2,
    tie_word_embeddings: bool = False,
    seed: int = 0,
) -> Path:
    """Build and save a randomly initialised LLaVA (CLIP vision tower + Llama text model).

    An image becomes ``(image_size / patch_size) ** 2`` image tokens; with
    ``tie_word_embeddings`` the output layer shares the input embeddings. Returns ``out_dir``,
    which holds the model, the tokenizer and a ``LlavaProcessor`` (PIL image processor,
    since torchvision is not importable here).
    """
    if image_size % patch_size:
        raise ValueError(f"image_size={image_size} must be a multiple of patch_size={patch_size}")
    out = Path(out_dir)
    text_heads = max(1, text_hidden // 32)
    image_processor = LlavaImageProcessorPil(
        size={"shortest_edge": image_size},
        crop_size={"height": image_size, "width": image_size},
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
    )
    processor = LlavaProcessor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        patch_size=patch_size,
        vision_feature_select_strategy="default",
        # CLIP prepends a CLS embedding, which the "default" strategy drops.
        num_additional_image_tokens=1,
        chat_template=tokenizer.chat_template,
    )
    config = LlavaConfig(
        vision_config=CLIPVisionConfig(
            hidden_size=vision_hidden,
            intermediate_size=2 * vision_hidden,
            num_hidden_layers=vision_layers,
            num_attention_heads=max(1, vision_hidden // 32),
            image_size=image_size,
            patch_size=patch_size,
        ),
        text_config=LlamaConfig(
            hidden_size=text_hidden,
            intermediate_size=2 * text_hidden,
            num_hidden_layers=text_layers,
            num_attention_heads=text_heads,
            # Grouped-query attention, as in current Llamas, wherever the heads pair up.
            num_key_value_heads=text_heads // 2 if text_heads % 2 == 0 else text_heads,
            max_position_embeddings=512,
            tie_word_embeddings=tie_word_embeddings,
            **_text_token_ids(tokenizer),
        ),
        image_token_index=tokenizer.image_token_id,
        vision_feature_select_strategy="default",
        vision_feature_layer=-1,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=tie_word_embeddings,
    )
    with _seeded_torch(seed):
        model = LlavaForConditionalGeneration(config).eval()
    _save_generation_defaults(model, tokenizer)
    model.save_pretrained(out)
    processor.save_pretrained(out)
    return out


def build_tiny_qwen2_vl(
    out_dir: str | Path,
    *,
    tokenizer: PreTrainedTokenizerFast,
    image_size: int = 64,
    patch_size: int = 8,
    merge_size: int = 2,
    text_hidden: int = 128,
    text_layers: int = 2,
    vision_hidden: int = 64,
    vision_layers: int = 2,
    seed: int = 0,
) -> Path:
    """Build and save a randomly initialised Qwen2-VL with an image-only processor.

    The image processor resizes every image to about ``image_size ** 2`` pixels (keeping
    its aspect ratio), so a square image becomes ``(image_size / patch_size / merge_size)
    ** 2`` image tokens. The saved
    processor is :class:`~mmtrust.models.processors.ImageOnlyQwen2VLProcessor`: import
    ``mmtrust.models.processors`` before ``AutoProcessor.from_pretrained`` on it.
    """
    if image_size % (patch_size * merge_size):
        raise ValueError(
            f"image_size={image_size} must be a multiple of patch_size * merge_size="
            f"{patch_size * merge_size}"
        )
    head_dim = 32
    if text_hidden % head_dim:
        raise ValueError(f"text_hidden={text_hidden} must be a multiple of {head_dim}")
    out = Path(out_dir)
    pixels = image_size * image_size
    image_processor = Qwen2VLImageProcessorPil(
        size={"shortest_edge": pixels, "longest_edge": pixels},
        patch_size=patch_size,
        merge_size=merge_size,
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
    )
    processor = ImageOnlyQwen2VLProcessor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        chat_template=tokenizer.chat_template,
    )
    # M-RoPE splits each head's rotary half-dimension (head_dim / 2) into temporal, height
    # and width sections.
    half = head_dim // 2
    temporal = half // 4
    height = (half - temporal) // 2
    mrope_section = [temporal, height, half - temporal - height]
    config = Qwen2VLConfig(
        vision_config={
            "depth": vision_layers,
            "embed_dim": vision_hidden,
            "hidden_size": text_hidden,  # the patch merger projects into the text width
            "num_heads": max(1, vision_hidden // 32),
            "mlp_ratio": 2,
            "patch_size": patch_size,
            "spatial_merge_size": merge_size,
            "temporal_patch_size": 2,
        },
        text_config={
            "hidden_size": text_hidden,
            "intermediate_size": 2 * text_hidden,
            "num_hidden_layers": text_layers,
            "num_attention_heads": text_hidden // head_dim,
            "num_key_value_heads": max(1, text_hidden // (2 * head_dim)),
            "max_position_embeddings": 512,
            "rope_parameters": {
                "rope_type": "default",
                "rope_theta": 10000.0,
                "mrope_section": mrope_section,
            },
            **_text_token_ids(tokenizer),
        },
        image_token_id=tokenizer.image_token_id,
        # The tokenizer has no video or vision-boundary tokens: ids past the vocabulary can
        # never occur in input_ids, so nothing is mistaken for a video placeholder.
        video_token_id=len(tokenizer),
        vision_start_token_id=len(tokenizer) + 1,
        vision_end_token_id=len(tokenizer) + 2,
    )
    with _seeded_torch(seed):
        model = Qwen2VLForConditionalGeneration(config).eval()
    _save_generation_defaults(model, tokenizer)
    model.save_pretrained(out)
    processor.save_pretrained(out)
    return out
