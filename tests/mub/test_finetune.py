"""Fine-tuning on misleading data (MUB's mitigation), on the real reference model.

The runs here are a few steps long: they check the mechanics (data, frozen tower, merged
checkpoint that the toolkit's loader serves, before/after summary, same seed same weights),
not the size of the effect, which the model card reports from a full run.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import torch
from PIL import Image
from safetensors.torch import load_file
from transformers import AutoModelForImageTextToText, AutoProcessor

from mmtrust.benchmarks.mub.finetune import (
    ADAPTER_DIR,
    SUMMARY_FILE,
    finetune_misleading,
    lora_targets,
)
from mmtrust.benchmarks.mub.finetune_data import (
    build_examples,
    encode_examples,
    mub_file_source,
    reply_suffix,
    trustworld_source,
)
from mmtrust.benchmarks.mub.finetune_settings import DataMix, FinetuneSettings
from mmtrust.cli import main
from mmtrust.perturb.misleading import DEFAULT_EXPLICIT_TEMPLATE, IMPLICIT_NOTE_TEMPLATE
from mmtrust.reference import reference_model_dir
from mmtrust.reference.card import finetune_section
from mmtrust.scoring.answer import extract_answer

TINY = FinetuneSettings(steps=3, batch_size=4, train_items=12, eval_items=8, seed=3)


@pytest.fixture(scope="module")
def reference() -> tuple[Any, Any]:
    directory = reference_model_dir()
    return AutoProcessor.from_pretrained(directory), AutoModelForImageTextToText.from_pretrained(
        directory
    )


def test_lora_adapts_the_language_model_and_leaves_the_vision_tower_frozen(
    reference: tuple[Any, Any],
) -> None:
    _, model = reference
    targets = lora_targets(model)
    assert targets and all("language_model" in name for name in targets)
    assert not any("vision_tower" in name or "projector" in name for name in targets)
    with_vision = lora_targets(model, train_vision=True)
    assert any("vision_tower" in name for name in with_vision)
    assert set(targets) < set(with_vision)


def test_every_reply_keeps_the_true_answer_whatever_the_hint() -> None:
    sources = trustworld_source(40)
    examples = build_examples(sources, 400, DataMix(), seed=1)
    answers = {s.meta.item_id: s.meta.answer for s in sources}
    forms = Counter(example.form for example in examples)
    assert set(forms) == {"clean", "explicit", "implicit"}
    assert 0.2 < forms["clean"] / len(examples) < 0.4  # misleading_share 0.7
    towards_wrong = [e for e in examples if e.hint is not None and e.hint != answers[e.item_id]]
    towards_true = [e for e in examples if e.hint is not None and e.hint == answers[e.item_id]]
    assert len(towards_wrong) > 100 and len(towards_true) > 100
    metas = {s.meta.item_id: s.meta for s in sources}
    for example in examples:
        assert (
            extract_answer(example.reply, metas[example.item_id]).answer == answers[example.item_id]
        )
        if example.form == "explicit":
            assert DEFAULT_EXPLICIT_TEMPLATE.replace("{X}", str(example.hint)) in example.prompt
        if example.form == "implicit":
            assert IMPLICIT_NOTE_TEMPLATE.split("{note}")[0].strip() in example.prompt


def test_the_same_seed_gives_the_same_training_set() -> None:
    sources = trustworld_source(10)
    first = build_examples(sources, 30, DataMix(), seed=5)
    again = build_examples(sources, 30, DataMix(), seed=5)
    other = build_examples(sources, 30, DataMix(), seed=6)
    assert [(e.prompt, e.reply) for e in first] == [(e.prompt, e.reply) for e in again]
    assert [(e.prompt, e.reply) for e in first] != [(e.prompt, e.reply) for e in other]


def test_only_the_reply_and_its_end_of_turn_are_scored(reference: tuple[Any, Any]) -> None:
    processor, _ = reference
    prompt, suffix = reply_suffix(processor, "Which shape?", "triangle: red. Answer: A")
    assert prompt.endswith("assistant\n")
    assert suffix.startswith("triangle: red. Answer: A") and "<|im_end|>" in suffix
    examples = build_examples(trustworld_source(4), 4, DataMix(misleading_share=1.0), seed=0)
    batch = encode_examples(processor, examples)
    for row, example in enumerate(examples):
        scored = batch["labels"][row][batch["labels"][row] != -100]
        text = processor.tokenizer.decode(scored)
        assert text.startswith(example.reply)
        assert "And the true answer is" not in text


def test_bad_mix_values_are_refused() -> None:
    with pytest.raises(ValueError, match="wrong_hint_share"):
        DataMix(wrong_hint_share=1.5)
    with pytest.raises(ValueError, match="steps"):
        FinetuneSettings(steps=0)


def test_finetuning_saves_a_merged_model_with_its_before_and_after(tmp_path: Path) -> None:
    out = tmp_path / "tuned"
    summary = finetune_misleading("reference", out, TINY, log=lambda _: None)
    assert json.loads((out / SUMMARY_FILE).read_text()) == summary
    assert (out / ADAPTER_DIR / "adapter_config.json").is_file()
    for phase in ("before", "after"):
        rates = summary[phase]
        assert rates["items"] == 8
        assert len(rates["accuracy_count"]) == 2
        for stage in ("explicit", "implicit"):
            assert {"mr_t2f", "mr_t2f_ci95", "mr_f2t", "mr_f2t_count"} <= set(rates[stage])
    assert summary["trainable_parameters"] > 0
    assert len(summary["loss_curve"]) == 1

    base = load_file(reference_model_dir() / "model.safetensors")
    tuned = load_file(out / "model.safetensors")
    assert set(base) == set(tuned)  # merged: no LoRA tensors left in the checkpoint
    vision = [name for name in base if "vision_tower" in name or "projector" in name]
    language = [name for name in base if "language_model" in name and "proj" in name]
    assert vision and all(torch.equal(base[name], tuned[name]) for name in vision)
    assert any(not torch.equal(base[name], tuned[name]) for name in language)

    section = finetune_section(summary)
    assert "| before |" in section and "| after |" in section and "trade-off" in section

    again = tmp_path / "again"
    finetune_misleading("reference", again, TINY, log=lambda _: None)
    repeated = load_file(again / "model.safetensors")
    assert all(torch.equal(tuned[name], repeated[name]) for name in tuned)


def test_the_fine_tuned_model_runs_through_the_toolkit(tmp_path: Path) -> None:
    out = tmp_path / "tuned"
    settings = FinetuneSettings(steps=1, batch_size=2, train_items=2, eval_items=4)
    finetune_misleading("reference", out, settings, log=lambda _: None)
    logs = tmp_path / "logs"
    code = main(
        ["run", "mub_explicit", "--model", f"hf-vlm/{out}", "--limit", "3", "--log-dir", str(logs)]
    )
    assert code == 0
    assert list(logs.glob("*.eval"))


def test_the_command_line_refuses_a_bad_value(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["finetune-misleading", "--out", "unused", "--steps", "0"])
    assert code == 2
    assert "steps must be at least 1" in capsys.readouterr().err


def _write_mub_file(folder: Path) -> tuple[Path, Path]:
    images = folder / "extract_img_all"
    images.mkdir(parents=True)
    rng = random.Random(0)
    records = []
    for k in range(3):
        Image.new("RGB", (32, 32), (rng.randrange(256), 0, 0)).save(images / f"{k}.jpg")
        records.append(
            {
                "question": f"What colour is square {k}?",
                "choices": {"A": "red", "B": "blue"},
                "answer": "A",
                "question_type_CHorYN": "CH",
                "dataset": "MMStar",
                "num": 6,
                "new_id": f"extract_img_all/{k}.jpg",
                "closed_model_response_F": "1. It looks blue. /// 2. Blue is likelier.",
            }
        )
    records.append({**records[0], "new_id": "extract_img_all/missing.jpg"})
    path = folder / "items.json"
    path.write_text(json.dumps(records))
    return path, folder


def test_a_mub_format_file_trains_on_its_items_with_images(tmp_path: Path) -> None:
    path, images = _write_mub_file(tmp_path)
    sources = mub_file_source(path, images)
    assert [s.meta.item_id for s in sources] == [f"extract_img_all/{k}.jpg" for k in range(3)]
    assert all(s.reply == "A" for s in sources)
    assert sources[0].notes_to_false == ("It looks blue.", "Blue is likelier.")
    examples = build_examples(sources, 60, DataMix(explicit_share=0.0), seed=0)
    implicit_wrong = [e for e in examples if e.form == "implicit" and e.hint == "B"]
    assert implicit_wrong and all(
        "It looks blue." in e.prompt or "Blue is likelier." in e.prompt for e in implicit_wrong
    )
