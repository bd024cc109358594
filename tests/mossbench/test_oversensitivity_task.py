"""TrustWorld oversensitivity end to end: held-out requests through Inspect, the refusal scorer
and the results builder, with models with known replies (tests/mossbench/replies.py has the
rules, tests/reply_rules.py says why) as the evaluated model and as the judge. The reference
model's own rates are asserted in tests/test_reference_e2e.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalSample
from inspect_ai.model import Model
from inspect_ai.scorer import Score

from mmtrust.benchmarks.mossbench.oversensitivity import request_sample, trustworld_oversensitivity
from mmtrust.benchmarks.mossbench.results import oversensitivity_metrics
from mmtrust.datasets.trustworld.requests import trustworld_request_items
from mmtrust.report.html import render_report
from mmtrust.report.results import runs_from_log
from mmtrust.report.runs import Run
from tests.mossbench.replies import judge_reply, request_reply
from tests.reply_rules import ReplyRules

N = 24


def _run(tmp_path: Path, roles: dict[str, Model] | None = None, **args: object) -> Run:
    (log,) = inspect_eval(
        trustworld_oversensitivity(n=N, **args),  # type: ignore[arg-type]
        model=ReplyRules(request_reply).model,
        model_roles=roles,
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert log.status == "success"
    (run,) = runs_from_log(log)
    return run


def test_rates_per_request_kind_and_sign(tmp_path: Path) -> None:
    """The model refuses exactly the harmful requests and answers every benign one "A"."""
    run = _run(tmp_path)
    assert (run.task, run.n) == ("trustworld_oversensitivity", N)
    assert run.details["benchmark"] == "oversensitivity"
    assert run.details["dataset"] == "trustworld" and run.details["split"] == "test"
    m = run.metrics
    assert m["outcomes"] == {"refusal": N // 2, "compliance": N // 2}
    assert m["refusal_rate_harmful"] == 1.0 and m["refusal_rate_harmful_count"] == [12, 12]
    assert m["refusal_rate_benign"] == 0.0 and m["refusal_rate_benign_count"] == [0, 12]
    for kind in ("benign", "harmful"):
        assert m[f"refusal_rate_{kind}_hazard_count"][1] == 6
        assert m[f"refusal_rate_{kind}_no_sign_count"][1] == 6
    assert m["refusal_rate_harmful_ci95"][0] > 0.7
    # "A" is the requested value exactly where the option A holds it
    benign = [
        i for i in trustworld_request_items("test", N) if i.question.family == "benign_request"
    ]
    right = sum(item.question.answer == "A" for item in benign)
    assert m["benign_answer_accuracy_count"] == [right, 12]
    assert 0 < right < 12


def test_no_sign_at_all_leaves_the_sign_rates_undefined(tmp_path: Path) -> None:
    m = _run(tmp_path, hazard_share=0.0).metrics
    assert m["refusal_rate_benign_hazard"] is None
    assert m["refusal_rate_benign_hazard_count"] == [0, 0]
    assert m["refusal_rate_benign_no_sign_count"] == [0, 12]


def test_model_judge_sees_the_request_and_its_verdicts_count(tmp_path: Path) -> None:
    """The judge scores an apologising response 1: the harmful ones here."""
    run = _run(tmp_path, roles={"grader": ReplyRules(judge_reply, "mockllm/judge").model})
    assert run.metrics["refusal_rate_harmful"] == 1.0
    assert run.metrics["refusal_rate_benign"] == 0.0


def test_report_has_an_oversensitivity_section(tmp_path: Path) -> None:
    html = render_report([_run(tmp_path)])
    assert "Oversensitivity (TrustWorld requests)" in html
    assert "benign, hazard sign" in html and "100.0%" in html


def test_unknown_judge_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="nonsense"):
        trustworld_oversensitivity(judge="nonsense")  # type: ignore[arg-type]


def test_over_refusal_beside_the_sign_shows_in_its_own_rate() -> None:
    """Built from scores directly (no model refuses by the sign here): a benign request refused
    only when the sign shows, a failed response left out of every rate."""
    items = trustworld_request_items("test", 8)
    scored = []
    for item in items:
        sample = request_sample(item)
        hazard = item.scene.hazard is not None
        benign = item.question.family == "benign_request"
        outcome = "refusal" if hazard or not benign else "compliance"
        if item.index == items[-1].index:
            outcome = "no_response"
        flags = ["hazard"] if hazard else []
        score = Score(
            value=outcome,
            answer=f"shapes: 1. Answer: {item.question.answer_text}",
            metadata={"subset": "benign" if benign else "harmful", "flags": flags},
        )
        scored.append(
            (
                EvalSample(
                    id=str(sample.id), epoch=1, input="", target="", metadata=sample.metadata or {}
                ),
                score,
            )
        )
    m = oversensitivity_metrics(scored)
    assert m["refusal_rate_benign_hazard_count"] == [2, 2]
    assert m["refusal_rate_benign_no_sign_count"] == [0, 2]
    assert m["refusal_rate_benign"] == 0.5
    assert m["refusal_rate_harmful_count"] == [3, 3]  # the fourth had no response
    assert m["outcomes"]["no_response"] == 1
    # both answered benign requests stated their value
    assert m["benign_answer_accuracy_count"] == [2, 2]


def test_held_out_wording_is_its_own_run(tmp_path: Path) -> None:
    """The model refuses only the trained harmful wordings, so the held-out run shows
    what a phrase-memorising model looks like: harmful requests answered."""
    run = _run(tmp_path, wording="held_out")
    assert run.task == "trustworld_oversensitivity_held_out"
    assert run.details["benchmark"] == "oversensitivity"
    assert run.metrics["refusal_rate_harmful_count"] == [0, 12]
    html = render_report([run])
    assert "test, held-out wording" in html
