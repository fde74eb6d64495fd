"""The esketamine session flow in real chromium: REMS enrolment, a dose refused above 140/90
without a prescriber's decision (error summary naming the field), recorded with it, then the
REMS Patient Monitoring Form queue (overdue) marked submitted; each page checked with axe."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.workspace.conftest import WorkspaceServer, assert_accessible, shot
from tests.browser.workspace.test_courses_browser import _api, _sign_in_fresh

pytestmark = pytest.mark.browser
TZ = ZoneInfo("America/Anchorage")  # the demo clinic's zone


def test_prescriber_records_an_esketamine_session(desk: Page, ws_server: WorkspaceServer) -> None:
    made = ws_server.cli("tokens", "create", "cora@demo.example", "--clinic", "demo", "--name", "s")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    patient = _api(
        ws_server,
        token,
        "/api/v1/patients",
        {"given_name": "Esme", "family_name": "Spray", "birth_date": "1979-03-04"},
    )
    start = date.today() - timedelta(days=60)
    course = _api(
        ws_server,
        token,
        f"/api/v1/patients/{patient['id']}/courses",
        {"option": "esketamine", "start_on": start.isoformat(), "preferred_time": "10:00"},
    )
    first = course["sessions"][0]
    given = datetime.fromisoformat(first["starts_at"]).astimezone(TZ) + timedelta(minutes=5)

    page = desk
    _sign_in_fresh(page, ws_server, "priya@demo.example")
    page.goto(ws_server.url(f"/workspace/courses/{course['id']}"))
    page.get_by_role("link", name="Record of session 1", exact=True).click()
    expect(page.get_by_text("Not enrolled: no dose before enrolment.")).to_be_visible()
    page.get_by_label("Enrolled on").fill((start - timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Record enrolment").click()
    expect(page.get_by_text(re.compile("^Enrolled "))).to_be_visible()

    page.get_by_label("Dose").select_option("56")
    page.get_by_label("First device at").fill(given.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Device lot numbers").fill("LOT-7, LOT-8")
    pre = page.locator("#bp_pre")
    pre.get_by_label("Systolic").fill("152")
    pre.get_by_label("Diastolic").fill("94")
    page.locator("#bp_40min").get_by_label("Systolic").fill("146")
    page.locator("#bp_40min").get_by_label("Diastolic").fill("90")
    page.locator("#bp_discharge").get_by_label("Systolic").fill("132")
    page.locator("#bp_discharge").get_by_label("Diastolic").fill("84")
    page.get_by_label("Lowest SpO2 (%)").fill("96")
    page.get_by_label("Sedation observed").check()
    page.get_by_label("Sedation resolved").check()
    page.get_by_label("Dissociation resolved").check()
    early = (given + timedelta(minutes=95)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Discharged at").fill(early)
    page.get_by_role("button", name="Save record").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("above 140/90")
    expect(summary).to_contain_text("at least 120 minutes")
    expect(page.get_by_label("Device lot numbers")).to_have_value("LOT-7, LOT-8")
    assert_accessible(page)
    shot(page, "sessions-01-esketamine-refused")

    page.get_by_label("Prescriber's decision (BP above 140/90)").select_option("true")
    page.get_by_label("Reason for the decision").fill("Rechecked after 10 min rest; benefit first")
    page.get_by_label("Discharged at").fill(
        (given + timedelta(minutes=130)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_role("heading", name="Record history")).to_be_visible()
    expect(page.get_by_text("Week 1: Induction (weeks 1–4, twice weekly)")).to_be_visible()
    expect(page.get_by_role("heading", name="Correct the record (version 2)")).to_be_visible()
    assert_accessible(page)
    shot(page, "sessions-02-esketamine-recorded")

    page.get_by_role("link", name="REMS forms").click()
    expect(page.get_by_text("1 form overdue.")).to_be_visible()
    expect(page.get_by_text("152/94 / 146/90 / 132/84")).to_be_visible()
    assert_accessible(page)
    shot(page, "sessions-03-rems-queue")
    page.get_by_label("Confirmation number (optional)").fill("PMF-001")
    page.get_by_role("button", name="Mark submitted").click()
    expect(page.get_by_text("No forms due.")).to_be_visible()

    # Today's board on a tablet: the day of the second (still booked) session.
    second = course["sessions"][1]
    day = datetime.fromisoformat(second["starts_at"]).astimezone(TZ).date().isoformat()
    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_role("link", name="Today", exact=True).click()
    page.get_by_label("Day").fill(day)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Not recorded")).to_be_visible()
    assert_accessible(page)
    shot(page, "sessions-04-board-tablet")
    page.get_by_role("link", name=re.compile("^Start Esme Spray")).click()
    expect(page.get_by_role("heading", name=re.compile("Session 2 of 12"))).to_be_visible()
    expect(page.get_by_label("Dose")).to_have_value("56")  # carried from the last dose

    page.goto(ws_server.url("/workspace/today"))
    assert page.evaluate("typeof window.htmx") == "object"  # served by the app itself
    with page.expect_request(re.compile(r"/workspace/today$"), timeout=40_000) as polled:
        pass
    assert polled.value.headers.get("hx-request") == "true"

    state = page.context.storage_state()
    nojs = page.context.browser.new_context(  # type: ignore[union-attr]
        storage_state=state, java_script_enabled=False, viewport={"width": 1024, "height": 768}
    )
    try:
        plain = nojs.new_page()
        plain.goto(ws_server.url(f"/workspace/today?day={day}"))
        expect(plain.get_by_text("Not recorded")).to_be_visible()
        plain.get_by_role("link", name=re.compile("^Start Esme Spray")).click()
        expect(plain.get_by_role("button", name="Save record")).to_be_visible()
    finally:
        nojs.close()


def test_iv_ketamine_vitals_chart(desk: Page, ws_server: WorkspaceServer) -> None:
    cora = ws_server.cli("tokens", "create", "cora@demo.example", "--clinic", "demo", "--name", "k")
    priya = ws_server.cli(
        "tokens", "create", "priya@demo.example", "--clinic", "demo", "--name", "k"
    )
    assert cora.returncode == 0 and priya.returncode == 0
    patient = _api(
        ws_server,
        cora.stdout.strip(),
        "/api/v1/patients",
        {"given_name": "Ike", "family_name": "Infusion", "birth_date": "1985-06-07"},
    )
    start = date.today() - timedelta(days=20)
    course = _api(
        ws_server,
        cora.stdout.strip(),
        f"/api/v1/patients/{patient['id']}/courses",
        {"option": "iv_ketamine", "start_on": start.isoformat(), "preferred_time": "09:00"},
    )
    s1 = course["sessions"][0]
    t0 = datetime.fromisoformat(s1["starts_at"])
    readings = [(0, 122, 78, 70), (10, 130, 82, 74), (20, 136, 86, 78), (40, 142, 90, 82),
                (55, 134, 84, 76), (70, 126, 80, 72)]  # fmt: skip
    body = {
        "kind": "iv_ketamine",
        "weight_kg": 72,
        "dose_mg_per_kg": 0.5,
        "infusion_minutes": 40,
        "started_at": t0.isoformat(),
        "vitals": [
            {
                "at": (t0 + timedelta(minutes=m)).isoformat(),
                "systolic": s,
                "diastolic": d,
                "heart_rate": hr,
                "spo2": 98,
            }
            for m, s, d, hr in readings
        ],
        "discharged_at": (t0 + timedelta(minutes=95)).isoformat(),
        "discharged_to_adult": True,
    }
    _api(ws_server, priya.stdout.strip(), f"/api/v1/sessions/{s1['id']}/record", body)
    page = desk
    _sign_in_fresh(page, ws_server, "alice@demo.example")
    page.goto(ws_server.url(f"/workspace/sessions/{s1['id']}"))
    chart = page.get_by_role("img", name="Vital signs during the session")
    expect(chart).to_be_visible()
    assert_accessible(page)
    shot(page, "sessions-05-iv-ketamine-chart")
