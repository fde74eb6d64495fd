"""Drive the questionnaire the way a person does: click answers, type numbers, press buttons."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page

STEP_ORDER = ("about", "diagnosis", "feelings", "tried", "health", "values", "insurance")


def fill_step(page: Page, fields: dict[str, Any]) -> None:
    """Answer one step's fields on the current page."""
    for name, value in fields.items():
        add_trial_row(page, name)
        if isinstance(value, list):
            for v in value:
                page.check(f'input[name="{name}"][value="{v}"]')
            continue
        radio = page.locator(f'input[type="radio"][name="{name}"][value="{value}"]')
        if radio.count():
            radio.check()
        else:
            page.fill(f"#{name}", value)


def add_trial_row(page: Page, name: str) -> None:
    """Press "Add another medicine" until the medicine row of this field is on the page."""
    row = re.match(r"trial_(\d+)_", name)
    while row and not page.locator(f"#trial_{row.group(1)}_name").count():
        shown = page.locator('input[id^="trial_"][id$="_name"]').count()
        page.click('button[name="nav"][value="add_trial"]')
        page.wait_for_selector(f"#trial_{shown + 1}_name")  # swapped in (htmx) or reloaded


def next_step(page: Page) -> None:
    """Press the primary button (continue / see my comparison) and wait for the page it leads to
    to load: the click returns once the navigation commits, when the new document may still be
    empty, and a script run then finds no documentElement (seen under a loaded machine)."""
    page.click('.actions button[name="nav"][value="next"]')
    page.wait_for_load_state()


def complete(page: Page, base_url: str, answers: dict[str, dict[str, Any]]) -> None:
    """Start at the first step and answer every step; ends on the results page."""
    page.goto(base_url + "/aid/step/about")
    for step in STEP_ORDER:
        assert page.url.endswith(f"/aid/step/{step}"), page.url
        fill_step(page, answers[step])
        next_step(page)
    assert page.url.endswith("/aid/results"), page.url


def keyboard_fill_step(page: Page, fields: dict[str, Any], max_tabs: int = 200) -> None:
    """Answer one step with the keyboard alone (Tab, arrows, Space, typing), then press Enter.

    The DOM is only read, to know where focus is; every interaction is a key press.
    """
    done: set[str] = set()
    wanted = {k for k, v in fields.items() if v not in ("", [])}
    stay = False  # focus already sits on the next field (a new medicine row took it)
    for _ in range(max_tabs):
        if not stay:
            page.keyboard.press("Tab")
        stay = False
        el = page.evaluate(
            """() => { const e = document.activeElement;
                 const group = e.type === 'radio'
                   ? [...document.querySelectorAll(`input[name="${e.name}"]`)].map(r => r.value)
                   : [];
                 return {tag: e.tagName, type: e.type, name: e.name, value: e.value,
                         checked: e.checked, group}; }"""
        )
        name = el["name"]
        if el["type"] == "radio" and name in wanted and name not in done:
            target = el["group"].index(fields[name])
            current = el["group"].index(el["value"])
            for _ in range(target - current):
                page.keyboard.press("ArrowDown")
            if target == current and not el["checked"]:
                page.keyboard.press("Space")
            done.add(name)
        elif el["type"] == "checkbox" and name in wanted:
            if (el["value"] in fields[name]) != el["checked"]:
                page.keyboard.press("Space")
            done.add(name)
        elif el["tag"] == "INPUT" and el["type"] == "text" and name in wanted and name not in done:
            page.keyboard.type(fields[name])
            done.add(name)
        elif el["tag"] == "BUTTON" and el["value"] == "add_trial" and _missing_rows(page, wanted):
            rows = page.locator('input[id^="trial_"][id$="_name"]').count()
            page.keyboard.press("Enter")  # the new row takes focus (htmx) or follows the button
            page.wait_for_function(
                f"""() => document.querySelectorAll('input[id^="trial_"][id$="_name"]').length
                       > {rows} && (document.activeElement.tagName === 'INPUT'
                                    || location.hash.startsWith('#group-'))"""
            )
            stay = page.evaluate("document.activeElement.tagName") == "INPUT"
        elif el["tag"] == "BUTTON" and el["value"] == "next" and done >= wanted:
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError(f"could not reach every field by keyboard: {sorted(wanted - done)}")


def _missing_rows(page: Page, wanted: set[str]) -> bool:
    rows = {m.group(1) for n in wanted if (m := re.match(r"trial_(\d+)_", n))}
    return any(not page.locator(f"#trial_{r}_name").count() for r in rows)
