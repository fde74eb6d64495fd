"""Phone-first (issue 12 item 11) on a 390×844 screen: nothing scrolls sideways, each option's
name stays in view inside its card, "compare two" works with and without JavaScript.

Dana completes the aid (tests/features/aid/aid_data.py); axe checks each page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, assert_accessible, assert_only_local
from tests.browser.patient.flow import complete
from tests.features.aid.aid_data import DANA

pytestmark = pytest.mark.browser
PHONE_WIDTH = 390


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width} px wide"


def _choose(page: Page, first: str, second: str) -> None:
    page.select_option("#compare-first", first)
    page.select_option("#compare-second", second)
    page.click("text=Compare these two")


def test_results_are_one_card_per_option_with_the_name_in_view(page: Page, live_server: LiveServer):
    complete(page, live_server.base_url, DANA)
    _no_sideways_scroll(page)
    cards = page.locator(".cards .option-card")
    assert cards.count() == 7  # six options and the status quo
    assert page.locator("table").count() == 0
    # Scroll into the middle of one card: its heading is pinned at the top, not scrolled away.
    page.evaluate(
        """() => { const dt = [...document.querySelectorAll('#card-esketamine ~ dl dt')]
                     .find(d => d.textContent.includes('Chance of remission'));
                   window.scrollBy(0, dt.getBoundingClientRect().top - 100); }"""
    )
    title = page.locator("#card-esketamine")
    box = title.bounding_box()
    assert box and 0 <= box["y"] <= 1, box  # stuck to the top of the screen
    on_top = page.evaluate(
        """() => { const r = document.getElementById('card-esketamine').getBoundingClientRect();
                   const e = document.elementFromPoint(r.left + 10, r.top + r.height / 2);
                   return e.closest('h3') && e.closest('h3').id; }"""
    )
    assert on_top == "card-esketamine"  # visible, not covered by anything
    expect(title).to_contain_text("Esketamine")
    assert_accessible(page)


def test_compare_two_fits_a_phone_and_moves_focus(page: Page, live_server: LiveServer):
    complete(page, live_server.base_url, DANA)
    page.click("text=Compare two options side by side")
    assert page.url.endswith("/aid/compare")
    _choose(page, "rtms", "status_quo")
    expect(page.locator("#compare-title")).to_be_focused()
    expect(page.locator("#compare-title")).to_contain_text("Repetitive TMS")
    assert page.url.endswith("/aid/compare")  # htmx: no reload, nothing in the URL
    heads = page.locator("table.two thead th").all_inner_texts()
    assert len(heads) == 2 and "Stay with medicines" in heads[1]
    _no_sideways_scroll(page)
    assert_accessible(page)
    page.reload()  # kept with the draft
    assert len(page.locator("table.two thead th").all_inner_texts()) == 2
    page.click("text=Back to all options")
    assert page.url.endswith("/aid/results#table-title")
    assert_only_local(page)


def test_compare_two_without_javascript(nojs_page: Page, live_server: LiveServer):
    page = nojs_page
    complete(page, live_server.base_url, DANA)
    page.goto(live_server.url("/aid/compare"))
    _choose(page, "esketamine", "iv_ketamine")
    assert page.url.endswith("/aid/compare#compare-result")
    heads = page.locator("table.two thead th").all_inner_texts()
    assert "Esketamine" in heads[0] and "IV ketamine" in heads[1]
    _no_sideways_scroll(page)


def test_printable_summary_fits_a_phone(page: Page, live_server: LiveServer):
    complete(page, live_server.base_url, DANA)
    page.goto(live_server.url("/aid/takeaway"))
    _no_sideways_scroll(page)
    expect(page.locator("table.sketch")).to_be_visible()
    assert_accessible(page)
