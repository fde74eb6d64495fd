"""The clinic workspace in real chromium against a real server: sign-in with TOTP enrollment,
inbox → patient conversion, and (last, since it locks this client out) a lockout."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser.workspace.conftest import PASSWORD, WorkspaceServer, assert_accessible, shot

pytestmark = pytest.mark.browser

ASSESSMENT = {
    "age": 42,
    "conditions": ["major_depressive_disorder"],
    "phq9_items": [2, 3, 2, 2, 1, 2, 2, 1, 0],
    "suicidal_thoughts": "none",
    "antidepressant_trials": [
        {"name": "sertraline", "adequate": True, "outcome": "no_response"},
        {"name": "venlafaxine", "adequate": True, "outcome": "partial_response"},
    ],
    "medical_history": {"seizure_history": False, "metal_in_head": False},
}
SECRETS: dict[str, str] = {}


def _code(secret: str, offset: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(__import__("datetime").datetime.now()) + offset)


def sign_in(page: Page, server: WorkspaceServer, email: str, offset: int = 0) -> None:
    """Sign in through the pages, enrolling TOTP on first use."""
    page.goto(server.url("/workspace/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    if email not in SECRETS:
        expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
        SECRETS[email] = page.locator("#totp-secret").inner_text().replace(" ", "")
        page.get_by_label("Six-digit code").fill(_code(SECRETS[email], offset))
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
        expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
        page.get_by_role("link", name="I saved them, continue").click()
    else:
        page.get_by_label("Six-digit code from your authenticator app").fill(
            _code(SECRETS[email], offset)
        )
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def test_sign_in_with_totp_enrollment(desk: Page, ws_server: WorkspaceServer) -> None:
    page = desk
    page.goto(ws_server.url("/workspace/consultations"))
    expect(page).to_have_url(ws_server.url("/workspace/login?next=/workspace/consultations"))
    shot(page, "01-login")
    assert_accessible(page)
    page.get_by_label("Email").fill("cora@demo.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    shot(page, "02-enroll")
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    SECRETS["cora@demo.example"] = secret
    page.get_by_label("Six-digit code").fill("123456" if _code(secret) != "123456" else "654321")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not valid")
    page.get_by_label("Six-digit code").fill(_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    shot(page, "03-recovery-codes")
    assert_accessible(page)
    page.get_by_role("link", name="I saved them, continue").click()
    # Back where the signed-out browser first wanted to go.
    expect(page.get_by_role("heading", name="Consultation inbox")).to_be_visible()
    # Sign out, then in again with the authenticator's next code.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out")
    sign_in(page, ws_server, "cora@demo.example", offset=1)
    shot(page, "04-home")


def test_inbox_to_patient_conversion(desk: Page, ws_server: WorkspaceServer) -> None:
    page = desk
    ws_server.consultation("Ana Diaz", ASSESSMENT)
    ws_server.consultation("Ben Okafor", {"age": 35, "conditions": ["major_depressive_disorder"]})
    sign_in(page, ws_server, "priya@demo.example")
    page.get_by_role("link", name="Consultation inbox").click()
    expect(page.get_by_role("link", name="Ana Diaz")).to_be_visible()
    shot(page, "05-inbox")
    assert_accessible(page)
    page.get_by_label("Search name, email, phone or message").fill("okafor")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Ben Okafor")).to_be_visible()
    expect(page.get_by_role("link", name="Ana Diaz")).to_have_count(0)
    assert "okafor" not in page.url  # search terms never travel in the URL
    page.get_by_role("link", name="Inbox").click()
    page.get_by_role("link", name="Ana Diaz").click()
    expect(page).to_have_url(re.compile(r"/workspace/consultations/[0-9a-f-]{36}$"))
    expect(page.get_by_text("sertraline")).to_be_visible()
    page.get_by_label("Contacted").check()
    page.get_by_role("button", name="Save status").click()
    page.get_by_label("Add a note").fill("Spoke with Ana; consult booked for Tuesday.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("consult booked for Tuesday")).to_be_visible()
    shot(page, "06-consultation")
    assert_accessible(page)
    page.get_by_role("button", name="Convert to patient record").click()
    expect(page).to_have_url(re.compile(r"/workspace/patients/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name="Ana Diaz", level=1)).to_be_visible()
    expect(page.locator("#diagnoses li strong")).to_have_text("F32.A")
    expect(page.get_by_role("rowheader", name="venlafaxine")).to_be_visible()
    # The prescriber overrides the engine with a reason.
    page.get_by_label("Decision for Repetitive TMS").select_option("not_indicated")
    page.get_by_role("button", name="Record").first.click()
    expect(page.get_by_role("alert")).to_contain_text("required to override")
    page.get_by_label("Decision for Repetitive TMS").select_option("not_indicated")
    page.get_by_label("Reason (required to override the engine)").first.fill(
        "Prefers to start with esketamine after discussion."
    )
    page.get_by_role("button", name="Record").first.click()
    expect(page.get_by_text("overrides engine").first).to_be_visible()
    shot(page, "07-patient")
    assert_accessible(page)
    verify = ws_server.cli("audit", "verify")
    assert verify.returncode == 0, verify.stderr


def test_admin_reads_the_audit_log(desk: Page, ws_server: WorkspaceServer) -> None:
    page = desk
    sign_in(page, ws_server, "alice@demo.example")
    page.get_by_role("link", name="Audit log").first.click()
    expect(page.get_by_role("cell", name="inbox.convert")).to_be_visible()
    page.get_by_label("Action starts with").fill("candidacy.")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("cell", name="candidacy.override")).to_be_visible()
    expect(page.get_by_role("cell", name="inbox.convert")).to_have_count(0)
    shot(page, "09-audit")
    assert_accessible(page)
    page.get_by_role("link", name="Staff").click()
    expect(page.get_by_role("cell", name="priya@demo.example")).to_be_visible()
    shot(page, "10-staff")
    assert_accessible(page)


def test_lockout_after_ten_failures(desk: Page, ws_server: WorkspaceServer) -> None:
    page = desk
    page.goto(ws_server.url("/workspace/login"))
    for attempt in range(10):
        page.get_by_label("Email").fill("priya@demo.example")
        page.get_by_label("Password").fill(f"wrong guess number {attempt}")
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("paused for 15 minutes")
    page.get_by_label("Email").fill("priya@demo.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("paused for 15 minutes")
    shot(page, "08-lockout")
    assert_accessible(page)
    exported = ws_server.cli("audit", "export")
    assert ",auth.lockout," in exported.stdout
