"""The tiny-model builders: tokenizer, LLaVA and Qwen2-VL, saved and reloaded offline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoModelForImageTextToText, AutoProcessor, PreTrainedTokenizerFast

from mmtrust.models.processors import ImageOnlyQwen2VLProcessor
from mmtrust.models.tiny import (
    IMAGE_TOKEN,
    MESSAGE_END_TOKEN,
    PAD_TOKEN,
    build_tiny_llava,
    train_chat_tokenizer,
)
from tests.models.conftest import SUBPROCESS_ENV, TOKENIZER_CORPUS


def test_tokenizer_special_tokens_and_padding(tiny_tokenizer: PreTrainedTokenizerFast) -> None:
    assert tiny_tokenizer.pad_token == PAD_TOKEN
    assert tiny_tokenizer.eos_token == MESSAGE_END_TOKEN
    assert tiny_tokenizer.image_token == IMAGE_TOKEN
    assert tiny_tokenizer.convert_ids_to_tokens(tiny_tokenizer.image_token_id) == IMAGE_TOKEN
    assert tiny_tokenizer.padding_side == "left"
    # Special tokens are single tokens; unseen text still encodes (byte level).
    assert len(tiny_tokenizer.encode(IMAGE_TOKEN, add_special_tokens=False)) == 1
    unseen = "Zébra ☂ 42"
    assert tiny_tokenizer.decode(tiny_tokenizer.encode(unseen, add_special_tokens=False)) == unseen


def test_tokenizer_training_is_deterministic(tiny_tokenizer: PreTrainedTokenizerFast) -> None:
    again = train_chat_tokenizer(TOKENIZER_CORPUS, vocab_size=400)
    assert again.get_vocab() == tiny_tokenizer.get_vocab()


def test_tokenizer_rejects_a_vocabulary_smaller_than_the_bytes() -> None:
    with pytest.raises(ValueError, match="at least 260"):
        train_chat_tokenizer(TOKENIZER_CORPUS, vocab_size=100)


def test_chat_template_renders_content_lists_strings_and_system(
    tiny_tokenizer: PreTrainedTokenizerFast,
) -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Colour?"}]},
        {"role": "assistant", "content": "Red."},
        {"role": "user", "content": "Sure?"},
    ]
    rendered = tiny_tokenizer.apply_chat_template(
        messages, tokenize=False, add_generation_prompt=True
    )
    assert rendered == (
        "<|im_start|>system\nBe brief.<|im_end|>\n"
        "<|im_start|>user\n<image>Colour?<|im_end|>\n"
        "<|im_start|>assistant\nRed.<|im_end|>\n"
        "<|im_start|>user\nSure?<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    without_prompt = tiny_tokenizer.apply_chat_template(messages[:1], tokenize=False)
    assert without_prompt == "<|im_start|>system\nBe brief.<|im_end|>\n"


def test_llava_build_is_deterministic_for_a_seed(
    tmp_path: Path, tiny_tokenizer: PreTrainedTokenizerFast, tiny_llava_dir: Path
) -> None:
    rng_before = torch.random.get_rng_state()
    same = build_tiny_llava(tmp_path / "same", tokenizer=tiny_tokenizer, seed=0)
    other = build_tiny_llava(tmp_path / "other", tokenizer=tiny_tokenizer, seed=1)
    assert torch.equal(torch.random.get_rng_state(), rng_before), "caller's RNG disturbed"
    reference = load_file(tiny_llava_dir / "model.safetensors")
    same_weights = load_file(same / "model.safetensors")
    other_weights = load_file(other / "model.safetensors")
    assert reference.keys() == same_weights.keys()
    assert all(torch.equal(reference[name], same_weights[name]) for name in reference)
    assert not all(torch.equal(reference[name], other_weights[name]) for name in reference)


def test_saved_models_reload_with_their_processors(
    tiny_llava_dir: Path, tiny_qwen2_vl_dir: Path
) -> None:
    llava_processor = AutoProcessor.from_pretrained(tiny_llava_dir)
    assert type(llava_processor).__name__ == "LlavaProcessor"
    assert type(llava_processor.image_processor).__name__ == "LlavaImageProcessorPil"
    qwen_processor = AutoProcessor.from_pretrained(tiny_qwen2_vl_dir)
    assert isinstance(qwen_processor, ImageOnlyQwen2VLProcessor)
    for directory in (tiny_llava_dir, tiny_qwen2_vl_dir):
        model = AutoModelForImageTextToText.from_pretrained(directory)
        assert sum(p.numel() for p in model.parameters()) < 2_000_000


def test_qwen2_vl_processor_loads_in_a_fresh_process(tiny_qwen2_vl_dir: Path) -> None:
    # A process that has not imported mmtrust.models.processors would get a bare tokenizer:
    # the provider imports it, and so must anything else that loads such a directory.
    script = (
        "import sys, mmtrust.models.processors\n"
        "from transformers import AutoProcessor\n"
        "print(type(AutoProcessor.from_pretrained(sys.argv[1])).__name__)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(tiny_qwen2_vl_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env=SUBPROCESS_ENV,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip().splitlines()[-1] == "ImageOnlyQwen2VLProcessor"
