"""The report as a browser shows it: Debian's headless Chromium (``make browser`` installs it),
driven by Playwright's sync API (the ``dev`` extra; its own browser download is never used).

:func:`open_report` opens a local ``report.html`` over ``file://`` and returns what the page
did and showed (:class:`BrowserView`); :func:`check_report_in_browser` does the checks every
report must pass (no console errors, no requests, no scripts, sections and charts drawn) and
keeps a screenshot. Both skip the calling test, with the reason, where Chromium or Playwright is
missing: the browser tests never fail for want of a browser.

Chromium is started as this machine needs it (see ``CHROMIUM_FLAGS``): headless, without the
sandbox (we are root), with a new empty profile, and with its own background connections
(updates, sync, field trials) turned off; the closed network would refuse them, and they would
show up as failures that are not the report's.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("MMTRUST_CHROMIUM", "/usr/bin/chromium"))
"""Debian's Chromium (``MMTRUST_CHROMIUM`` points elsewhere)."""
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Besides a new empty ``--user-data-dir``, which :func:`open_report` gives each start."""
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
"""Where tests keep what a person should look at (screenshots); git-ignored."""
E2E_SCREENSHOT = ARTIFACTS / "reference-e2e-report.png"
"""The screenshot of the reference model's end-to-end report (tests/test_reference_e2e.py)."""
VIEWPORT_WIDTH, VIEWPORT_HEIGHT = 1280, 900
TIMEOUT_MS = 30_000
"""For starting the browser and loading the page: a self-contained file loads in well under
a second; this only bounds a hang."""
REQUIRED_SELECTORS = ("h2", "svg")
"""Elements every report must draw with a non-zero size: its sections' headings and charts."""
_NETWORK = re.compile(r"^(https?|wss?|ftp)://", re.IGNORECASE)

# Bounding boxes of every element a selector matches, as [width, height] (CSS pixels).
_BOXES_JS = """selector => Array.from(document.querySelectorAll(selector)).map(e => {
    const r = e.getBoundingClientRect(); return [r.width, r.height]; })"""
_UNFOLD_JS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


@dataclass(frozen=True)
class BrowserView:
    """What one page load did and showed."""

    url: str
    console_errors: list[str]
    """Console messages of type error, with where they came from."""
    page_errors: list[str]
    """Uncaught exceptions in the page."""
    requests: list[str]
    """Every request but the page itself and ``data:`` URIs (a self-contained report makes
    none). Those to the network are aborted by the test, so nothing leaves the machine."""
    boxes: dict[str, list[tuple[float, float]]]
    """Per selector asked for, the (width, height) of every element it matches."""
    text: str
    """The visible text, ``document.body.innerText`` (with every ``<details>`` unfolded)."""
    scripts: int
    """``<script>`` elements in the DOM."""
    values: dict[str, Any]
    """The JavaScript expressions asked for, by name, evaluated in the page."""
    screenshot: Path | None
    """A full-page PNG of the page as loaded (before unfolding), where one was asked for."""
    seconds: float
    """From starting the browser to closing it."""

    def problems(self, required: Sequence[str] = REQUIRED_SELECTORS) -> list[str]:
        """Everything wrong with the page as a self-contained, script-free report whose
        ``required`` selectors each match at least one element, all with a non-zero size."""
        found = [f"console error: {message}" for message in self.console_errors]
        found += [f"page error: {message}" for message in self.page_errors]
        found += [f"request: {url}" for url in self.requests]
        if self.scripts:
            found.append(f"{self.scripts} <script> element(s) in the DOM")
        for selector in required:
            sizes = self.boxes.get(selector)
            if sizes is None:
                found.append(f"{selector!r} was not measured")
            elif not sizes:
                found.append(f"no {selector!r} element")
            else:
                empty = [i for i, (width, height) in enumerate(sizes) if width <= 0 or height <= 0]
                if empty:
                    found.append(
                        f"{len(empty)} of {len(sizes)} {selector!r} element(s) drawn with "
                        f"no size (indices {empty[:10]})"
                    )
        return found


def require_browser() -> None:
    """Skip the calling test where Chromium or Playwright is missing."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"no Chromium at {CHROMIUM} (`make browser` installs Debian's chromium)")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("Playwright is not installed (the dev extra: pip install -e '.[dev]')")


def open_report(
    report: Path,
    *,
    selectors: Sequence[str] = REQUIRED_SELECTORS,
    evaluate: Mapping[str, str] | None = None,
    screenshot: Path | None = None,
    unfold: bool = True,
) -> BrowserView:
    """Open ``report`` (a local HTML file) in headless Chromium and record what it did.

    ``selectors``: CSS selectors whose elements' sizes to measure. ``evaluate``: name ->
    JavaScript expression, evaluated after load (``"typeof window.x"``). ``screenshot``: where
    to write a full-page PNG of the page as loaded. ``unfold``: open every ``<details>`` before
    measuring and reading the text, so what a reader can unfold is checked too."""
    require_browser()
    from playwright.sync_api import ConsoleMessage, Error, Request, Route, sync_playwright

    url = report.resolve().as_uri()
    console_errors: list[str] = []
    page_errors: list[str] = []
    requests: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location
            console_errors.append(
                f"{message.text} ({where.get('url', '')}:{where.get('lineNumber', '')})"
            )

    def on_page_error(error: Error) -> None:
        page_errors.append(f"{error.name}: {error.message}" if error.name else error.message)

    def on_request(request: Request) -> None:
        if request.url != url and not request.url.startswith("data:"):
            requests.append(f"{request.method} {request.url} ({request.resource_type})")

    def abort(route: Route) -> None:
        route.abort()

    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="mmtrust-chromium-") as profile,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(CHROMIUM_FLAGS),
            viewport={"width": VIEWPORT_WIDTH, "height": VIEWPORT_HEIGHT},
            timeout=TIMEOUT_MS,
            service_workers="block",
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.on("console", on_console)
            page.on("pageerror", on_page_error)
            page.on("request", on_request)
            page.route(_NETWORK, abort)
            page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True, timeout=TIMEOUT_MS)
            if unfold:
                page.evaluate(_UNFOLD_JS)
            boxes = {
                selector: [(float(w), float(h)) for w, h in page.evaluate(_BOXES_JS, selector)]
                for selector in selectors
            }
            text = str(page.evaluate("() => document.body ? document.body.innerText : ''"))
            scripts = int(page.evaluate("() => document.getElementsByTagName('script').length"))
            values = {
                name: page.evaluate(f"() => ({expression})")
                for name, expression in (evaluate or {}).items()
            }
        finally:
            context.close()
    return BrowserView(
        url=url,
        console_errors=console_errors,
        page_errors=page_errors,
        requests=requests,
        boxes=boxes,
        text=text,
        scripts=scripts,
        values=values,
        screenshot=screenshot,
        seconds=time.monotonic() - started,
    )


def check_report_in_browser(
    report: Path,
    screenshot: Path | None = None,
    *,
    required: Sequence[str] = REQUIRED_SELECTORS,
    selectors: Sequence[str] = (),
    evaluate: Mapping[str, str] | None = None,
) -> BrowserView:
    """Open ``report`` and assert what every report must be in a browser: no console errors,
    no uncaught exceptions, no requests, no ``<script>`` elements, and each ``required``
    selector (section headings, charts) drawn with a non-zero size. Writes a full-page
    screenshot to ``screenshot`` (default ``test-artifacts/<report's folder>-report.png``) and
    returns the view for further checks (``selectors`` and ``evaluate`` as for
    :func:`open_report`). Skips where there is no browser."""
    if screenshot is None:
        screenshot = ARTIFACTS / f"{report.resolve().parent.name}-report.png"
    view = open_report(
        report,
        selectors=list(dict.fromkeys([*required, *selectors])),
        evaluate=evaluate,
        screenshot=screenshot,
    )
    problems = view.problems(required)
    assert not problems, f"{report} in Chromium (screenshot {screenshot}):\n" + "\n".join(problems)
    return view
