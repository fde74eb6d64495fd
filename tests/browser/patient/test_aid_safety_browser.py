"""Crisis help where the person is, on a 390×844 phone, with and without JavaScript."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, assert_accessible, assert_only_local
from tests.browser.patient.flow import STEP_ORDER, fill_step, next_step
from tests.features.aid.aid_data import DANA, RILEY, variant

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("TRDNAV_SCREENSHOTS")  # a directory to keep screenshots in, if set


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"))


def _to_feelings(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url("/aid/step/about"))
    for step in STEP_ORDER[:2]:
        fill_step(page, DANA[step])
        next_step(page)
    assert page.url.endswith("/aid/step/feelings")


def test_panel_visible_and_focused_next_to_item_9(page: Page, live_server: LiveServer):
    """Choosing item 9 above 0 shows the panel under it, on screen, with focus on it."""
    assert page.viewport_size == {"width": 390, "height": 844}
    _to_feelings(page, live_server)
    expect(page.locator("#crisis-panel")).to_have_count(0)
    page.check('input[name="phq9_9"][value="1"]')
    panel = page.locator("#crisis-panel")
    expect(panel).to_be_visible()
    expect(panel).to_be_focused()
    expect(panel).to_be_in_viewport()
    expect(panel.locator('a[href="tel:988"]')).to_be_in_viewport()
    _shot(page, "crisis-inline-phone")
    assert_accessible(page)
    # Answering the next question keeps the panel (moved under it) without stealing focus.
    page.check('input[name="suicidal_thoughts"][value="passive"]')
    expect(page.locator("#crisis-at-suicidal_thoughts #crisis-panel")).to_be_visible()
    expect(page.locator('input[name="suicidal_thoughts"][value="passive"]')).to_be_focused()
    # A plan: focus moves again, to the now urgent panel; continuing asks "are you safe?".
    page.check('input[name="suicidal_thoughts"][value="active_with_plan"]')
    expect(page.locator('#crisis-panel[data-urgency="urgent"]')).to_be_focused()
    expect(page.locator("#crisis-panel")).to_be_in_viewport()
    _shot(page, "crisis-inline-urgent-phone")
    fill_step(page, variant(feelings={"suicidal_thoughts": "active_with_plan"})["feelings"])
    next_step(page)
    assert page.url.endswith("/aid/safety")
    expect(page.get_by_role("heading", name="Are you safe right now?")).to_be_visible()
    expect(page.locator('a[href="tel:988"]').first).to_be_in_viewport()
    expect(page.locator('a[href="sms:988"]').first).to_be_in_viewport()
    expect(page.locator('a[href="tel:911"]').first).to_be_in_viewport()
    _shot(page, "safety-step-phone")
    assert_accessible(page)
    page.check("#safe_now-no")
    page.click("button:has-text('Continue')")
    expect(page.locator("#safety-now")).to_be_focused()
    expect(page.locator("#safety-now")).to_be_in_viewport()
    _shot(page, "safety-not-safe-phone")
    assert_accessible(page)
    page.check("#safe_now")
    page.click("button:has-text('Continue')")
    assert page.url.endswith("/aid/step/tried")
    assert_only_local(page)


def test_without_javascript_the_next_page_leads_with_the_panel_focused(
    nojs_page: Page, live_server: LiveServer
):
    """No JS: after "how you feel" the panel is the first thing on screen and has focus."""
    page = nojs_page
    page.goto(live_server.url("/aid/step/about"))
    for step in STEP_ORDER[:3]:
        fill_step(page, RILEY[step])
        next_step(page)
    assert page.url.endswith("/aid/step/tried")
    panel = page.locator("#crisis-panel")
    expect(panel).to_be_in_viewport()
    expect(panel).to_be_focused()
    _shot(page, "crisis-nojs-next-page-phone")


def test_without_javascript_a_plan_goes_to_are_you_safe(nojs_page: Page, live_server: LiveServer):
    page = nojs_page
    answers = variant(feelings={"phq9_9": "3", "suicidal_thoughts": "active_with_plan"})
    page.goto(live_server.url("/aid/step/about"))
    for step in STEP_ORDER[:3]:
        fill_step(page, answers[step])
        next_step(page)
    assert page.url.endswith("/aid/safety")
    expect(page.locator('a[href="tel:911"]').first).to_be_in_viewport()
