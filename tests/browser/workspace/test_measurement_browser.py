"""Measurement in real chromium against a real server: the patient's self-report page on a
phone without JavaScript (single use, 988/911 at once on item 9), axe on every page, and the
clinician's measurements page with its QR code."""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.workspace.conftest import SHOTS, WorkspaceServer, assert_accessible, shot
from tests.browser.workspace.test_coverage_browser import sign_in

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _api(server: WorkspaceServer, token: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        server.url(path),
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.load(response))


@pytest.fixture(scope="module")
def staff_token(ws_server: WorkspaceServer) -> str:
    created = ws_server.cli(
        "tokens", "create", "priya@demo.example", "--clinic", "demo", "--name", "t"
    )
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


def test_self_report_on_a_phone_without_javascript(
    browser: Browser, ws_server: WorkspaceServer, staff_token: str
) -> None:
    pid = _api(
        ws_server,
        staff_token,
        "/api/v1/patients",
        {"given_name": "Pia", "family_name": "Phone", "birth_date": "1985-05-05"},
    )["id"]
    url = _api(
        ws_server, staff_token, f"/api/v1/patients/{pid}/measure-links", {"instrument": "phq9"}
    )["url"]
    context = browser.new_context(java_script_enabled=False, **PHONE)
    try:
        page = context.new_page()
        page.goto(url)
        expect(
            page.get_by_role("heading", name="Patient Health Questionnaire (PHQ-9)")
        ).to_be_visible()
        shot(page, "60-self-report-phone")
        page.get_by_role("button", name="Send my answers").click()  # nothing answered
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        for n in range(1, 10):
            group = page.get_by_role("group", name=f"{n}.", exact=False).first
            group.get_by_label("Several days" if n == 9 else "Not at all").check()
        page.get_by_role("button", name="Send my answers").click()
        expect(
            page.get_by_role("heading", name="Thank you: your answers were sent")
        ).to_be_visible()
        expect(page.locator("#crisis-panel")).to_contain_text("988")
        expect(page.locator("#crisis-panel a[href='tel:911']")).to_be_visible()
        shot(page, "61-self-report-crisis")
        page.goto(url)
        expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    finally:
        context.close()

    second = _api(
        ws_server, staff_token, f"/api/v1/patients/{pid}/measure-links", {"instrument": "gad7"}
    )["url"]
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(second)
        assert_accessible(page)
        page.get_by_role("button", name="Send my answers").click()
        assert_accessible(page)  # the error summary and inline errors
        page.goto(url)
        assert_accessible(page)  # the 410 page
    finally:
        context.close()


def test_clinician_sees_scores_and_hands_over_a_qr_code(
    desk: Page, ws_server: WorkspaceServer, staff_token: str
) -> None:
    page = desk
    pid = _api(
        ws_server,
        staff_token,
        "/api/v1/patients",
        {
            "given_name": "Quinn",
            "family_name": "Scores",
            "birth_date": "1979-01-01",
            "email": "q@example.org",
        },
    )["id"]
    for days, answers in [(21, [3, 3, 2, 2, 2, 2, 2, 2, 0]), (7, [1, 1, 1, 1, 1, 1, 1, 1, 0])]:
        _api(
            ws_server,
            staff_token,
            f"/api/v1/patients/{pid}/administrations",
            {
                "instrument": "phq9",
                "answers": answers,
                "administered_at": (datetime.now(UTC) - timedelta(days=days)).isoformat(),
            },
        )
    sign_in(page, ws_server, "priya@demo.example")
    page.goto(ws_server.url(f"/workspace/patients/{pid}"))
    page.get_by_role("link", name="Measurements: scores over time").click()
    expect(page.get_by_role("cell", name="Response")).to_be_visible()
    expect(page.get_by_role("img", name="PHQ-9 over time")).to_be_visible()
    assert_accessible(page)
    shot(page, "62-measurements")
    pdf = page.request.get(ws_server.url(f"/workspace/patients/{pid}/measurements.pdf"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "62-measurements.pdf").write_bytes(pdf.body())
    page.get_by_role("button", name="Show a link and QR code").click()
    expect(page.locator(".qr svg")).to_be_visible()
    assert_accessible(page)
    shot(page, "63-measure-link-qr")


def test_outcomes_dashboard(desk: Page, ws_server: WorkspaceServer) -> None:
    seeded = ws_server.cli("demo", "seed-outcomes", "--administrations", "4000")
    assert seeded.returncode == 0, seeded.stderr
    page = desk
    sign_in(page, ws_server, "alice@demo.example")
    page.get_by_role("link", name="Outcomes").click()
    table = page.get_by_role("table", name=re.compile("Outcomes per option"))
    expect(table).to_contain_text("Repetitive TMS (standard course)")
    expect(table).to_contain_text("CARPENTER-2012")
    assert_accessible(page)
    shot(page, "64-outcomes")
    page.get_by_label("Courses started from").fill("2999-01-01")
    page.get_by_role("button", name="Show").click()
    expect(table).to_contain_text("no courses")
