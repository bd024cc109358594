"""The calibration task end to end: bookkeeping on a model with known replies
(tests/calibration/replies.py has the rules, tests/reply_rules.py says why), and confidence, ECE
and temperature scaling on the reference model."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset
from inspect_ai.log import EvalLog
from inspect_ai.model import ContentImage

from mmtrust import cli
from mmtrust.benchmarks.calibration.artifact import CalibrationArtifact
from mmtrust.benchmarks.calibration.prompts import MC_SUFFIX
from mmtrust.benchmarks.calibration.tasks import ROLE_KEY, calibration
from mmtrust.datasets.schema import ItemMetadata, make_sample
from mmtrust.report.html import render_report
from mmtrust.report.results import runs_from_log
from mmtrust.report.runs import Run
from tests.calibration.reference_runs import run_on_reference
from tests.calibration.replies import SERVER_ERROR, calibration_reply
from tests.reply_rules import ReplyRules


def _item(item_id: str, answer: str, role: str = "evaluate", **kw: object) -> ItemMetadata:
    return ItemMetadata(
        source="test",
        item_id=item_id,
        question=str(kw.pop("question", f"What colour is thing {item_id}?")),
        question_type="mc",
        answer=answer,
        options={"A": "red", "B": "blue", "C": "green", "D": "black"},
        extra={ROLE_KEY: role},
        **kw,  # type: ignore[arg-type]
    )


ITEMS = [
    _item("a1", "A"),  # the model replies "A": correct
    _item("a2", "A"),
    _item("b1", "B"),  # wrong
    _item("m1", "A", question="MUMBLE?"),  # unparseable
    _item("v1", "A", question="VAGUE?"),  # answers, but states no usable confidence
    _item("n1", "A", question="FAIL?"),  # model error
    _item("o1", "A", input_error="missing image: /data/o1.jpg does not exist"),
    _item("f1", "A", role="fit"),  # fit items are not reported on
]


def _rules_run(tmp_path: Path, confidence: str, rules: ReplyRules) -> tuple[EvalLog, Run]:
    task = calibration(fit_split="", confidence=confidence)  # type: ignore[arg-type]
    task.dataset = MemoryDataset([make_sample(item, None) for item in ITEMS])
    (log,) = inspect_eval(task, model=rules.model, log_dir=str(tmp_path), display="none")
    (run,) = runs_from_log(log)
    return log, run


def test_every_outcome_is_counted_and_only_answers_are_rated(tmp_path: Path) -> None:
    rules = ReplyRules(calibration_reply)
    log, run = _rules_run(tmp_path, "verbalised", rules)
    assert log.status == "success"
    assert run.task == "calibration" and run.n == 7  # the fit item is not an evaluated one
    m = run.metrics
    assert m["outcomes"] == {
        "correct": 3,
        "wrong": 1,
        "unparseable": 1,
        "model_error": 1,
        "input_error": 1,
    }
    assert m["accuracy"] == pytest.approx(3 / 4)
    assert m["coverage"] == pytest.approx(4 / 5)  # errors are not askable
    # "Confidence: lots" gives no confidence: 3 of the 4 answers are rated, at 0.8 each
    assert m["confidence_coverage"] == pytest.approx(3 / 4)
    assert m["mean_confidence"] == pytest.approx(0.8)
    # rated: a1, a2 right, b1 wrong -> one bin at 0.8 with accuracy 2/3
    assert m["ece"] == pytest.approx(abs(2 / 3 - 0.8))
    assert "ece_scaled" not in m  # stated confidences have no option scores to scale
    # the item with a bad image was never sent; the failing one was, once
    assert not any("o1" in request for request in rules.requests)
    assert sum("FAIL?" in request for request in rules.requests) == 1
    scores = {s.id: s.scores["calibrated_answer"] for s in log.samples or [] if s.scores}
    assert "missing image" in (scores["o1"].explanation or "")
    assert SERVER_ERROR in (scores["n1"].explanation or "")


def test_a_model_without_logprobs_is_answered_but_not_rated(tmp_path: Path) -> None:
    rules = ReplyRules(calibration_reply)
    _, run = _rules_run(tmp_path, "logprobs", rules)
    assert run.metrics["accuracy"] == pytest.approx(3 / 4)
    assert run.metrics["confidence_coverage"] == 0.0
    assert "ece" not in run.metrics
    assert MC_SUFFIX.strip() in rules.requests[0]


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[EvalLog, Run]:
    task = calibration(n=120, fit_n=120, prompt="mub")
    return run_on_reference(task, tmp_path_factory.mktemp("calibration"))


def test_reference_model_confidence_and_temperature_scaling(
    reference_run: tuple[EvalLog, Run],
) -> None:
    log, run = reference_run
    m = run.metrics
    assert log.status == "success" and run.n == 120
    assert m["coverage"] > 0.9 and m["confidence_coverage"] > 0.9
    assert 0.0 <= m["ece"] <= 1.0 and 0.0 <= m["brier"] <= 1.0
    assert m["ece_ci95"][0] <= m["ece"] <= m["ece_ci95"][1] + 1e-9
    # one temperature per answer format, both fitted on calib items
    assert set(m["temperature"]) == {"mc", "yn"}
    fits = run.details["temperature_fit"]
    assert all(f["option_nll_after"] <= f["option_nll_before"] + 1e-9 for f in fits.values())
    assert sum(f["fit_items"] for f in fits.values()) > 100
    # the reference model's yes/no answers are over-confident (existence at chance, stated
    # with near certainty): scaling fitted on calib lowers ECE on test
    assert m["ece_scaled"] < m["ece"]
    rated = round(m["confidence_coverage"] * m["outcomes"]["correct"] / m["accuracy"])
    assert sum(b["count"] for b in run.details["reliability"]) == rated


def test_fit_items_are_asked_with_their_images_like_the_test_items(
    reference_run: tuple[EvalLog, Run],
) -> None:
    log, _ = reference_run
    roles = {"fit": 0, "evaluate": 0}
    for sample in log.samples or []:
        role = sample.metadata["extra"][ROLE_KEY]
        roles[role] += 1
        user = sample.messages[0]
        assert isinstance(user.content, list)
        assert any(isinstance(part, ContentImage) for part in user.content), sample.id
    assert roles == {"fit": 120, "evaluate": 120}


def test_the_report_shows_calibration(reference_run: tuple[EvalLog, Run]) -> None:
    _, run = reference_run
    page = render_report([run])
    # the diagrams before and after temperature scaling
    assert "<h2>Calibration</h2>" in page and page.count('aria-label="reliability diagram') == 2
    assert f"{run.metrics['ece']:.3f}" in page


def test_calibrate_saves_the_temperatures_and_a_later_run_applies_them(
    reference_run: tuple[EvalLog, Run], tmp_path: Path
) -> None:
    log, run = reference_run
    artifact_path = tmp_path / "calibration.json"
    log_dir = Path(log.location.removeprefix("file://")).parent
    assert cli.main(["calibrate", str(log_dir), "-o", str(artifact_path)]) == 0
    artifact = CalibrationArtifact.load(artifact_path)
    assert artifact.model == "mmtrust/reference"
    assert artifact.temperatures == pytest.approx(run.metrics["temperature"])
    assert artifact.fitted_on["split"] == "calib" and artifact.fitted_on["prompt"] == "mub"

    task = calibration(n=30, fit_split="", prompt="mub", temperatures=str(artifact_path))
    (later,) = inspect_eval(task, model="mmtrust/reference", log_dir=str(tmp_path), display="none")
    (applied,) = runs_from_log(later)
    assert "ece_scaled" not in applied.metrics  # nothing was fitted in this run
    assert 0.0 <= applied.metrics["ece_artifact"] <= 1.0
    assert applied.details["artifact"]["temperatures"] == artifact.temperatures


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "bad JSON"),
        ('{"model": "m"}', "temperatures"),
        ('{"model": "m", "temperatures": {"mc": -1}}', "positive"),
    ],
)
def test_a_bad_artifact_is_refused_with_its_path(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "artifact.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=message) as error:
        CalibrationArtifact.load(path)
    assert str(path) in str(error.value)


def test_calibrate_without_fitted_runs_is_a_clear_error(tmp_path: Path) -> None:
    assert cli.main(["calibrate", str(tmp_path)]) == 2
