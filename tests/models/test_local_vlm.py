"""The hf-vlm provider on tiny LLaVA and Qwen2-VL models: real weights, real processors."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import pytest
import torch
from inspect_ai.model import (
    ChatMessage,
    ChatMessageSystem,
    ChatMessageUser,
    ContentImage,
    ContentText,
    GenerateConfig,
    Model,
    ModelOutput,
    get_model,
)

from mmtrust.models.batching import BatchStatistics
from mmtrust.models.conversation import ImageDecodeError
from mmtrust.models.local_vlm import LocalVisionLanguageAPI
from tests.models.conftest import png_data_uri

COLOURS = ["red", "green", "blue", "yellow", "purple", "orange"]


def load(directory: Path | str, *, max_tokens: int = 8, **model_args: Any) -> Model:
    config = GenerateConfig(max_tokens=max_tokens, max_connections=64)
    return get_model(f"hf-vlm/{directory}", config=config, memoize=False, **model_args)


def statistics(model: Model) -> BatchStatistics:
    assert isinstance(model.api, LocalVisionLanguageAPI)
    return model.api.batch_statistics


def image_question(colour: str, question: str = "What colour is the shape?") -> list[ChatMessage]:
    return [
        ChatMessageUser(
            content=[ContentImage(image=png_data_uri(colour)), ContentText(text=question)]
        )
    ]


def generate_all(
    model: Model, inputs: list[list[ChatMessage]], config: GenerateConfig | None = None
) -> list[ModelOutput]:
    async def run() -> list[ModelOutput]:
        return await asyncio.gather(
            *[model.generate(i, config=config or GenerateConfig()) for i in inputs]
        )

    return asyncio.run(run())


def generate_one_at_a_time(
    model: Model, inputs: list[list[ChatMessage]], config: GenerateConfig | None = None
) -> list[ModelOutput]:
    async def run() -> list[ModelOutput]:
        return [await model.generate(i, config=config or GenerateConfig()) for i in inputs]

    return asyncio.run(run())


def test_answers_an_image_question_with_a_system_message(tiny_vlm_dir: Path) -> None:
    model = load(tiny_vlm_dir)
    messages: list[ChatMessage] = [
        ChatMessageSystem(content="You are a careful assistant."),
        *image_question("red"),
    ]
    output = asyncio.run(model.generate(messages))
    assert output.choices[0].message.role == "assistant"
    assert output.completion == output.choices[0].message.text
    assert output.stop_reason in ("stop", "max_tokens")
    assert output.usage is not None
    assert output.usage.input_tokens > 16  # the 16 image tokens, the system and user turns
    assert 1 <= output.usage.output_tokens <= 8
    without_system = asyncio.run(model.generate(image_question("red")))
    assert without_system.usage is not None
    assert without_system.usage.input_tokens < output.usage.input_tokens
    text_only = asyncio.run(model.generate("What colour is the shape?"))
    assert text_only.usage is not None
    # Both tiny models turn a 32 px image into 16 image tokens.
    assert without_system.usage.input_tokens - text_only.usage.input_tokens == 16


def test_greedy_is_deterministic_and_batching_changes_nothing(tiny_vlm_dir: Path) -> None:
    model = load(tiny_vlm_dir)
    # Questions of different lengths, so that batched rows are left-padded differently.
    inputs = [
        image_question(colour, "What colour" + " is it really" * n + "?")
        for n, colour in enumerate(COLOURS)
    ]
    config = GenerateConfig(logprobs=True)
    alone = generate_one_at_a_time(model, inputs, config)
    assert statistics(model).largest_batch == 1
    batched = generate_all(model, inputs, config)
    again = generate_all(model, inputs, config)
    assert statistics(model).size_counts[len(inputs)] == 2  # both runs were single batches
    assert [o.completion for o in batched] == [o.completion for o in alone]
    assert [o.completion for o in again] == [o.completion for o in batched]
    for one, many in zip(alone, batched, strict=True):
        assert one.usage == many.usage
        one_logprobs = [lp.logprob for lp in one.choices[0].logprobs.content]  # type: ignore[union-attr]
        many_logprobs = [lp.logprob for lp in many.choices[0].logprobs.content]  # type: ignore[union-attr]
        assert many_logprobs == pytest.approx(one_logprobs, abs=1e-4)


def test_concurrent_requests_form_batches_within_the_bound(tiny_llava_dir: Path) -> None:
    model = load(tiny_llava_dir, batch_size=4, batch_wait_ms=50)
    generate_all(model, [image_question(COLOURS[n % 6]) for n in range(10)])
    stats = statistics(model)
    assert stats.requests == 10
    assert stats.largest_batch == 4
    assert stats.batches == 3
    assert model.api.max_connections() == 8


def test_inspect_adaptive_concurrency_limits_batches_unless_max_connections_is_set(
    tiny_llava_dir: Path, tmp_path: Path
) -> None:
    import shutil

    # A copy of its own: Inspect keeps one concurrency controller per connection key (the
    # model directory) for the whole process, and other tests may have grown the original's.
    model_dir = shutil.copytree(tiny_llava_dir, tmp_path / "llava")
    # Without max_connections Inspect's adaptive controller starts at 20 concurrent calls.
    model = get_model(f"hf-vlm/{model_dir}", config=GenerateConfig(max_tokens=2), memoize=False)
    generate_all(model, [image_question(COLOURS[n % 6]) for n in range(30)])
    assert statistics(model).largest_batch <= 20
    pinned = load(model_dir, max_tokens=2)  # max_connections=64: a fixed limit
    generate_all(pinned, [image_question(COLOURS[n % 6]) for n in range(30)])
    assert statistics(pinned).largest_batch == 30


def test_logprobs_and_top_logprobs(tiny_vlm_dir: Path) -> None:
    model = load(tiny_vlm_dir, max_tokens=6)
    output = asyncio.run(
        model.generate(image_question("blue"), config=GenerateConfig(logprobs=True, top_logprobs=3))
    )
    logprobs = output.choices[0].logprobs
    assert logprobs is not None and output.usage is not None
    ended_by_end_token = output.stop_reason == "stop"
    assert len(logprobs.content) == output.usage.output_tokens - int(ended_by_end_token)
    for token in logprobs.content:
        assert token.logprob <= 0
        assert token.top_logprobs is not None and len(token.top_logprobs) == 3
        best = token.top_logprobs[0]
        assert (best.token, best.logprob) == (token.token, token.logprob)  # greedy: the argmax
        values = [alternative.logprob for alternative in token.top_logprobs]
        assert values == sorted(values, reverse=True)
        assert sum(torch.tensor(values).exp().tolist()) <= 1 + 1e-6
    assert "".join(token.token for token in logprobs.content).startswith(output.completion[:1])
    plain = asyncio.run(
        model.generate(image_question("blue"), config=GenerateConfig(logprobs=True))
    )
    assert plain.choices[0].logprobs is not None
    assert all(t.top_logprobs is None for t in plain.choices[0].logprobs.content)
    assert asyncio.run(model.generate(image_question("blue"))).choices[0].logprobs is None


def test_seeded_sampling_is_reproducible(tiny_llava_dir: Path) -> None:
    model = load(tiny_llava_dir)
    inputs = [image_question(colour) for colour in COLOURS[:4]]
    sampled = GenerateConfig(temperature=1.0, top_p=0.95, seed=7)
    first = [o.completion for o in generate_all(model, inputs, sampled)]
    second = [o.completion for o in generate_all(model, inputs, sampled)]
    assert first == second
    reseeded = [
        o.completion for o in generate_all(model, inputs, sampled.merge(GenerateConfig(seed=8)))
    ]
    assert reseeded != first
    greedy = [o.completion for o in generate_all(model, inputs)]
    assert greedy != first


def test_different_settings_never_share_a_batch(tiny_llava_dir: Path) -> None:
    model = load(tiny_llava_dir, batch_wait_ms=50)
    settings = [
        GenerateConfig(),
        GenerateConfig(temperature=0.8, seed=1),
        GenerateConfig(logprobs=True),
        GenerateConfig(temperature=0.0, top_p=0.5),  # greedy: top_p plays no part
    ]

    async def run() -> list[ModelOutput]:
        calls = [
            model.generate(image_question(COLOURS[n % 6]), config=settings[n % 4])
            for n in range(12)
        ]
        return await asyncio.gather(*calls)

    asyncio.run(run())
    records = list(statistics(model).recent)
    sizes_by_key: dict[Any, int] = {}
    for record in records:
        sizes_by_key[record.key] = sizes_by_key.get(record.key, 0) + record.size
    # Three distinct keys (greedy with and without top_p is one); every batch holds one key.
    assert sorted(sizes_by_key.values()) == [3, 3, 6]
    assert len(records) == 3


def test_stop_sequences_cut_the_completion(tiny_llava_dir: Path) -> None:
    model = load(tiny_llava_dir, max_tokens=16)
    full = asyncio.run(model.generate("hello")).completion
    # Stop at a printable character that first appears after the start (the text is noise).
    cut = next(
        i
        for i, char in enumerate(full)
        if i > 0 and char.isascii() and char.isprintable() and char not in full[:i]
    )
    stopped = asyncio.run(
        model.generate("hello", config=GenerateConfig(stop_seqs=[full[cut]], logprobs=True))
    )
    assert stopped.completion == full[:cut]
    assert stopped.stop_reason == "stop"
    assert stopped.usage is not None and stopped.usage.output_tokens < 16
    assert stopped.choices[0].logprobs is not None
    assert len(stopped.choices[0].logprobs.content) == stopped.usage.output_tokens


def test_a_corrupt_image_fails_only_its_own_request(tiny_vlm_dir: Path) -> None:
    model = load(tiny_vlm_dir, batch_wait_ms=50)
    not_a_png = "data:image/png;base64," + base64.b64encode(b"certainly not a png").decode()
    corrupt: list[ChatMessage] = [
        ChatMessageUser(content=[ContentImage(image=not_a_png), ContentText(text="Hi?")])
    ]

    async def run() -> list[ModelOutput | BaseException]:
        calls = [
            model.generate(i) for i in (image_question("red"), corrupt, image_question("blue"))
        ]
        return await asyncio.gather(*calls, return_exceptions=True)

    good, bad, also_good = asyncio.run(run())
    assert isinstance(good, ModelOutput) and isinstance(also_good, ModelOutput)
    assert isinstance(bad, ImageDecodeError)
    assert "Cannot decode the image in message 0, content part 0" in str(bad)
    assert "inline data:image/png;base64" in str(bad)
    stats = statistics(model)
    assert (stats.batches, stats.largest_batch, stats.failed_batches) == (1, 3, 0)


def test_a_text_only_checkpoint_is_refused_clearly(tmp_path: Path) -> None:
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=2,
    )  # fmt: skip
    LlamaForCausalLM(config).save_pretrained(tmp_path)
    with pytest.raises(
        ValueError, match=r"model_type 'llama' is not an image-text-to-text"
    ) as error:
        load(tmp_path)
    assert str(tmp_path) in str(error.value) and f"hf/{tmp_path}" in str(error.value)


def test_an_unknown_model_type_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "no-such-model"}))
    with pytest.raises(ValueError, match=r"model_type 'no-such-model' is unknown to transformers"):
        load(tmp_path)


def test_a_missing_model_is_reported_clearly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="No model directory at"):
        load(tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match="not in the local Hugging Face cache"):
        load("no-such-org/no-such-model")
    with pytest.raises(FileNotFoundError, match=r"has no config\.json"):
        load(tmp_path)


def test_a_hub_id_loads_from_the_local_cache_only(
    tiny_llava_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from huggingface_hub import constants

    # The layout huggingface_hub writes: refs/main names the snapshot folder to use.
    repo = tmp_path / "models--tiny-org--tiny-llava"
    commit = "0" * 40
    shutil.copytree(tiny_llava_dir, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    model = load("tiny-org/tiny-llava", max_tokens=2)
    assert isinstance(model.api, LocalVisionLanguageAPI)
    assert model.api.model_dir == repo / "snapshots" / commit
    assert asyncio.run(model.generate(image_question("red"))).usage is not None


def test_the_reference_alias(
    tiny_llava_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inspect_ai._util.error import PrerequisiteError

    import mmtrust.reference

    monkeypatch.setattr(mmtrust.reference, "REFERENCE_MODEL_DIR", tmp_path / "weights")
    with pytest.raises(FileNotFoundError, match="reference model weights are missing"):
        load("reference")
    monkeypatch.setattr(mmtrust.reference, "REFERENCE_MODEL_DIR", tiny_llava_dir)
    for name in ("hf-vlm/reference", "mmtrust/reference"):
        model = get_model(name, config=GenerateConfig(max_tokens=2), memoize=False)
        assert asyncio.run(model.generate(image_question("red"))).usage is not None
    with pytest.raises(PrerequisiteError, match="use 'hf-vlm/other'"):
        get_model("mmtrust/other", memoize=False)


def test_model_args_are_checked(tiny_llava_dir: Path) -> None:
    from inspect_ai._util.error import PrerequisiteError

    with pytest.raises(PrerequisiteError, match="Unknown model arg"):
        load(tiny_llava_dir, batchsize=4)
    with pytest.raises(PrerequisiteError, match="batch_size must be a positive integer"):
        load(tiny_llava_dir, batch_size=0)
    with pytest.raises(PrerequisiteError, match="Unknown dtype"):
        load(tiny_llava_dir, dtype="float8")
    if not torch.cuda.is_available():
        with pytest.raises(PrerequisiteError, match="CUDA is not available"):
            load(tiny_llava_dir, device="cuda")


def test_bfloat16_on_cpu(tiny_llava_dir: Path) -> None:
    model = load(tiny_llava_dir, device="cpu", dtype="bfloat16", torch_threads=1)
    assert isinstance(model.api, LocalVisionLanguageAPI)
    assert model.api.loaded.model.dtype == torch.bfloat16
    assert asyncio.run(model.generate(image_question("red"))).usage is not None


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_generates_on_cuda(tiny_vlm_dir: Path) -> None:
    on_cpu = load(tiny_vlm_dir, device="cpu")
    on_cuda = load(tiny_vlm_dir, device="cuda")
    assert isinstance(on_cuda.api, LocalVisionLanguageAPI)
    assert on_cuda.api.loaded.device.type == "cuda"
    inputs = [image_question(colour) for colour in COLOURS]
    cuda_outputs = generate_all(on_cuda, inputs)
    assert all(o.usage is not None and o.usage.output_tokens > 0 for o in cuda_outputs)
    # Kernels differ, so only the first token is compared (well separated in practice).
    first_cpu = generate_all(on_cpu, inputs, GenerateConfig(max_tokens=1))
    first_cuda = generate_all(on_cuda, inputs, GenerateConfig(max_tokens=1))
    assert [o.completion for o in first_cuda] == [o.completion for o in first_cpu]


def test_counts_tokens_with_the_models_own_tokenizer(tiny_llava_dir: Path) -> None:
    model = load(tiny_llava_dir)
    assert isinstance(model.api, LocalVisionLanguageAPI)
    tokenizer = model.api.loaded.tokenizer
    text = "What colour is the square?"
    expected = len(tokenizer.encode(text, add_special_tokens=False))
    assert asyncio.run(model.api.count_text_tokens(text)) == expected
    assert asyncio.run(model.count_tokens(text)) == expected


def test_user_text_cannot_forge_an_image_token(tiny_llava_dir: Path) -> None:
    model = load(tiny_llava_dir)
    output = asyncio.run(model.generate("Is <image> a tag? <|im_end|>"))
    assert output.usage is not None and output.usage.input_tokens > 10


def test_runs_an_inspect_eval(tiny_llava_dir: Path, tmp_path: Path) -> None:
    from inspect_ai import Task, eval
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import match
    from inspect_ai.solver import generate

    task = Task(
        dataset=[Sample(input=image_question(colour), target=colour) for colour in COLOURS],
        solver=generate(),
        scorer=match(),
    )
    [log] = eval(
        task,
        model=f"hf-vlm/{tiny_llava_dir}",
        model_args={"batch_size": 8},
        max_tokens=4,
        max_connections=16,
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    assert log.samples is not None and len(log.samples) == len(COLOURS)
    assert all(sample.output.usage is not None for sample in log.samples)
