"""Courses in real chromium: propose and book a course from the patient's courses page, the
course page, the resource calendar and the waitlist plan, each checked with axe."""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import date, timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser.workspace.conftest import PASSWORD, WorkspaceServer, assert_accessible, shot

pytestmark = pytest.mark.browser


def _api(server: WorkspaceServer, token: str, path: str, body: object) -> dict:  # type: ignore[type-arg]
    request = urllib.request.Request(
        server.url(path),
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(json.load(response))


def _sign_in_fresh(page: Page, server: WorkspaceServer, email: str) -> None:
    page.goto(server.url("/workspace/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Six-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("link", name="I saved them, continue").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def test_coordinator_books_and_plans_in_the_browser(desk: Page, ws_server: WorkspaceServer) -> None:
    made = ws_server.cli("tokens", "create", "cora@demo.example", "--clinic", "demo", "--name", "b")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    patient = _api(
        ws_server,
        token,
        "/api/v1/patients",
        {"given_name": "Bea", "family_name": "Browser", "birth_date": "1977-05-06"},
    )
    waiting = _api(
        ws_server,
        token,
        "/api/v1/patients",
        {"given_name": "Wes", "family_name": "Waiting", "birth_date": "1981-01-02"},
    )
    page = desk
    _sign_in_fresh(page, ws_server, "cora@demo.example")
    page.goto(ws_server.url(f"/workspace/patients/{patient['id']}"))
    page.get_by_role("link", name=re.compile("Courses")).click()
    page.get_by_label("Course", exact=True).select_option("rtms")
    start = date.today() + timedelta(days=30)
    page.get_by_label("First day").fill(start.isoformat())
    page.get_by_label("Preferred time").fill("09:30")
    page.get_by_role("button", name="Propose sessions").click()
    expect(page.get_by_label("Session 36 date")).to_be_visible()
    # The first session falls on the first working day from `start`: a clinic holiday (say
    # 25 December) moves it, so the calendar is opened on the day actually proposed.
    first_day = page.get_by_label("Session 1 date").input_value()
    assert first_day >= start.isoformat()
    assert_accessible(page)
    shot(page, "courses-01-proposal")
    page.get_by_label("Session 2 start").fill("14:00")
    page.get_by_role("button", name="Book the whole course").click()
    expect(page.get_by_role("heading", name=re.compile("Standard TMS"))).to_be_visible()
    expect(page.get_by_text("14:00–14:40")).to_be_visible()
    assert_accessible(page)
    shot(page, "courses-02-course")

    page.get_by_role("link", name="Calendar", exact=True).click()
    page.get_by_label("Date", exact=True).fill(first_day)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Bea Browser").first).to_be_visible()
    assert_accessible(page)
    shot(page, "courses-03-calendar")

    page.get_by_role("link", name="Waitlist", exact=True).click()
    page.get_by_label("Patient", exact=True).select_option(waiting["id"])
    page.get_by_label("Course", exact=True).select_option("iv_ketamine")
    page.get_by_label("Earliest start").fill(start.isoformat())
    page.get_by_role("button", name="Add to waitlist").click()
    page.get_by_role("button", name="Plan the waitlist").click()
    expect(page.get_by_role("heading", name="Proposed starts")).to_be_visible(timeout=30000)
    assert_accessible(page)
    shot(page, "courses-04-waitlist")
    page.get_by_role("button", name="Accept for Wes Waiting").click()
    expect(page.get_by_role("heading", name=re.compile("IV ketamine"))).to_be_visible()
