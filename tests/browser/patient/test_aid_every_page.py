"""Every aid page at 390×844 (phone) and 1280×800 (desktop): axe finds no serious or critical
violation, nothing is fetched from elsewhere, and the page stays under its weight budget.

Weights (HTML + CSS + JS as decoded) are printed with `pytest -s`; with TRDNAV_SCREENSHOTS set
to a directory, a full-page screenshot of each page at each width is saved there to look at.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import LiveServer, assert_accessible, assert_only_local
from tests.browser.patient.flow import STEP_ORDER, fill_step, next_step
from tests.features.aid.aid_data import variant

pytestmark = pytest.mark.browser
PAGE_BUDGET = 150 * 1024
SHOTS = os.environ.get("TRDNAV_SCREENSHOTS")
PAGES = [
    "/",
    *(f"/aid/step/{s}" for s in STEP_ORDER),
    "/aid/safety",
    "/aid/results",
    "/aid/compare",
    "/aid/takeaway",
    "/aid/consultation",
    "/crisis",
    "/sources",
    "/aid/forget",
]
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def _weight(page: Page) -> int:
    return int(
        page.evaluate(
            """() => performance.getEntriesByType('navigation').concat(
                 performance.getEntriesByType('resource'))
                 .map(e => e.decodedBodySize || 0).reduce((a, b) => a + b, 0)"""
        )
    )


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_aid_page(browser: Browser, live_server: LiveServer, width: str) -> None:
    context = browser.new_context(viewport=WIDTHS[width])  # type: ignore[arg-type]
    try:
        page = context.new_page()
        urls: list[str] = []
        page.on("request", lambda req: urls.append(req.url))
        page.requested_urls = urls  # type: ignore[attr-defined]
        # Someone with thoughts of ending their life and unknown safety answers: the pages
        # with the most on them (crisis panel, "not yet checked" states, the safety step).
        answers = variant(
            feelings={"phq9_9": "2", "suicidal_thoughts": "passive"},
            health={"seizure_history": "unknown", "metal_in_head": "unknown"},
        )
        page.goto(live_server.url("/aid/step/about"))
        for step in STEP_ORDER:
            fill_step(page, answers[step])
            next_step(page)
        for path in PAGES:
            page.goto(live_server.url(path))
            assert_accessible(page)
            weight = _weight(page)
            print(f"{width} {path}: {weight / 1024:.1f} KiB")
            assert weight <= PAGE_BUDGET, f"{path} weighs {weight} bytes"
            if SHOTS:
                name = path.strip("/").replace("/", "-") or "start"
                page.screenshot(path=os.path.join(SHOTS, f"{width}-{name}.png"), full_page=True)
        assert_only_local(page)
    finally:
        context.close()
