"""The decision aid in a real chromium against a real `trdnav serve` (tests/browser/conftest.py).

Cast (tests/patient/aid_data.py): Dana (no safety findings), Colin (cochlear implant), Riley
(thoughts of self-harm). Every page is checked with axe-core and for third-party requests.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, assert_accessible, assert_only_local
from tests.browser.patient.flow import (
    STEP_ORDER,
    complete,
    fill_step,
    keyboard_fill_step,
    next_step,
)
from tests.features.aid.aid_data import COLIN, DANA, RILEY

pytestmark = pytest.mark.browser
PAGE_BUDGET = 150 * 1024


def _page_weight(page: Page) -> int:
    """Bytes of HTML + CSS + JS the current page loaded (as the browser decoded them)."""
    sizes = page.evaluate(
        """() => performance.getEntriesByType('navigation').concat(
             performance.getEntriesByType('resource'))
             .map(e => e.decodedBodySize || 0).reduce((a, b) => a + b, 0)"""
    )
    return int(sizes)


def test_happy_path_every_page_accessible_local_and_small(page: Page, live_server: LiveServer):
    """Dana answers every step; each page passes axe, stays local and under 150 KB."""
    page.goto(live_server.url("/"))
    assert_accessible(page)
    expect(page.get_by_text("Conflict of interest")).to_be_visible()
    expect(page.locator("a.crisis-link")).to_have_attribute("href", "/crisis")
    page.click("text=Start the questionnaire")
    for step in STEP_ORDER:
        expect(page.locator("a.crisis-link")).to_be_visible()
        assert_accessible(page)
        assert _page_weight(page) <= PAGE_BUDGET
        fill_step(page, DANA[step])
        next_step(page)
    assert page.url.endswith("/aid/results")
    assert_accessible(page)
    assert _page_weight(page) <= PAGE_BUDGET
    ranking = page.locator("#ranking ol > li")
    assert ranking.count() >= 3
    # Every option appears in the comparison, offered or not.
    header = " ".join(page.locator(".cards .card-title").all_inner_texts())
    for name in ("Repetitive TMS", "Deep TMS", "Accelerated iTBS", "IV ketamine", "Esketamine"):
        assert name in header
    assert "Not offered by this clinic" in header
    # Natural frequencies on 100 people, with a source link that resolves.
    expect(
        page.get_by_text(re.compile(r"About \d+ to \d+ out of 100 people")).first
    ).to_be_visible()
    source = page.locator('.cards a[href^="/sources#"]').first
    href = source.get_attribute("href")
    assert href
    # Re-ranking in place (htmx): give "few visits" top weight, order changes without a reload.
    before = page.locator("#ranking ol > li strong").all_inner_texts()
    page.click("summary:has-text('Change what matters to you')")
    page.select_option("#pref_few_visits", "4")
    page.select_option("#pref_lasting_results", "0")
    page.select_option("#pref_low_cost", "0")
    expect(page.locator("#rank-status")).to_contain_text("updated")
    after = page.locator("#ranking ol > li strong").all_inner_texts()
    assert after != before and sorted(after) == sorted(before)
    assert page.url.endswith("/aid/results")
    page.goto(live_server.url(href))
    expect(page.locator(f"li{href[len('/sources') :]}")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url("/aid/takeaway"))
    expect(page.get_by_text("The first six weeks: a sketch of visits")).to_be_visible()
    expect(page.get_by_text("Questions to bring to the consultation")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url("/crisis"))
    assert_accessible(page)
    assert_only_local(page)


def test_pdf_download_is_a_pdf(page: Page, live_server: LiveServer):
    """The take-away PDF downloads from the results page."""
    complete(page, live_server.base_url, DANA)
    with page.expect_download() as info:
        page.click("text=Download PDF")
    path = info.value.path()
    assert path is not None
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert_only_local(page)


def test_suicide_risk_shows_crisis_panel_at_once(page: Page, live_server: LiveServer):
    """Riley: item 9 above 0 shows the 988/911 panel before anything else, then on results."""
    page.goto(live_server.url("/aid/step/about"))
    for step in STEP_ORDER[:2]:
        fill_step(page, RILEY[step])
        next_step(page)
    assert page.url.endswith("/aid/step/feelings")
    expect(page.locator("#crisis-panel")).to_have_count(0)
    # With JavaScript on, the panel appears as soon as item 9 is answered above 0.
    page.check('input[name="phq9_9"][value="2"]')
    expect(page.locator("#crisis-panel")).to_be_visible()
    expect(page.locator("#crisis-panel")).to_contain_text("988")
    fill_step(page, RILEY["feelings"])
    next_step(page)
    # The very next page starts with the panel, before the step's own content.
    first = page.locator("main > *").first
    expect(first.locator("#crisis-panel")).to_be_visible()
    assert_accessible(page)
    for step in STEP_ORDER[3:]:
        fill_step(page, RILEY[step])
        next_step(page)
    assert page.url.endswith("/aid/results")
    panel = page.locator("#crisis-panel")
    expect(panel).to_be_visible()
    expect(panel.locator('a[href="tel:988"]')).to_be_visible()
    expect(panel.locator('a[href="tel:911"]')).to_be_visible()
    assert page.locator("main > *").first.locator("#crisis-panel").count() == 1
    assert_accessible(page)
    assert_only_local(page)


def test_cochlear_implant_rules_out_tms_with_reason(page: Page, live_server: LiveServer):
    """Colin: every TMS option is marked contraindicated, with the reason, and is not ranked."""
    complete(page, live_server.base_url, COLIN)
    ranked = " ".join(page.locator("#ranking ol > li strong").all_inner_texts())
    assert "TMS" not in ranked and "iTBS" not in ranked
    out = page.locator("#ranking ul").last.inner_text()
    for name in ("Repetitive TMS", "Deep TMS", "Accelerated iTBS"):
        assert name in out
    assert "cochlear implant" in out.lower()
    assert out.count("Not safe for you") >= 3
    header = " ".join(page.locator(".cards .card-title").all_inner_texts())
    # The three TMS options and ECT (cochlear implant makers contraindicate ECT, JECT-CI-2025).
    assert header.count("Ruled out") == 4
    assert "Electroconvulsive" not in ranked
    assert_only_local(page)


def test_back_and_next_keep_answers(page: Page, live_server: LiveServer):
    """Going back shows exactly what was entered; so does coming forward again."""
    page.goto(live_server.url("/aid/step/about"))
    fill_step(page, DANA["about"])
    next_step(page)
    fill_step(page, DANA["diagnosis"])
    page.click('button[name="nav"][value="back"]')
    assert page.url.endswith("/aid/step/about")
    expect(page.locator("#age")).to_have_value("42")
    expect(page.locator('input[name="pregnancy"][value="no"]')).to_be_checked()
    next_step(page)
    assert page.url.endswith("/aid/step/diagnosis")
    expect(
        page.locator('input[name="conditions"][value="major_depressive_disorder"]')
    ).to_be_checked()
    expect(page.locator('input[name="conditions"][value="ocd"]')).not_to_be_checked()


def test_errors_are_summarised_and_named(page: Page, live_server: LiveServer):
    """A wrong age is named in a summary that links to the field; nothing typed is lost."""
    page.goto(live_server.url("/aid/step/about"))
    page.fill("#age", "200")
    page.keyboard.press("Tab")
    # htmx checks the field as soon as it changes.
    expect(page.locator("#err-age")).to_contain_text("from 0 to 120")
    next_step(page)
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("How old are you?")
    expect(summary).to_contain_text("Are you pregnant")
    expect(page.locator("#age")).to_have_value("200")
    assert_accessible(page)


def test_keyboard_only_completion(page: Page, live_server: LiveServer):
    """Every step, and the results page's links, work with the keyboard alone."""
    page.goto(live_server.url("/aid/step/about"))
    page.keyboard.press("Tab")
    assert "skip-link" in page.evaluate("document.activeElement.className")
    for step in STEP_ORDER:
        assert page.url.endswith(f"/aid/step/{step}"), page.url
        keyboard_fill_step(page, DANA[step])
        page.wait_for_load_state()
    page.wait_for_url("**/aid/results")
    expect(page.locator("#ranking ol > li").first).to_be_visible()
    # "Compare two" by keyboard: the link, the two lists, the button; focus lands on the result.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == "/aid/compare":
            break
    else:
        raise AssertionError("the compare-two link never took focus")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "compare-second":
            break
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#compare-title")).to_be_focused()


def test_javascript_off_still_completes(nojs_page: Page, live_server: LiveServer):
    """With JavaScript disabled, the whole flow, the re-ranking and the crisis panel still work."""
    page = nojs_page
    page.goto(live_server.url("/aid/step/about"))
    for step in STEP_ORDER:
        fill_step(page, RILEY[step])
        next_step(page)
    assert page.url.endswith("/aid/results")
    expect(page.locator("#crisis-panel")).to_be_visible()
    before = page.locator("#ranking ol > li strong").all_inner_texts()
    page.click("summary:has-text('Change what matters to you')")
    page.select_option("#pref_few_visits", "4")
    page.select_option("#pref_lasting_results", "0")
    page.select_option("#pref_low_cost", "0")
    page.click("text=Update the order")
    page.wait_for_load_state()
    after = page.locator("#ranking ol > li strong").all_inner_texts()
    assert after != before
    assert_only_local(page)
