"""Workspace pages: a course from the patient page (proposal, adjust, book whole), the course
page's changes, the resource calendar, the waitlist planned and accepted, API tokens."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from tests.cast import Member
from tests.features.courses.conftest import Api, new_patient
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import CourseSession, WaitlistEntry


def _count(runtime: Runtime) -> int:
    with runtime.db() as db:
        return int(db.scalar(select(func.count()).select_from(CourseSession)) or 0)


def _rows(html: str) -> dict[str, str]:
    """The proposal's editable fields as the browser would post them back."""
    fields = dict(re.findall(r'name="((?:date|time)_\d+)"[^>]*value="([^"]*)"', html))
    for n, rid in re.findall(r'name="resource_(\d+)">.*?<option value="(\d+)" selected', html):
        fields[f"resource_{n}"] = rid
    return fields


def test_plan_adjust_and_book_a_course_from_the_patient_page(
    cast: dict[str, Member], api: dict[str, Api], runtime: Runtime
) -> None:
    cora = cast["cora"]
    pid = new_patient(api["cora"], "Page", "Patient")
    record = cora.get(f"/workspace/patients/{pid}")
    assert f"/workspace/patients/{pid}/courses" in record.text
    form = {"template": "rtms", "start_on": "2027-02-01", "preferred_time": "10:00"}
    proposal = cora.post(f"/workspace/patients/{pid}/courses", {**form, "action": "propose"})
    assert proposal.status_code == 200 and proposal.text.count('name="date_') == 36
    assert _count(runtime) == 0  # a proposal books nothing
    rows = _rows(proposal.text)
    assert rows["time_1"] == "10:00" and len(rows) == 36 * 3
    rows["time_2"] = "15:00"  # the coordinator moves one session
    booked = cora.post(f"/workspace/patients/{pid}/courses", {**form, **rows, "action": "book"})
    assert booked.status_code == 303, booked.text
    course_url = booked.headers["location"]
    page = cora.get(course_url)
    assert page.status_code == 200 and "15:00–15:40" in page.text
    assert _count(runtime) == 36

    other = new_patient(api["cora"], "Second", "Patient")
    clash = cora.post(f"/workspace/patients/{other}/courses", {**form, **rows, "action": "book"})
    assert clash.status_code == 409
    assert "There is a problem" in clash.text and "already booked" in clash.text
    assert _count(runtime) == 36  # nothing partial

    # Changes on the course page.
    session_ids = re.findall(r'id="s-([0-9a-f-]{36})"', page.text)
    assert len(session_ids) == 36
    s3 = session_ids[2]
    assert cora.post(f"/workspace/sessions/{s3}/cancel", {"reason": ""}).status_code == 422
    assert cora.post(f"/workspace/sessions/{s3}/cancel", {"reason": "sick"}).status_code == 303
    made_up = cora.post(f"/workspace/sessions/{session_ids[3]}/missed", {"confirm": "missed"})
    assert made_up.status_code == 303
    after = cora.get(course_url).text
    assert "(make-up)" in after and "missed" in after and "cancelled: sick" in after
    moved = cora.post(
        f"/workspace/sessions/{session_ids[5]}/reschedule", {"date": "2027-02-09", "time": "17:00"}
    )
    assert moved.status_code == 422  # a second session on the same day breaks the course's rules
    assert "at most 1 a day" in moved.text


def test_calendar_week_shows_bookings_and_closed_days(
    cast: dict[str, Member], api: dict[str, Api]
) -> None:
    pid = new_patient(api["cora"], "Cal", "Endar")
    api["cora"].post(
        f"/api/v1/patients/{pid}/courses",
        {"option": "rtms", "start_on": "2027-01-11", "preferred_time": "09:00"},
    )
    ted = cast["ted"]  # a technician sees the calendar
    week = ted.get("/workspace/calendar?day=2027-01-18&view=week")
    assert week.status_code == 200
    assert "Cal Endar" in week.text and "closed (Martin Luther King" in week.text
    day = ted.get("/workspace/calendar?day=2027-01-19&view=day")
    assert day.text.count("Cal Endar") == 1
    assert cast["oscar"].get("/workspace/calendar?resource=1").status_code == 404


def test_waitlist_planned_against_real_bookings_and_accepted(
    cast: dict[str, Member], api: dict[str, Api], runtime: Runtime
) -> None:
    runtime.settings.planner_time_limit = 2.0
    cora = cast["cora"]
    ids = [new_patient(api["cora"], f"Wait{i}", "List") for i in range(3)]
    for i, pid in enumerate(ids):
        added = cora.post(
            "/workspace/waitlist",
            {
                "patient_id": pid,
                "option": "iv_ketamine",
                "earliest_start": str(date.today()),
                "priority": str(i + 1),
            },
        )
        assert added.status_code == 303
    bad = cora.post("/workspace/waitlist", {"patient_id": "nope", "option": "x"})
    assert bad.status_code == 422 and "Choose a patient" in bad.text
    planned = cora.post("/workspace/waitlist/plan")
    assert planned.status_code == 200 and "Proposed starts" in planned.text
    forms = re.findall(r'action="/workspace/waitlist/(\d+)/accept".*?</form>', planned.text, re.S)
    assert len(forms) == 3
    block = re.search(r'action="/workspace/waitlist/(\d+)/accept"(.*?)</form>', planned.text, re.S)
    assert block is not None
    sessions = re.findall(r'name="session" value="([^"]+)"', block.group(2))
    assert len(sessions) == 6
    accepted = cora.post(f"/workspace/waitlist/{block.group(1)}/accept", {"session": sessions})
    assert accepted.status_code == 303, accepted.text
    with runtime.db() as db:
        entry = db.get(WaitlistEntry, int(block.group(1)))
        assert entry is not None and entry.status == "booked" and entry.course_id
    again = cora.post(f"/workspace/waitlist/{block.group(1)}/accept", {"session": sessions})
    assert again.status_code == 422
    assert cast["ted"].get("/workspace/waitlist").status_code == 403


def test_admin_manages_api_tokens(cast: dict[str, Member]) -> None:
    alice = cast["alice"]
    made = alice.post(
        "/workspace/tokens", {"email": "cora@demo.example", "name": "EHR", "expires_days": "30"}
    )
    assert made.status_code == 200
    token = re.search(r'value="(trdnav_[^"]+)"', made.text)
    assert token is not None
    listing = alice.get("/workspace/tokens").text
    assert token.group(1) not in listing and "EHR" in listing  # shown once
    token_id = re.search(r"/workspace/tokens/(\d+)/revoke", listing)
    assert token_id is not None
    assert alice.post(f"/workspace/tokens/{token_id.group(1)}/revoke").status_code == 303
    assert "revoked" in alice.get("/workspace/tokens").text
    assert cast["cora"].get("/workspace/tokens").status_code == 403
