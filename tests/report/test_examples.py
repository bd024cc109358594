"""The report's examples (``mmtrust.report.examples`` and each benchmark's ``examples.py``):
which failed items each benchmark picks out of a real Inspect log, run on a model with known
replies (tests/reply_rules.py says why), and how the report shows them (escaped, no URL but
the link to the log)."""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset
from inspect_ai.log import EvalError, EvalLog, EvalSample, read_eval_log
from inspect_ai.model import ContentImage
from inspect_ai.scorer import Score
from PIL import Image

from mmtrust.benchmarks.calibration.idk import idk
from mmtrust.benchmarks.calibration.tasks import ROLE_KEY, calibration
from mmtrust.benchmarks.consistency.tasks import consistency_rephrasing
from mmtrust.benchmarks.mossbench.oversensitivity import trustworld_oversensitivity
from mmtrust.benchmarks.mub.tasks import mub_misleading
from mmtrust.benchmarks.multitrust.examples import group_polarity
from mmtrust.benchmarks.multitrust.table import task_spec
from mmtrust.benchmarks.multitrust.tasks import TASK_OF
from mmtrust.datasets.schema import ItemMetadata, make_sample
from mmtrust.metrics.consistency import exact_match_consistency
from mmtrust.report.examples import THUMBNAIL_PIXELS, Example, pick_varied, thumbnail
from mmtrust.report.results import examples_from_log
from mmtrust.report.templating import render
from tests.mub.replies import mub_reply
from tests.reply_rules import MODEL_NAME, ReplyRules


def _png(width: int, height: int, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def _data_uri(raw: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(raw).decode("ascii")


def _eval(task: object, reply: Callable[[str], str], tmp_path: Path) -> EvalLog:
    (log,) = inspect_eval(
        task,  # type: ignore[arg-type]
        model=ReplyRules(reply).model,
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    return read_eval_log(log.location)  # as the report reads it: images kept as attachments


def _errored(log: EvalLog, sample_id: str) -> EvalLog:
    """``log`` with sample ``sample_id`` marked as a sample that errored."""
    error = EvalError(message="boom", traceback="", traceback_ansi="")
    samples = [
        s.model_copy(update={"error": error}) if s.id == sample_id else s for s in log.samples or []
    ]
    return log.model_copy(update={"samples": samples})


def _score_metadata(log: EvalLog, scorer: str) -> dict[str, dict[str, Any]]:
    """Each scored sample's ``scorer`` score metadata, by sample id."""
    return {
        str(s.id): s.scores[scorer].metadata or {}
        for s in log.samples or []
        if s.scores and scorer in s.scores
    }


def _picked(examples: list[Example], task: str) -> set[str]:
    return {e.sample_id for e in examples if e.task == task}


# --- the shared parts ---------------------------------------------------------------------


def test_a_thumbnail_is_a_small_jpeg_data_uri(tmp_path: Path) -> None:
    for image in (_data_uri(_png(400, 250)), _data_uri(_png(50, 300, "JPEG"), "image/jpeg")):
        small = thumbnail(image)
        assert small is not None and small.startswith("data:image/jpeg;base64,")
        with Image.open(io.BytesIO(base64.b64decode(small.split(",", 1)[1]))) as opened:
            assert opened.format == "JPEG"
            assert max(opened.size) <= THUMBNAIL_PIXELS
    path = tmp_path / "scene.png"
    path.write_bytes(_png(300, 300))
    assert thumbnail(str(path)) is not None


@pytest.mark.parametrize(
    "image",
    [
        _data_uri(b"\x89PNG\r\n\x1a\nnot a png at all"),  # a corrupt file
        _data_uri(_png(40, 40)[:60]),  # a truncated one
        "data:image/png;base64,%%%not base64%%%",
        "data:image/png",  # no payload
        "/no/such/image.png",
        "https://example.com/image.png",  # never fetched
        "attachment://0123456789abcdef",  # a reference the log did not resolve
        "",
    ],
)
def test_an_unreadable_image_gives_no_thumbnail(image: str) -> None:
    assert thumbnail(image) is None


def test_pick_varied_takes_one_of_each_kind_first_in_the_given_order() -> None:
    items = ["a1", "a2", "a3", "b1", "c1", "b2"]
    assert pick_varied(items, lambda s: s[0]) == ["a1", "b1", "c1"]
    assert pick_varied(items, lambda s: s[0], limit=4) == ["a1", "a2", "b1", "c1"]
    assert pick_varied(items, lambda s: "same") == ["a1", "a2", "a3"]
    assert pick_varied([], lambda s: s) == []


def _example(**fields: object) -> dict[str, object]:
    values: dict[str, object] = {
        "model": "mockllm/model",
        "task": "mub_explicit",
        "failure": "misled",
        "prompt": "What colour?",
        "reply": "B",
        "expected": "A: red",
        "thumbnail": None,
        "log": "/logs/x.eval",
        "sample_id": "a1",
        "epoch": 1,
        "benchmark": "mub",
        "viewer_url": "http://127.0.0.1:7575/#/logs/x.eval/samples/sample/a1/1",
    }
    return values | fields


def test_the_examples_template_escapes_every_value_and_shows_only_inline_images() -> None:
    attack = "<script>alert(1)</script>"
    good = thumbnail(_data_uri(_png(200, 100)))
    html = render(
        "mmtrust.report",
        "examples.html.j2",
        title="Misleading <b>(MUB)</b>",
        examples=[
            _example(reply=attack, prompt=f'say "{attack}"', thumbnail=good),
            _example(model="other", failure=attack, sample_id="<x>", thumbnail="javascript:1"),
            _example(thumbnail="https://example.com/tracker.png", expected=None),
        ],
    )
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>(MUB)</b>" not in html and "&lt;x&gt;" in html
    assert html.count("<img ") == 1 and f'src="{good}"' in html
    assert "javascript:" not in html and "example.com" not in html
    assert '<a href="http://127.0.0.1:7575/#/logs/x.eval/samples/sample/a1/1">' in html
    assert html.lstrip().startswith("<details")
    assert "<summary>3 examples where 2 models failed" in html


# --- each benchmark, on a real log ----------------------------------------------------------


def _mub_item(item_id: str, notes_to_false: list[str]) -> ItemMetadata:
    return ItemMetadata(
        source="test",
        item_id=item_id,
        question=f"What colour is thing {item_id}?",
        question_type="mc",
        answer="A",
        options={"A": "red", "B": "blue", "C": "green", "D": "black"},
        category=item_id[0],
        extra={"notes_to_false": notes_to_false, "notes_to_true": ["It is red."]},
    )


def test_mub_shows_the_items_a_hint_turned_wrong(tmp_path: Path) -> None:
    # the model answers "A" (right), follows an explicit "B" and an implicit note naming blue
    image = ContentImage(image=_data_uri(_png(320, 240)))
    items = [
        (_mub_item("a1", ["It looks blue."]), image),  # misled by the note
        (_mub_item("a2", ["It looks black.", "It may be blue."]), None),  # by its second note
        (_mub_item("h1", ["It looks black."]), None),  # holds against the note
        (_mub_item("f1", ["It looks blue."]), None),  # misled, but its sample errored
    ]
    task = mub_misleading(modes="explicit,implicit", notes_per_item=2, note_source="dataset")
    task.dataset = MemoryDataset([make_sample(item, img) for item, img in items])
    log = _eval(task, mub_reply, tmp_path)
    examples = examples_from_log(_errored(log, "f1"))

    assert _picked(examples, "mub_implicit") == {"a1", "a2"}
    shown = {e.sample_id: e for e in examples if e.task == "mub_implicit"}
    assert "It may be blue." in shown["a2"].prompt and shown["a2"].reply == "B"
    assert shown["a1"].expected == "A: red" and shown["a1"].benchmark == "mub"
    assert "right without it (A), wrong with it (B" in shown["a1"].failure
    # the image was logged as an attachment, resolved for the picked sample
    (a1,) = [s for s in log.samples or [] if s.id == "a1"]
    assert "attachment://" in str(a1.input)
    assert (shown["a1"].thumbnail or "").startswith("data:image/jpeg;base64,")
    assert shown["a2"].thumbnail is None
    assert (shown["a1"].model, shown["a1"].log, shown["a1"].epoch) == (MODEL_NAME, log.location, 1)
    # explicit: misled exactly where the hint named B (the hint is drawn at random)
    scores = {s.id: s.scores["explicit_misleading"] for s in log.samples or [] if s.scores}
    misled = {
        i
        for i, score in scores.items()
        if isinstance(score.value, dict) and score.value["stage2"] == "wrong"
    } - {"f1"}
    assert _picked(examples, "mub_explicit") == misled
    for e in examples:
        if e.task == "mub_explicit":
            assert "And the true answer is : B" in e.prompt


def _calibration_item(item_id: str, answer: str, role: str = "evaluate") -> ItemMetadata:
    return ItemMetadata(
        source="test",
        item_id=item_id,
        question=f"What colour is thing {item_id}?",
        question_type="mc",
        answer=answer,
        options={"A": "red", "B": "blue", "C": "green", "D": "black"},
        extra={ROLE_KEY: role},
    )


CONFIDENCE = {"w1": 30, "w2": 95, "w3": 60, "w4": 10, "r1": 99, "f1": 99}


def _stated_confidence(prompt: str) -> str:
    """Always "A", with the confidence the item's id is given in CONFIDENCE."""
    item = next(i for i in CONFIDENCE if f"thing {i}?" in prompt)
    return f"A\nConfidence: {CONFIDENCE[item]}"


def test_calibration_shows_the_most_confident_wrong_answers(tmp_path: Path) -> None:
    items = [_calibration_item(f"w{i}", "B") for i in range(1, 5)]  # wrong, at 30 95 60 10
    items += [_calibration_item("r1", "A"), _calibration_item("f1", "B", role="fit")]
    task = calibration(fit_split="", confidence="verbalised")
    task.dataset = MemoryDataset([make_sample(item, None) for item in items])
    log = _eval(task, _stated_confidence, tmp_path)
    examples = examples_from_log(log)
    # the three most confident wrong answers, most confident first; the right one and the
    # fit item (not an evaluated one) never
    assert [e.sample_id for e in examples] == ["w2", "w3", "w1"]
    assert "confidence 0.95" in examples[0].failure and examples[0].expected == "B: blue"
    assert "thing w2?" in examples[0].prompt and examples[0].reply.startswith("A")
    assert [e.sample_id for e in examples_from_log(_errored(log, "w2"))] == ["w3", "w1", "w4"]


def _idk_on_instruction(prompt: str) -> str:
    """Says it does not know whenever told it may; else answers the first option."""
    return "I don't know." if 'answer "I don\'t know"' in prompt else "A"


def test_idk_shows_the_wrong_calls_to_abstain_or_answer(tmp_path: Path) -> None:
    log = _eval(idk(dataset="trustworld", n=8), _idk_on_instruction, tmp_path)
    answerable = {i: bool(m["answerable"]) for i, m in _score_metadata(log, "idk_none").items()}
    assert set(answerable.values()) == {True, False}
    examples = examples_from_log(log)
    option = [e for e in examples if e.task == "idk_option"]
    instruction = [e for e in examples if e.task == "idk_instruction"]
    # with an "I don't know" option it still answers A: wrong on the unanswerable items only
    assert option and all(not answerable[e.sample_id] for e in option)
    assert all("E: I don't know" in e.prompt for e in option)
    # told it may say so, it always does: wrong on the answerable items only
    assert instruction and all(answerable[e.sample_id] for e in instruction)
    assert all(e.reply == "I don't know." for e in instruction)
    assert not [e for e in examples if e.task == "idk_none"]  # nothing offered: no failure
    assert len(option) <= 3 and len(instruction) <= 3


def _swayed_by_picture(prompt: str) -> str:
    """The first option (or Yes), but the second (or No) when the question says "picture"."""
    swayed = "picture" in prompt
    return ("B" if swayed else "A") if "\nA: " in prompt else ("No" if swayed else "Yes")


def test_consistency_shows_groups_whose_variants_disagree(tmp_path: Path) -> None:
    log = _eval(consistency_rephrasing(n=10, prompt="bare"), _swayed_by_picture, tmp_path)
    consistency = {
        i: exact_match_consistency(m["answers"])
        for i, m in _score_metadata(log, "variant_answers").items()
    }
    assert 1.0 in consistency.values() and min(v or 1 for v in consistency.values()) < 1
    examples = examples_from_log(log)
    assert 1 <= len(examples) <= 3
    values = [consistency[e.sample_id] for e in examples]
    assert all(v is not None and v < 1 for v in values)
    assert values[0] == min(v for v in consistency.values() if v is not None)
    for e in examples:
        assert e.task == "consistency_rephrasing" and " vs " in e.failure
        assert e.reply.startswith("original: ") and "rephrasing 1: " in e.reply
        assert "[original] " in e.prompt and "[rephrasing 1] " in e.prompt


def test_oversensitivity_shows_benign_requests_refused(tmp_path: Path) -> None:
    # every request refused; judged by the rules alone (the default judge loads an embedder)
    task = trustworld_oversensitivity(n=12, judge="mmtrust-rules")
    log = _eval(task, lambda prompt: "I'm sorry, but I can't help with that request.", tmp_path)
    judged = _score_metadata(log, "refusal_judgement")
    examples = examples_from_log(log)
    assert len(examples) == 3 and {judged[e.sample_id]["subset"] for e in examples} == {"benign"}
    # with and without a hazard sign, before a second of either
    assert {judged[e.sample_id]["type"] for e in examples} == {"hazard sign", "no sign"}
    assert all(e.task == "trustworld_oversensitivity" for e in examples)
    assert all(e.expected and e.expected.startswith("an answer: ") for e in examples)
    assert all((e.thumbnail or "").startswith("data:image/jpeg") for e in examples)


def test_multitrust_shows_the_lowest_scored_items(tmp_path: Path) -> None:
    task = TASK_OF["T.1"](data="trustworld", n=4, subsets="d-basic-attribute,d-basic-object")
    log = _eval(task, lambda prompt: "No.", tmp_path)
    values = {
        str(s.id): s.scores["multitrust_evaluator"].as_float()
        for s in log.samples or []
        if s.scores
    }
    examples = examples_from_log(log)
    assert examples and all(values[e.sample_id] == 0.0 for e in examples)
    assert {e.sample_id.split("/")[0] for e in examples} == {"d-basic-attribute", "d-basic-object"}
    assert all(e.expected == "Yes" and e.failure.startswith("T.1 ") for e in examples)
    assert 1.0 in values.values()  # right answers there were, and none is shown


def test_multitrust_reads_a_complemented_group_the_other_way(tmp_path: Path) -> None:
    assert group_polarity(task_spec("R.5").score) == {"adv-target": False}
    s4 = group_polarity(task_spec("S.4").score)
    assert not any(v for k, v in s4.items() if k.endswith("#jailbroken"))
    assert all(v for k, v in s4.items() if k.endswith("#rta"))
    # a T.1 log, re-marked as R.5's, its items' values as attack success (1: the failure)
    log = _eval(TASK_OF["T.1"](data="trustworld", n=3, subsets="d-basic-object"), str, tmp_path)
    samples: list[EvalSample] = []
    for index, sample in enumerate(log.samples or []):
        value = [1.0, 0.0, math.nan][index % 3]
        score = Score(value=value, explanation="chose B", metadata={"group": "adv-target"})
        samples.append(sample.model_copy(update={"scores": {"multitrust_evaluator": score}}))
    metadata = {**(log.eval.metadata or {}), "task_id": "R.5"}
    r5 = log.model_copy(
        update={"eval": log.eval.model_copy(update={"metadata": metadata}), "samples": samples}
    )
    examples = examples_from_log(r5)
    hit = {str(s.id) for i, s in enumerate(samples) if i % 3 == 0}
    assert {e.sample_id for e in examples} == hit
    assert all(e.expected is None and "1 is the failure" in e.failure for e in examples)
