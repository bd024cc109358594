"""The MUB two-stage pipeline's bookkeeping, checked exactly against a model with known
replies (tests/mub/replies.py has the rules; tests/reply_rules.py says why such a model is
used here)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset
from inspect_ai.log import EvalLog, resolve_sample_attachments

from mmtrust.benchmarks.mub.solver import MubStore
from mmtrust.benchmarks.mub.tasks import mub_misleading
from mmtrust.datasets.schema import ItemMetadata, make_sample
from mmtrust.report.html import INSPECT_VIEW
from mmtrust.report.results import runs_from_log
from tests.mub.records import record_of
from tests.mub.replies import SERVER_ERROR, mub_reply
from tests.reply_rules import MODEL_NAME, ReplyRules


def _item(item_id: str, answer: str, question: str = "", **kw: object) -> ItemMetadata:
    options = {"A": "red", "B": "blue", "C": "green", "D": "black"}
    return ItemMetadata(
        source="test",
        item_id=item_id,
        # distinct texts: with no images, the prompt text alone tells requests apart
        question=question or f"What colour is thing {item_id}?",
        question_type="mc",
        answer=answer,
        options=options,
        difficulty="low" if item_id < "m" else "high",
        extra={
            "notes_to_false": ["It looks blue.", "It looks black.", "It looks blue."],
            "notes_to_true": ["Think of the sky: blue.", "Not red."],
        },
        **kw,  # type: ignore[arg-type]
    )


ITEMS = [
    _item("a1", "A"),  # clean right; explicit target random wrong; notes include "blue"
    _item("a2", "A"),
    _item("a3", "A"),
    _item("b1", "B"),  # clean wrong (says A); explicit target B -> corrected
    _item("c1", "C"),  # clean wrong; explicit target C -> not followed
    _item("m1", "A", question="MUMBLE?"),  # unparseable clean reply
    _item("n1", "A", question="FAIL?"),  # model error on every request
    _item("o1", "A", input_error="missing image: /data/o1.jpg does not exist"),
]


def _run(
    tmp_path: Path, modes: str = "explicit,implicit", rules: ReplyRules | None = None
) -> EvalLog:
    model = (rules or ReplyRules(mub_reply)).model
    task = mub_misleading(modes=modes, notes_per_item=3, note_source="dataset")
    task.dataset = MemoryDataset([make_sample(item, None) for item in ITEMS])
    (log,) = inspect_eval(task, model=model, log_dir=str(tmp_path), display="none")
    return log


def test_outcomes_and_rates_are_exact(tmp_path: Path) -> None:
    log = _run(tmp_path)
    assert log.status == "success"
    assert log.results is not None
    logged = {s.name: s.metrics for s in log.results.scores}
    assert logged["explicit_misleading"]["accuracy"].value == pytest.approx(3 / 5)
    assert logged["implicit_misleading"]["misleading_rate_t2f"].value == 1.0
    records = {s.id: record_of(s) for s in log.samples or []}
    runs = {run.task: run for run in runs_from_log(log)}
    explicit, implicit = runs["mub_explicit"], runs["mub_implicit"]

    # stage 1: a1-a3 right, b1 and c1 wrong, m1 unparseable, n1 model error, o1 input error
    assert explicit.metrics["accuracy_count"] == [3, 5]
    assert explicit.metrics["coverage_count"] == [5, 6]
    # explicit: the model follows only "B"; count the T->F probes that named B
    probes = [records[i].explicit for i in ("a1", "a2", "a3")]
    misled = sum(probe is not None and probe.target == "B" for probe in probes)
    assert explicit.metrics["misleading_rate_t2f_count"] == [misled, 3]
    # F->T: b1 is told B (followed), c1 is told C (not followed)
    assert explicit.metrics["misleading_rate_f2t_count"] == [1, 2]
    # implicit: every correct item gets the "blue" note -> all misled; b1 corrected by the
    # "Think of the sky: blue." note, c1 too (the note names blue and the model says B: wrong)
    assert implicit.metrics["misleading_rate_t2f_count"] == [3, 3]
    assert implicit.metrics["misleading_rate_f2t_count"] == [1, 2]
    outcomes = explicit.metrics["outcomes"]
    assert outcomes["stage1.model_error"] == 1 and outcomes["stage1.input_error"] == 1
    assert outcomes["stage1.unparseable"] == 1
    failed = records["n1"].clean
    assert failed is not None and SERVER_ERROR in str(failed.error)
    assert records["o1"].clean is None  # nothing sent for a bad input
    strata = explicit.details["strata"]["difficulty"]
    assert strata["low"]["accuracy_count"] == [3, 5]

    # the paper's convention: m1's unparseable replies are wrong (it was misled towards the
    # truth, A, and its replies stay unparseable); n1's model error and o1 stay excluded
    paper = explicit.metrics["paper_convention"]
    assert paper["accuracy_count"] == [3, 6]
    assert paper["misleading_rate_t2f_count"] == [misled, 3]
    assert paper["misleading_rate_f2t_count"] == [1, 3]
    assert records["m1"].explicit is not None and records["m1"].explicit.target == "A"
    assert implicit.metrics["paper_convention"]["misleading_rate_f2t_count"] == [1, 3]
    assert paper["outcomes"]["stage1.model_error"] == 1
    assert paper["outcomes"]["stage1.input_error"] == 1
    assert "stage1.unparseable" not in paper["outcomes"]
    assert logged["explicit_misleading"]["accuracy_paper"].value == pytest.approx(3 / 6)
    assert strata["high"]["paper_convention"]["accuracy_count"] == [0, 1]


def test_a_letter_that_is_no_option_is_a_wrong_answer(tmp_path: Path) -> None:
    items = [_item("a1", "A"), _item("u1", "A", question="FIFTH?")]
    task = mub_misleading(modes="explicit")
    task.dataset = MemoryDataset([make_sample(item, None) for item in items])
    (log,) = inspect_eval(
        task, model=ReplyRules(mub_reply).model, log_dir=str(tmp_path), display="none"
    )
    clean = record_of(next(s for s in log.samples or [] if s.id == "u1")).clean
    assert clean is not None and clean.outcome == "wrong"
    assert clean.extraction.startswith("unknown_option")
    (run, *_) = runs_from_log(log)
    # answered under both conventions: a1 right, u1 wrong; u1 is told A and still says E
    for metrics in (run.metrics, run.metrics["paper_convention"]):
        assert metrics["accuracy_count"] == [1, 2]
        assert metrics["misleading_rate_f2t_count"] == [0, 1]


def test_no_identical_request_is_sent_twice(tmp_path: Path) -> None:
    rules = ReplyRules(mub_reply)
    _run(tmp_path, rules=rules)
    requests = Counter(rules.requests)
    assert max(requests.values()) == 1
    # 7 clean (o1 has a bad input); 6 items asked again (5 answered and m1, whose unparseable
    # reply is misled towards the truth for the paper's convention) x (1 explicit + notes)
    notes = 2 * 3 + 1 * 2 + 1 * 2 + 1 * 2  # a1-a3: 2 distinct of 3; b1, c1, m1: 2 each
    assert len(rules.requests) == 7 + 6 + notes


def test_stage_one_is_shared_across_modes(tmp_path: Path) -> None:
    explicit_only, both, implicit_only = (ReplyRules(mub_reply) for _ in range(3))
    _run(tmp_path, modes="explicit", rules=explicit_only)
    _run(tmp_path / "both", rules=both)
    _run(tmp_path / "implicit", modes="implicit", rules=implicit_only)
    # the 7 clean requests, asked once
    assert len(both.requests) == len(explicit_only.requests) + len(implicit_only.requests) - 7


def test_prompts_are_logged_verbatim(tmp_path: Path) -> None:
    rules = ReplyRules(mub_reply)
    log = _run(tmp_path, rules=rules)
    sample = resolve_sample_attachments(next(s for s in log.samples or [] if s.id == "a1"))
    record = sample.store_as(MubStore).record
    assert record is not None and record.explicit is not None and record.explicit.target
    explicit = record.explicit
    assert explicit.prompt in rules.requests
    assert "And the true answer is : " + str(explicit.target) in explicit.prompt
    model_inputs = [
        e.input[-1].text
        for e in sample.events
        if e.event == "model"  # type: ignore[union-attr]
    ]
    assert explicit.prompt in model_inputs


def test_results_json_shape(tmp_path: Path) -> None:
    from mmtrust.api import report

    _run(tmp_path / "logs")
    report(tmp_path / "logs", tmp_path / "out")
    document = json.loads((tmp_path / "out" / "results.json").read_text())
    assert {run["task"] for run in document["runs"]} == {"mub_explicit", "mub_implicit"}
    for run in document["runs"]:
        assert run["model"] == MODEL_NAME and run["n"] == len(ITEMS)
        for key in ("accuracy", "misleading_rate_t2f", "misleading_rate_f2t"):
            assert 0.0 <= run["metrics"][key] <= 1.0
            assert 0.0 <= run["metrics"]["paper_convention"][key] <= 1.0
            assert key in run["strata"]["difficulty"]["low"]["paper_convention"]
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Paper convention" in html and "paper: MR(T→F)" in html
    assert (
        "<svg" in html
        and "MR(T→F)" in html
        # no address but the SVG namespace and the examples' links to Inspect View
        and "http" not in html.replace("http://www.w3.org/2000/svg", "").replace(INSPECT_VIEW, "")
    )


@pytest.mark.parametrize("modes", ["", "sideways"])
def test_bad_modes_are_rejected(modes: str) -> None:
    with pytest.raises(ValueError, match="mode"):
        mub_misleading(modes=modes)
