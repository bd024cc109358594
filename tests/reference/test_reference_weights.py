"""The shipped reference model: present, small, loadable offline, and answering TrustWorld."""

from __future__ import annotations

import json
import re

from transformers import AutoModelForImageTextToText, AutoProcessor

from mmtrust.datasets.trustworld import trustworld_items
from mmtrust.perturb.misleading import answer_space, clean_prompt
from mmtrust.reference import REFERENCE_MODEL_DIR, reference_model_dir
from mmtrust.reference.config import REFERENCE_RECIPE
from mmtrust.reference.evaluate import greedy_replies
from mmtrust.reference.train import SUMMARY_FILE
from mmtrust.scoring.answer import extract_answer

MAX_WEIGHTS_BYTES = 20 * 1024 * 1024
MIN_CALIB_CORRECT = 30
REPLY_FORMAT = re.compile(r"(?:[\w ]+: [\w ]+\. )+Answer: \w+")
"""Of the first 48 calib items (chance is 1/4 for multiple choice, 1/2 for yes/no, about 17 in
all; the shipped model scored 0.77 on the whole calib split)."""


def test_shipped_weights_stay_within_20_mb() -> None:
    total = sum(path.stat().st_size for path in REFERENCE_MODEL_DIR.rglob("*") if path.is_file())
    assert total <= MAX_WEIGHTS_BYTES


def test_shipped_weights_were_trained_with_the_current_recipe() -> None:
    directory = reference_model_dir()
    assert (directory / "MODEL_CARD.md").is_file()
    summary = json.loads((directory / SUMMARY_FILE).read_text())
    assert summary["recipe"] == REFERENCE_RECIPE.to_dict()


def test_shipped_weights_load_offline_and_answer_calib_items() -> None:
    directory = reference_model_dir()
    processor = AutoProcessor.from_pretrained(directory, local_files_only=True)
    model = AutoModelForImageTextToText.from_pretrained(directory, local_files_only=True)
    items = trustworld_items("calib", 48)
    metas = [item.metadata() for item in items]
    requests = [(item.image(), clean_prompt(m)) for item, m in zip(items, metas, strict=True)]
    replies = greedy_replies(model, processor, requests)
    answers = [extract_answer(r, m).answer for r, m in zip(replies, metas, strict=True)]
    # the reply format is learnt exactly: an observation, then the answer, in every reply
    assert all(REPLY_FORMAT.fullmatch(reply) for reply in replies), replies
    # and the answer names an option nearly always (this model once saw a yellow cross where
    # the options offered no yellow: a wrong reading, not a broken format)
    outside = [
        r for r, a, m in zip(replies, answers, metas, strict=True) if a not in answer_space(m)
    ]
    assert len(outside) <= 2, outside
    correct = sum(answer == m.answer for answer, m in zip(answers, metas, strict=True))
    assert correct >= MIN_CALIB_CORRECT
