"""Workspace essentials in real chromium against a real server: consult scheduling and first
contact, a likely duplicate attached on conversion, the chart, two staff saving the same record
(the second gets the conflict page), a trial correction, the chosen plan, a staff invitation
through real SMTP, the audit viewer with the patient's access report, and a merge. Screenshots
at desktop and tablet width go to TRDNAV_SCREENSHOTS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.workspace.conftest import PASSWORD, WorkspaceServer, assert_accessible, shot
from tests.browser.workspace.test_workspace_browser import ASSESSMENT, _code

pytestmark = pytest.mark.browser
SECRETS: dict[str, str] = {}


def sign_in(page: Page, server: WorkspaceServer, email: str) -> None:
    """Sign in through the pages, enrolling TOTP on first use."""
    page.goto(server.url("/workspace/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    SECRETS[email] = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Six-digit code").fill(_code(SECRETS[email]))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("link", name="I saved them, continue").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


@pytest.fixture
def tablet(browser: Browser) -> Iterator[Page]:
    """A tablet-sized page (portrait) of a fresh browser profile."""
    context = browser.new_context(viewport={"width": 768, "height": 1024})
    try:
        yield context.new_page()
    finally:
        context.close()


def test_workspace_essentials(
    desk: Page, tablet: Page, browser: Browser, ws_server: WorkspaceServer
) -> None:
    ws_server.consultation("Ana Diaz", ASSESSMENT)
    cora = desk
    sign_in(cora, ws_server, "cora@demo.example")
    # Consult scheduled with its date and time; first contact is tracked.
    cora.goto(ws_server.url("/workspace/consultations"))
    cora.get_by_role("link", name="Ana Diaz").click()
    cora.get_by_label("Consult scheduled").check()
    cora.get_by_label("Consult date").fill((date.today() + timedelta(days=4)).isoformat())
    cora.get_by_label("Consult time").fill("15:30")
    cora.get_by_role("button", name="Save status").click()
    expect(cora.locator("#consult")).to_contain_text("15:30")
    expect(cora.get_by_text("first contact after")).to_be_visible()
    shot(cora, "e01-consult-scheduled")
    assert_accessible(cora)
    cora.get_by_role("button", name="Convert to patient record").click()
    expect(cora.get_by_role("heading", name="Ana Diaz", level=1)).to_be_visible()
    record_url = cora.url
    # The same person writes again: conversion offers the existing record.
    ws_server.consultation("Ana  Díaz", {"age": 42, "conditions": ["major_depressive_disorder"]})
    cora.goto(ws_server.url("/workspace/consultations"))
    expect(cora.locator("#first-contact-figure")).to_contain_text("over 1 request")
    shot(cora, "e02-inbox-first-contact")
    cora.get_by_role("link", name="Ana  Díaz").click()
    cora.get_by_role("button", name="Convert to patient record").click()
    expect(
        cora.get_by_role("heading", name=re.compile("may already have a record"))
    ).to_be_visible()
    shot(cora, "e03-duplicates")
    assert_accessible(cora)
    cora.get_by_role("button", name=re.compile("Attach to this record")).click()
    expect(cora).to_have_url(record_url)
    # The chart.
    cora.get_by_label("Date of birth").fill("1984-03-02")
    cora.get_by_label("MRN").fill("TMS-0042")
    cora.get_by_label("Insurer").fill("Aetna")
    cora.get_by_label("Member ID").fill("W123456789")
    cora.get_by_label("Referring clinician").fill("Dr. Lee, Midtown Family Medicine")
    cora.get_by_label("Pharmacy").fill("Midtown Pharmacy")
    cora.get_by_label("Emergency contact").fill("Luis Diaz (brother) +1 907 555 0123")
    cora.get_by_label("Preferred language").fill("Spanish")
    cora.get_by_role("button", name="Save demographics and chart").click()
    expect(cora.get_by_label("MRN")).to_have_value("TMS-0042")
    shot(cora, "e04-record-chart")
    assert_accessible(cora)
    # Two staff open the record; Cora saves first, Priya (on a tablet) second.
    priya = tablet
    sign_in(priya, ws_server, "priya@demo.example")
    priya.goto(record_url)
    cora.goto(record_url)
    cora.get_by_label("Phone", exact=True).fill("+1 907 555 0111")
    cora.get_by_role("button", name="Save demographics and chart").click()
    priya.get_by_label("Email", exact=True).fill("ana.diaz@example.org")
    priya.get_by_role("button", name="Save demographics and chart").click()
    expect(priya.get_by_role("heading", name=re.compile("Someone else saved"))).to_be_visible()
    expect(priya.locator("#conflict")).to_contain_text("ana.diaz@example.org")
    expect(priya.locator("#conflict")).to_contain_text("+1 907 555 0111")
    shot(priya, "e05-conflict-tablet")
    assert_accessible(priya)
    priya.get_by_role("link", name="Keep the saved values and go back").click()
    # A trial correction with a reason.
    priya.get_by_role("link", name="Correct or remove sertraline").click()
    expect(priya.get_by_role("heading", name=re.compile("sertraline trial"))).to_be_visible()
    priya.get_by_label("Weeks at that dose").fill("8")
    priya.get_by_label("Why the correction").fill("Pharmacy records show 8 weeks at 150 mg.")
    shot(priya, "e06-trial-tablet")
    assert_accessible(priya)
    priya.get_by_role("button", name="Save correction").click()
    expect(priya.locator("#changes")).to_contain_text("Pharmacy records show 8 weeks")
    # The chosen plan after the decision.
    priya.get_by_label("Decision for Repetitive TMS").select_option("eligible")
    priya.get_by_label("Reason (required to override the engine)").first.fill("Reviewed today.")
    priya.get_by_role("button", name="Record").first.click()
    priya.get_by_label("Option to start").select_option("rtms")
    priya.get_by_role("button", name="Record the chosen plan").click()
    expect(priya.locator("#plan")).to_contain_text(re.compile("chosen by priya", re.I))
    priya.locator("#plan").scroll_into_view_if_needed()
    shot(priya, "e07-record-tablet")
    # The admin: invitation through real SMTP, the audit viewer, the access report.
    alice = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(alice, ws_server, "alice@demo.example")
    alice.goto(ws_server.url("/workspace/staff"))
    alice.get_by_label("Name", exact=True).fill("Sam Ortiz")
    alice.get_by_label("Email", exact=True).fill("sam@demo.example")
    alice.get_by_label("Role", exact=True).select_option("nurse")
    alice.get_by_role("button", name="Send invitation").click()
    expect(alice.get_by_role("status")).to_contain_text("Invitation sent to sam@demo.example")
    deadline = 50
    while not ws_server.mailbox.messages and deadline:
        alice.wait_for_timeout(100)
        deadline -= 1
    assert any("/workspace/invite/" in str(m) for m in ws_server.mailbox.messages)
    shot(alice, "e08-staff")
    assert_accessible(alice)
    alice.set_viewport_size({"width": 768, "height": 1024})
    shot(alice, "e08-staff-tablet")
    alice.set_viewport_size({"width": 1280, "height": 900})
    alice.goto(record_url)
    alice.get_by_role("link", name="Who accessed this record").click()
    expect(alice.locator("table.audit")).to_contain_text("Ana Diaz")
    shot(alice, "e09-audit")
    assert_accessible(alice)
    pdf = alice.request.get(record_url + "/access-report.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    # A duplicate typed in at the front desk, then merged.
    cora.goto(ws_server.url("/workspace/patients/new"))
    cora.get_by_label("Name").fill("Diaz, Ana")
    cora.get_by_label("Date of birth").fill("1984-03-02")
    cora.get_by_role("button", name="Create record").click()
    expect(cora.get_by_text("same name and date of birth")).to_be_visible()
    cora.get_by_role("button", name="None of these: create a new record").click()
    expect(cora.get_by_role("heading", name="Diaz, Ana", level=1)).to_be_visible()
    cora.goto(record_url)
    cora.get_by_role("link", name="Review and merge").click()
    cora.get_by_label("Why these are the same person").fill("Same person, typed in twice.")
    shot(cora, "e10-merge")
    assert_accessible(cora)
    cora.get_by_role("button", name="Merge into this record").click()
    expect(cora.locator("#changes")).to_contain_text("Records merged")
    alice.context.close()
