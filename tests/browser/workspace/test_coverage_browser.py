"""Coverage and prior authorization in real chromium against a real server: the inbox's first
check, the patient's coverage tab, a request from draft to approval with its error summary,
the packet download, and the coordinator's list; axe finds nothing serious on any page."""

from __future__ import annotations

import re
from datetime import datetime

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser.workspace.conftest import PASSWORD, WorkspaceServer, assert_accessible, shot

pytestmark = pytest.mark.browser

ASSESSMENT = {
    "age": 42,
    "conditions": ["major_depressive_disorder"],
    "phq9_items": [3, 3, 2, 2, 2, 3, 3, 2, 0],
    "suicidal_thoughts": "none",
    "psychotherapy_trial": True,
    "antidepressant_trials": [
        {"name": "sertraline", "adequate": True, "outcome": "no_response"},
        {"name": "venlafaxine", "adequate": True, "outcome": "partial_response"},
    ],
    "medical_history": {"seizure_history": False, "metal_in_head": False},
    "insurance": {"plan": "commercial"},
}


def sign_in(page: Page, server: WorkspaceServer, email: str) -> None:
    """Sign in through the pages, enrolling TOTP (this module's server is fresh)."""
    page.goto(server.url("/workspace/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Six-digit code").fill(pyotp.TOTP(secret).at(datetime.now()))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("link", name="I saved them, continue").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def test_from_first_check_to_approval(desk: Page, ws_server: WorkspaceServer) -> None:
    page = desk
    ws_server.consultation("Ana Diaz", ASSESSMENT)
    sign_in(page, ws_server, "cora@demo.example")
    page.get_by_role("link", name="Consultation inbox").click()
    page.get_by_role("link", name="Ana Diaz").click()
    section = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("First coverage check"))
    )
    expect(section).to_contain_text("patient-reported")
    section.locator("summary", has_text=re.compile(r"Aetna.*Repetitive TMS")).click()
    expect(section).to_contain_text("Two failed antidepressants of different classes")
    shot(page, "20-inbox-first-check")
    assert_accessible(page)

    page.get_by_role("button", name="Convert to patient record").click()
    page.get_by_role("link", name="Coverage and prior authorization").click()
    expect(page.get_by_role("heading", name="Coverage and prior authorization")).to_be_visible()
    page.get_by_label("Payer policy and option").select_option("AETNA-CPB0469:rtms")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("rowheader", name="Age 15 or older")).to_be_visible()
    expect(page.get_by_text("adjunct to medication")).to_be_visible()
    shot(page, "21-coverage-tab")
    assert_accessible(page)

    page.get_by_role("button", name=re.compile("Start a draft for Aetna")).click()
    expect(
        page.get_by_role("heading", name=re.compile("Prior authorization: Repetitive TMS"))
    ).to_be_visible()
    expect(page.get_by_text("Draft", exact=True).first).to_be_visible()
    shot(page, "22-request-draft")
    assert_accessible(page)

    page.get_by_text("Edit the draft").click()
    page.get_by_label("Sessions requested").fill("many")
    page.get_by_role("button", name="Save the draft").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("requested units: must be a whole number")
    shot(page, "23-request-error")
    assert_accessible(page)
    page.get_by_label("Sessions requested").fill("36")
    page.get_by_label("Ordering clinician", exact=True).fill("Dr. Priya Shah")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Dr. Priya Shah")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the packet (PDF)").click()
    assert download.value.suggested_filename == "prior-authorization.pdf"

    page.get_by_label("Submitted").check()
    page.get_by_role("button", name="Save the status").click()
    expect(page.get_by_role("row", name=re.compile("Submitted"))).to_be_visible()
    page.get_by_label("Approved").check()
    page.get_by_label("Payer's reference number").fill("AET-55821")
    page.get_by_label("Authorized sessions").fill("36")
    today = page.get_by_label("Date").input_value()
    page.get_by_label("Authorized from").fill(today)
    page.get_by_label("Authorized until").fill(today)
    page.get_by_role("button", name="Save the status").click()
    expect(page.get_by_text("reference AET-55821")).to_be_visible()
    expect(page.get_by_role("note").first).to_contain_text("The authorized period ends on")
    shot(page, "24-request-approved")
    assert_accessible(page)

    page.get_by_role("link", name="Authorizations").click()
    expect(page.get_by_role("rowheader", name="Ana Diaz")).to_be_visible()
    expect(page.get_by_text("course sessions not linked")).to_be_visible()
    shot(page, "25-coordinator-list")
    assert_accessible(page)
