"""The report's templates: everything from a model, a task or a log is escaped, every template
renders with StrictUndefined, and the page stays one file with no script and no network.

Runs are built by hand with the metric keys each section reads; no model runs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
import pytest

import mmtrust
from mmtrust.benchmarks.calibration.idk_report import idk_section
from mmtrust.benchmarks.calibration.report import calibration_section
from mmtrust.benchmarks.consistency.report import consistency_section
from mmtrust.benchmarks.mossbench.report import oversensitivity_section, refusal_section
from mmtrust.benchmarks.mub.report import misleading_section
from mmtrust.benchmarks.multitrust.report import multitrust_section
from mmtrust.report.examples import Example
from mmtrust.report.html import INSPECT_VIEW, render_report
from mmtrust.report.log_selection import IncompleteRun, LogProblem, LogSelection
from mmtrust.report.runs import Run
from mmtrust.report.templating import SHARED, environment

XSS = "<script>alert(1)</script>"
SOURCE = Path(mmtrust.__file__).parent
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def _rates(**rates: tuple[float | None, int, int]) -> dict[str, Any]:
    """``key=(value, successes, total)``: the value, its interval and its count."""
    metrics: dict[str, Any] = {}
    for key, (value, successes, total) in rates.items():
        metrics |= {key: value, f"{key}_ci95": [0.1, 0.9], f"{key}_count": [successes, total]}
    return metrics


def _details(benchmark: str, text: str, **more: Any) -> dict[str, Any]:
    return {
        "benchmark": benchmark,
        "dataset": "trustworld",
        "split": f"test{text}",
        "prompt": f"mub{text}",
        "samples_failed": 0,
        "provenance": {
            "task_version": 1,
            "task_args": {"split": "test", "n": None, "template": f"And {text}", "k": [1, text]},
            "generate_config": {"temperature": 0.0},
            "model_args": {},
            "model_revision": None,
            "log": f"file:///logs/{text}.eval",
        },
        **more,
    }


def mub_run(text: str = "", full: bool = True) -> Run:
    outcomes = {"stage1.correct": 6, "stage1.wrong": 3, f"stage1.unparseable{text}": 1}
    outcomes |= {"stage2.correct": 5, "stage2.model_error": 1}
    metrics: dict[str, Any] = (
        {
            **_rates(
                accuracy=(0.667, 6, 9),
                misleading_rate_t2f=(0.5, 3, 6),
                misleading_rate_f2t=(None, 0, 0),
                coverage=(0.9, 9, 10),
            ),
            "outcomes": outcomes,
        }
        if full
        else {}
    )
    stratum = {"accuracy": 0.5, "accuracy_count": [1, 2], "outcomes": outcomes}
    strata = {f"difficulty{text}": {f"low{text}": stratum, "high": stratum}, "one": {"x": {}}}
    return Run(
        f"model{text}", f"mub_explicit{text}", 10, metrics, _details("mub", text, strata=strata)
    )


def calibration_run(text: str = "", full: bool = True) -> Run:
    bins = [
        {"count": 0, "accuracy": 0.0},
        {"count": 4, "accuracy": 0.75},
        {"count": 2, "accuracy": 1},
    ]
    metrics: dict[str, Any] = {
        "accuracy": 0.7,
        "mean_confidence": 0.8,
        "ece": 0.1,
        "ece_ci95": [0.05, 0.2],
        "ece_scaled": 0.05,
        "ece_scaled_ci95": [0.01, 0.1],
        "mce": 0.3,
        "brier": 0.2,
        "auroc": 0.6,
        "aurc": 0.3,
        "coverage": 1.0,
    }
    fit = {
        "temperature": 1.5,
        "grid_temperature": 1.49,
        "fit_items": 30,
        "option_nll_before": 0.9,
        "option_nll_after": 0.7,
    }
    details = _details(
        "calibration",
        text,
        reliability=bins,
        reliability_scaled=bins,
        temperature_fit={f"mc{text}": fit},
    )
    if not full:
        metrics, details = {}, _details("calibration", text)
    return Run(f"model{text}", f"calibration{text}", 10, metrics, details)


def idk_run(text: str = "", full: bool = True) -> Run:
    metrics = (
        _rates(
            idk_rate=(0.5, 2, 4),
            false_idk_rate=(0.0, 0, 6),
            accuracy=(0.5, 3, 6),
            abstention_aware_accuracy=(0.5, 5, 10),
            coverage=(None, 0, 0),
        )
        if full
        else {}
    )
    return Run(f"model{text}", f"idk_option{text}", 10, metrics, _details("idk", text))


def consistency_run(text: str = "", full: bool = True) -> Run:
    keys = ("accuracy", "soft_accuracy", "ss_gt", "consistency", "semantic_similarity", "hmean")
    metrics: dict[str, Any] = {key: 0.5 for key in keys}
    metrics |= {
        "closed_consistency": None,
        "closed_accuracy": 0.25,
        "accuracy_by_variant": {"original": 0.5, f"rephrasing 1{text}": 0.25},
        "outcomes": {"groups_scored": 4, "variants_failed": 1, f"odd{text}": 2},
    }
    return Run(
        f"model{text}",
        f"consistency_rephrasing{text}",
        4,
        metrics if full else {},
        _details("consistency", text),
    )


def _judge(text: str, agreement: bool) -> dict[str, Any]:
    scores = {"f1": 0.9, "precision": 0.8, "recall": 0.7}
    return {
        "judge": f"mmtrust{text}",
        "grader": f"scripted/judge{text}" if not agreement else None,
        "note": f"run validate-judge{text}",
        "agreement": (
            {
                "xstest": scores,
                "xstest_worst_setup": {**scores, "setup": f"mistral{text}"},
                "own_held_out": scores,
            }
            if agreement
            else None
        ),
        "unparseable": 1,
        "judge_errors": 0,
    }


def _refusal_run(kind: str, task: str, columns: list[str], text: str, full: bool) -> Run:
    metrics: dict[str, Any] = _rates(**{key: (0.25, 1, 4) for key in columns})
    metrics["outcomes"] = {"compliance": 3, f"refusal{text}": 1}
    judge = _judge(text, agreement=full) if full else "not a card"
    return Run(f"model{text}", task, 4, metrics if full else {}, _details(kind, text, judge=judge))


def mossbench_run(text: str = "", full: bool = True) -> Run:
    columns = ["refusal_rate", "refusal_rate_reference", "refusal_rate_type1", "refusal_rate_ocr"]
    return _refusal_run("mossbench", f"mossbench_contrast{text}", columns, text, full)


def oversensitivity_run(text: str = "", full: bool = True) -> Run:
    columns = ["refusal_rate_benign_no_sign", "refusal_rate_benign_hazard", "refusal_rate_harmful"]
    task = f"trustworld_oversensitivity{text}_held_out"
    return _refusal_run("oversensitivity", task, columns, text, full)


def multitrust_run(text: str = "", full: bool = True) -> Run:
    """A task run (full) or, without one, the sub-aspect row over a partial set of tasks."""
    if full:
        metrics: dict[str, Any] = {
            "score": 41.5,
            "status": "partial",
            "groups": {f"d-basic-object{text}": {"n": 4, "mean": 0.5, "ci95": [0.1, 0.9]}},
            "outcomes": {"scored": 4, f"needs_grader{text}": 1},
        }
        more = {
            "task_id": f"T.1{text}",
            "title": f"Basic{text}",
            "analogue": True,
            "groups_missing": [f"d-basic-scene{text}"],
            "judges": {f"offline{text}": 4},
        }
        return Run(
            f"model{text}",
            f"multitrust_t1_basic{text}",
            5,
            metrics,
            _details("multitrust", text, **more),
        )
    aspect = {
        "title": f"T.I{text}",
        "score": 40.0,
        "ci95": [30.0, 50.0],
        "status": "partial",
        "tasks": {"T.1": 40.0},
        "tasks_missing": ["T.2", "T.3", "T.4"],
        "tasks_partial": [f"T.1{text}"],
    }
    keys = ("T.I", "T.M", "S.T", "S.J", "R.O", "R.A", "F.S", "F.B", "P.A", "P.L")
    sub_aspects = {key: dict(aspect) for key in keys}
    sub_aspects["R.A"] = {**aspect, "score": None, "status": "not_measured", "tasks": {}}
    overall = {
        "score": 40.0,
        "ci95": None,
        "status": "partial",
        "sub_aspects_missing": ["R.A"],
        "sub_aspects_partial": list(keys[:-1]),
    }
    return Run(
        f"model{text}",
        "multitrust_sub_aspects",
        1,
        {"sub_aspects": sub_aspects, "overall": overall},
        {"benchmark": "multitrust_sub_aspects", "dataset": f"trustworld{text}", "analogue": True},
    )


SECTIONS: dict[str, tuple[Callable[[list[Run]], str], Callable[..., Run]]] = {
    "mub": (misleading_section, mub_run),
    "calibration": (calibration_section, calibration_run),
    "idk": (idk_section, idk_run),
    "consistency": (consistency_section, consistency_run),
    "mossbench": (refusal_section, mossbench_run),
    "oversensitivity": (oversensitivity_section, oversensitivity_run),
    "multitrust": (multitrust_section, multitrust_run),
}


def _every_run(text: str = "") -> list[Run]:
    return [make(text, full) for _, make in SECTIONS.values() for full in (True, False)]


def _selection(text: str = "") -> LogSelection:
    return LogSelection(
        incomplete=[
            IncompleteRun(f"mub{text}", f"model{text}", "started", 3, 60, f"a{text}.eval"),
            IncompleteRun("idk", "m", f"error{text}", 0, None, "b.eval", error=f"boom{text}"),
        ],
        problems=[LogProblem(f"c{text}.eval", f"unreadable{text}")],
    )


def _page(text: str = "") -> str:
    runs = _every_run(text)
    runs[0].details["samples_failed"] = 2  # the table of failed samples as well
    # a second model, so that the scorecard and the sections compare them
    runs.append(replace(runs[0], model=f"other{text}"))
    return render_report(
        runs, title=f"report{text}", selection=_selection(text), examples=[_example(text)]
    )


def _example(text: str) -> Example:
    return Example(
        model=f"model{text}",
        task=f"mub_explicit{text}",
        failure=f"misled{text}",
        prompt=f"Which colour?{text}",
        reply=f"B{text}",
        expected=f"A{text}",
        thumbnail=None,
        log=f"/logs/x{text}.eval",
        sample_id=f"item{text}",
        epoch=1,
        benchmark="mub",
    )


def _assert_escaped(html: str) -> None:
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("name", SECTIONS)
def test_a_section_escapes_model_and_task(name: str) -> None:
    section, make = SECTIONS[name]
    html = section([make(XSS), make(XSS, full=False)])
    _assert_escaped(html)
    assert "{'" not in html and "{&#39;" not in html  # no Python dict printed as text


@pytest.mark.parametrize("name", SECTIONS)
def test_a_section_without_runs_is_empty(name: str) -> None:
    section, _ = SECTIONS[name]
    assert section([]) == ""


def test_the_page_escapes_everything_from_runs_and_logs() -> None:
    page = _page(XSS)
    _assert_escaped(page)
    for heading in (
        "Misleading (MUB)",
        "Calibration",
        "I don't know (IDK)",
        "Consistency (MM-R3)",
        "Oversensitivity (TrustWorld requests)",
        "Oversensitivity (MOSSBench)",
        "MultiTrust",
        "What is not in the numbers",
    ):
        assert f">{heading}</h2>" in page, heading
    # the dicts are tables: outcome counts, variants failed, provenance
    assert "{'" not in page and "{&#39;" not in page
    assert "<th>variants failed</th>" in page
    assert '<th class="l">generate_config</th>' in page


def _templates() -> set[Path]:
    return set(SOURCE.rglob("*.j2"))


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[Path]]:
    """The template files loaded (pages, sections and imported macros) while the test runs."""
    seen: set[Path] = set()
    get_template = jinja2.Environment.get_template

    def spy(self: jinja2.Environment, *args: Any, **kwargs: Any) -> jinja2.Template:
        template = get_template(self, *args, **kwargs)
        assert template.filename is not None
        seen.add(Path(template.filename).resolve())
        return template

    monkeypatch.setattr(jinja2.Environment, "get_template", spy)
    yield seen


def test_every_template_renders_with_strict_undefined(loaded: set[Path]) -> None:
    templates = _templates()
    assert {path.parent.name for path in templates} == {"templates"}
    assert len({path.parent for path in templates}) == 6  # the page and each benchmark
    for section, make in SECTIONS.values():
        assert section([make()]) and section([make(full=False)])
    _page()
    render_report([])
    assert {path.resolve() for path in templates} <= loaded


def test_an_undefined_name_is_an_error_and_values_are_escaped() -> None:
    env = environment("mmtrust.benchmarks.mub")
    assert env.autoescape is True and env.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    assert env.from_string("{{ x }}").render(x=XSS) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert env.from_string("{{ x|pct }} {{ y|count }}").render(x=0.5, y=[1, 2]) == "50.0% 1/2"
    # a benchmark's templates find the shared macros
    shared = environment(SHARED).get_template("macros.html.j2")
    assert env.get_template("macros.html.j2").filename == shared.filename


def test_the_page_is_one_file_without_scripts_or_network() -> None:
    for page in (_page(), render_report([])):
        assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
        assert "<script" not in page.lower() and "<link" not in page.lower()
        # what the page loads is inline (data: images); its only links are to samples in
        # Inspect View on this machine, followed only when a reader clicks one
        assert all(src.startswith("data:") for src in re.findall(r'\bsrc="([^"]*)"', page))
        links = re.findall(r'\bhref="([^"]*)"', page)
        assert all(link.startswith(INSPECT_VIEW + "#/logs/") for link in links), links
        assert not re.search(
            r"https?://", page.replace(SVG_NAMESPACE, "").replace(INSPECT_VIEW, "")
        )
    assert "<svg" in _page()


def test_an_incomplete_run_and_failed_samples_are_listed() -> None:
    page = _page()
    assert "<td>60</td>" in page and "<td>?</td>" in page  # samples planned, unknown
    assert "<td>2</td>" in page  # samples failed
    assert "incomplete (started)" in page and "boom" in page and "unreadable" in page
