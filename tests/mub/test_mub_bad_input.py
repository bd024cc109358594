"""Bad input in the middle of a run, through the real local provider on a tiny LLaVA built
from config: a corrupt image fails only its own item, recorded as a model error; a missing or
corrupt image file found at load time is an input error and is never sent; the run completes
and the report counts both."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset
from inspect_ai.model import ChatMessageUser, ContentImage, ContentText
from PIL import Image

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from mmtrust.api import report
from mmtrust.benchmarks.mub.tasks import mub_misleading
from mmtrust.datasets.mub import load_mub
from mmtrust.datasets.trustworld import trustworld_dataset
from mmtrust.models.tiny import build_tiny_llava, train_chat_tokenizer
from mmtrust.perturb.misleading import MC_SYSTEM_TEXT, YN_SYSTEM_TEXT
from tests.mub.records import clean_reply, record_of

CORRUPT_PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB"  # truncated header


@pytest.fixture(scope="module")
def tiny_llava(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tokenizer = train_chat_tokenizer([MC_SYSTEM_TEXT, YN_SYSTEM_TEXT, "A B C D Yes No"], 300)
    return build_tiny_llava(tmp_path_factory.mktemp("llava"), tokenizer=tokenizer)


def test_corrupt_image_mid_run_fails_only_its_item(tiny_llava: Path, tmp_path: Path) -> None:
    samples = list(trustworld_dataset("test", 6))
    broken = samples[3]
    broken.input = [
        ChatMessageUser(content=[ContentImage(image=CORRUPT_PNG), ContentText(text="?")])
    ]
    task = mub_misleading(modes="explicit", notes_per_item=1)
    task.dataset = MemoryDataset(samples)
    (log,) = inspect_eval(
        task,
        model=f"hf-vlm/{tiny_llava}",
        log_dir=str(tmp_path / "logs"),
        display="none",
        max_tokens=4,
    )
    assert log.status == "success"
    logged = {s.id: s for s in log.samples or []}
    assert broken.id is not None
    failed = clean_reply(logged[broken.id])
    assert failed.outcome == "model_error"
    assert "image" in (failed.error or "").lower()
    others = [clean_reply(s).outcome for i, s in logged.items() if i != broken.id]
    assert len(others) == 5 and "model_error" not in others

    runs = report(tmp_path / "logs", tmp_path / "out").runs
    outcomes = runs[0].metrics["outcomes"]
    assert outcomes["stage1.model_error"] == 1
    assert (tmp_path / "out" / "report.html").read_text().count("model_error") >= 1


def test_bad_image_files_are_input_errors_never_sent_good_ones_are(
    tiny_llava: Path, tmp_path: Path
) -> None:
    images = tmp_path / "extract_img_all"
    images.mkdir()
    (images / "1.jpg").write_bytes(b"\xff\xd8\xff garbage")
    Image.new("RGB", (40, 30), (200, 30, 30)).save(images / "2.jpg")
    record = {
        "question": "Is it red?",
        "answer": "Yes",
        "question_type_CHorYN": "YN",
        "dataset": "MME",
        "num": 6,
    }
    path = tmp_path / "mub.json"
    path.write_text(
        json.dumps(
            [
                {**record, "new_id": "extract_img_all/0.jpg"},  # missing
                {**record, "new_id": "extract_img_all/1.jpg"},  # corrupt
                {**record, "new_id": "extract_img_all/2.jpg"},  # fine: a path Inspect reads
            ]
        )
    )
    task = mub_misleading(modes="explicit")
    task.dataset = load_mub(path, images)
    (log,) = inspect_eval(
        task,
        model=f"hf-vlm/{tiny_llava}",
        log_dir=str(tmp_path / "logs"),
        display="none",
        max_tokens=4,
    )
    assert log.status == "success"
    samples = {str(s.id): s for s in log.samples or []}
    good = clean_reply(samples.pop("extract_img_all/2.jpg"))
    assert good.outcome != "model_error", good.error
    for sample in samples.values():
        assert record_of(sample).clean is None
        assert record_of(sample).input_error
        assert not [e for e in sample.events if e.event == "model"]
