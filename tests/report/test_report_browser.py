"""The report in a real browser (headless Chromium, ``tests/browser.py``): built from real
Inspect logs of MUB run on a model with known replies (``tests/reply_rules.py``), then opened
over ``file://``. It must load with no console error, no request and no script, draw its
sections and charts, and show a model's reply that holds markup as literal text.

The rules: every item's answer is A and the clean reply is "A" (right); once misled, by an
explicit hint or an implicit note, the model answers wrongly with a reply that carries a
``<script>`` element, which the report's examples of misled items show."""

from __future__ import annotations

import re

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset

from mmtrust.api import report
from mmtrust.benchmarks.mub.tasks import mub_misleading
from mmtrust.datasets.schema import ItemMetadata, make_sample
from tests.browser import BrowserView, check_report_in_browser, require_browser
from tests.reply_rules import ReplyRules

INJECTED = "<script>window.__mmtrust_injected = 1</script>"
"""Markup in a model's reply: shown as text, never run."""


def _reply(prompt: str) -> str:
    explicit = re.search(r"And the true answer is : (\w+)", prompt)
    if explicit:
        return f"The answer is {explicit.group(1)}. {INJECTED}"
    if "Please pay attention to this instruction:" in prompt:
        return f"The answer is B. {INJECTED}"
    return "A"


def _item(item_id: str) -> ItemMetadata:
    return ItemMetadata(
        source="test",
        item_id=item_id,
        question=f"What colour is thing {item_id}?",
        question_type="mc",
        answer="A",
        options={"A": "red", "B": "blue", "C": "green", "D": "black"},
        difficulty="low",
        extra={"notes_to_false": ["It looks blue."], "notes_to_true": ["Not blue."]},
    )


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> BrowserView:
    require_browser()  # before the run: nothing to look at without a browser
    root = tmp_path_factory.mktemp("browser")
    task = mub_misleading(modes="explicit,implicit", notes_per_item=1, note_source="dataset")
    task.dataset = MemoryDataset([make_sample(_item(f"a{i}"), None) for i in range(3)])
    (log,) = inspect_eval(
        task, model=ReplyRules(_reply).model, log_dir=str(root / "logs"), display="none"
    )
    assert log.status == "success"
    report(root / "logs", root / "out")
    return check_report_in_browser(
        root / "out" / "report.html",
        root / "report.png",
        selectors=["#scorecard"],
        evaluate={"injected": "typeof window.__mmtrust_injected"},
    )


def test_the_report_loads_clean_and_draws_its_sections_and_charts(view: BrowserView) -> None:
    # check_report_in_browser asserted no console error, request or script, and every <h2>
    # and <svg> drawn with a size; here, that there is something to draw
    assert not view.console_errors and not view.page_errors and not view.requests
    assert view.scripts == 0
    assert len(view.boxes["h2"]) >= 1 and len(view.boxes["svg"]) >= 1
    assert all(w > 0 and h > 0 for w, h in view.boxes["h2"] + view.boxes["svg"])
    assert view.screenshot is not None and view.screenshot.stat().st_size > 0


def test_a_reply_with_markup_is_shown_as_text_and_never_run(view: BrowserView) -> None:
    assert view.values["injected"] == "undefined"
    assert view.scripts == 0
    # the examples of misled items show the stage-2 reply, markup and all, as text
    assert INJECTED in view.text, "no example of a misled item shows its reply"
