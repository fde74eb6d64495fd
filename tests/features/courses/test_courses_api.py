"""Clinic API v1, patients and courses: booking whole courses, no double booking, changes,
calendars, roles and clinics (contract clinic-api-v1)."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tests.features.courses.conftest import Api, new_patient
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent, CourseSession

TZ = ZoneInfo("America/Anchorage")
MLK_DAY = date(2027, 1, 18)  # a US public holiday: the demo clinic (US-AK) is closed


def local(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(TZ)


def book(
    api: Api,
    patient: str,
    option: str = "rtms",
    start: str = "2027-01-04",
    at: str | None = "09:00",
    **extra: object,
):  # type: ignore[no-untyped-def]
    body: dict[str, object] = {"option": option, "start_on": start, **extra}
    if at:
        body["preferred_time"] = at
    return api.post(f"/api/v1/patients/{patient}/courses", body)


def resources(api: Api) -> dict[int, dict]:  # type: ignore[type-arg]
    r = api.get("/api/v1/resources")
    assert r.status_code == 200
    return {x["id"]: x for x in r.json()["items"]}


def test_patients_create_read_and_validate(api: dict[str, Api]) -> None:
    cora = api["cora"]
    pid = new_patient(cora)
    got = cora.get(f"/api/v1/patients/{pid}").json()
    assert (got["given_name"], got["family_name"], got["birth_date"]) == (
        "Ana",
        "Diaz",
        "1980-02-03",
    )
    bad = cora.post(
        "/api/v1/patients",
        {"given_name": "", "family_name": "X", "birth_date": "2999-01-01", "email": "nope"},
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert {"given_name"} <= {e["field"] for e in bad.json()["errors"]}
    future = cora.post(
        "/api/v1/patients", {"given_name": "A", "family_name": "B", "birth_date": "2999-01-01"}
    )
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "birth_date"


def test_a_tms_course_is_booked_whole_at_the_same_time(
    api: dict[str, Api], runtime: Runtime
) -> None:
    cora = api["cora"]
    pid = new_patient(cora)
    r = book(cora, pid)
    assert r.status_code == 201, r.text
    course = r.json()
    assert course["status"] == "booked" and course["option"] == "rtms"
    sessions = course["sessions"]
    assert [s["number"] for s in sessions] == list(range(1, 37))
    assert all(s["status"] == "booked" for s in sessions)
    starts = [local(s["starts_at"]) for s in sessions]
    assert {(t.hour, t.minute) for t in starts} == {(9, 0)}
    assert MLK_DAY not in {t.date() for t in starts}
    assert len({t.date() for t in starts}) == 36  # one TMS session a day
    assert (
        "+" in sessions[0]["starts_at"]
        or sessions[0]["starts_at"].endswith("Z")
        or "-" in sessions[0]["starts_at"][10:]
    )
    kinds = resources(cora)
    assert {kinds[s["resource_id"]]["options"][0] for s in sessions} == {"rtms"}
    with runtime.db() as db:
        actions = [
            a for (a,) in db.execute(select(AuditEvent.action).where(AuditEvent.patient_id == pid))
        ]
    assert actions.count("course.book") == 1


def test_three_patients_at_nine_share_two_chairs_without_overlap(
    api: dict[str, Api], runtime: Runtime
) -> None:
    cora = api["cora"]
    courses = [book(cora, new_patient(cora, f"P{i}")).json() for i in range(3)]
    firsts = [
        (c["sessions"][0]["resource_id"], local(c["sessions"][0]["starts_at"])) for c in courses
    ]
    assert firsts[0][0] != firsts[1][0] and firsts[0][1] == firsts[1][1]  # the other chair
    assert firsts[2][1] != firsts[0][1]  # both chairs taken at nine: the nearest free time
    assert _overlaps(runtime) == 0


def _overlaps(runtime: Runtime) -> int:
    with runtime.db() as db:
        rows = list(
            db.scalars(
                select(CourseSession).where(CourseSession.status.in_(("booked", "delivered")))
            )
        )
    count = 0
    for key in ("resource_id", "patient_id"):
        groups: dict[object, list[CourseSession]] = {}
        for r in rows:
            groups.setdefault(getattr(r, key), []).append(r)
        for items in groups.values():
            items.sort(key=lambda r: r.starts_at)
            count += sum(1 for a, b in itertools.pairwise(items) if b.starts_at < a.ends_at)
    return count


def test_a_course_that_cannot_be_booked_whole_is_refused_and_leaves_nothing(
    api: dict[str, Api], runtime: Runtime
) -> None:
    cora = api["cora"]
    first = book(cora, new_patient(cora, "First")).json()
    taken = first["sessions"][3]
    other = new_patient(cora, "Second")
    # The coordinator places the sessions by hand, one of them on a taken chair and time.
    proposal = book(cora, new_patient(cora, "Probe"), start="2027-03-01").json()
    chosen = [
        {"starts_at": s["starts_at"], "resource_id": s["resource_id"]} for s in proposal["sessions"]
    ]
    chosen[5] = {"starts_at": taken["starts_at"], "resource_id": taken["resource_id"]}
    with runtime.db() as db:
        before = db.scalar(select(func.count()).select_from(CourseSession))
    r = book(cora, other, start="2027-01-04", sessions=chosen)
    assert r.status_code == 409, r.text
    assert r.json()["errors"][0]["field"] == "sessions"
    assert "already booked" in r.json()["detail"]
    with runtime.db() as db:
        assert db.scalar(select(func.count()).select_from(CourseSession)) == before
        assert (
            db.scalar(
                select(func.count())
                .select_from(CourseSession)
                .where(CourseSession.patient_id == other)
            )
            == 0
        )


def test_the_same_patient_is_never_in_two_places(api: dict[str, Api]) -> None:
    cora = api["cora"]
    pid = new_patient(cora)
    tms = book(cora, pid).json()
    infusion_chair = next(i for i, r in resources(cora).items() if "iv_ketamine" in r["options"])
    at_nine = tms["sessions"][0]["starts_at"]
    clash = [{"starts_at": at_nine, "resource_id": infusion_chair}]
    later = datetime.fromisoformat(at_nine)
    clash += [
        {"starts_at": (later + timedelta(days=d)).isoformat(), "resource_id": infusion_chair}
        for d in (14, 21, 28, 35, 42)
    ]
    r = book(cora, pid, option="iv_ketamine", sessions=clash)
    assert r.status_code in (409, 422)
    planned = book(cora, pid, option="iv_ketamine", at="09:00")  # planned around the TMS visits
    assert planned.status_code == 201
    tms_times = {(s["starts_at"][:10]) + s["starts_at"][11:16] for s in tms["sessions"]}
    for s in planned.json()["sessions"]:
        assert (s["starts_at"][:10] + s["starts_at"][11:16]) not in tms_times


def test_esketamine_only_when_a_prescriber_is_on_site(api: dict[str, Api]) -> None:
    cora = api["cora"]
    r = book(cora, new_patient(cora), option="esketamine", at="08:00")
    assert r.status_code == 201, r.text
    sessions = r.json()["sessions"]
    assert len(sessions) == 12
    hours = {0: (9, 17), 1: (9, 17), 2: (9, 13), 3: (9, 17)}
    for s in sessions:
        start, end = local(s["starts_at"]), local(s["ends_at"])
        lo, hi = hours[start.weekday()]
        assert lo * 60 <= start.hour * 60 + start.minute and end.hour * 60 + end.minute <= hi * 60
        assert end - start == timedelta(minutes=150)  # the demo clinic's own length
    weeks = Counter(local(s["starts_at"]).isocalendar()[1] for s in sessions)
    assert sorted(weeks.values(), reverse=True) == [2, 2, 2, 2, 1, 1, 1, 1]


def test_reschedule_and_cancel_keep_every_rule(api: dict[str, Api], runtime: Runtime) -> None:
    cora = api["cora"]
    course = book(cora, new_patient(cora)).json()
    s5, s6 = course["sessions"][4], course["sessions"][5]
    moved_to = local(s5["starts_at"]).replace(hour=14).isoformat()
    ok = cora.post(f"/api/v1/sessions/{s5['id']}/reschedule", {"starts_at": moved_to})
    assert ok.status_code == 200, ok.text
    assert local(ok.json()["starts_at"]).hour == 14
    same_day = local(s6["starts_at"]).replace(hour=15).isoformat()
    two_a_day = cora.post(f"/api/v1/sessions/{s5['id']}/reschedule", {"starts_at": same_day})
    assert two_a_day.status_code == 422 and "at most 1 a day" in two_a_day.text
    other = book(cora, new_patient(cora, "Other"), start="2027-01-04", at="11:00").json()
    target = other["sessions"][4]
    clash = cora.post(
        f"/api/v1/sessions/{s5['id']}/reschedule",
        {"starts_at": target["starts_at"], "resource_id": target["resource_id"]},
    )
    assert clash.status_code == 409
    cancelled = cora.post(f"/api/v1/sessions/{target['id']}/cancel", {"reason": "patient ill"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    freed = cora.post(
        f"/api/v1/sessions/{s5['id']}/reschedule",
        {"starts_at": target["starts_at"], "resource_id": target["resource_id"]},
    )
    assert freed.status_code == 200, freed.text  # a cancelled slot is free again at once
    assert cora.post(f"/api/v1/sessions/{target['id']}/cancel", {}).status_code == 422
    assert _overlaps(runtime) == 0


def test_ending_a_course_releases_its_future_sessions(api: dict[str, Api]) -> None:
    cora = api["cora"]
    course = book(cora, new_patient(cora), start="2030-01-07").json()
    r = cora.post(
        f"/api/v1/courses/{course['id']}/status", {"status": "discontinued", "reason": "moved away"}
    )
    assert r.status_code == 200
    assert {s["status"] for s in r.json()["sessions"]} == {"released"}
    assert (
        cora.post(f"/api/v1/courses/{course['id']}/status", {"status": "completed"}).status_code
        == 409
    )
    assert (
        cora.post(f"/api/v1/courses/{course['id']}/status", {"status": "paused"}).status_code == 422
    )


def test_history_import_books_past_courses(api: dict[str, Api]) -> None:
    cora = api["cora"]
    r = book(cora, new_patient(cora), option="iv_ketamine", start="2024-03-04")
    assert r.status_code == 201 and len(r.json()["sessions"]) == 6


def test_calendar_has_stable_uids_and_no_health_words(api: dict[str, Api]) -> None:
    cora = api["cora"]
    course = book(cora, new_patient(cora), option="esketamine", at="10:00").json()
    first = cora.get(f"/api/v1/courses/{course['id']}/calendar.ics")
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/calendar")
    text = first.text
    assert text.count("BEGIN:VEVENT") == 12
    assert "SUMMARY:Appointment at Harbor Light" in text
    for word in ("esketamine", "spravato", "ketamine", "tms", "depress", "psychiatr", "Ana"):
        assert word.lower() not in text.lower().replace("harbor light interventional", ""), word
    uids = [line for line in text.splitlines() if line.startswith("UID:")]
    assert uids == [
        line
        for line in cora.get(f"/api/v1/courses/{course['id']}/calendar.ics").text.splitlines()
        if line.startswith("UID:")
    ]
    assert {u.split(":", 1)[1].split("@")[0] for u in uids} == {s["id"] for s in course["sessions"]}


def test_tokens_roles_and_clinics(api: dict[str, Api], runtime: Runtime) -> None:
    cora, ted, oscar, alice = api["cora"], api["ted"], api["oscar"], api["alice"]
    pid = new_patient(cora)
    course = book(cora, pid).json()
    anonymous = cora.client.get(f"/api/v1/courses/{course['id']}")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    bad = cora.client.get(
        f"/api/v1/courses/{course['id']}", headers={"Authorization": "Bearer trdnav_nope"}
    )
    assert bad.status_code == 401 and bad.json()["title"] == "Unauthorized"
    assert (
        ted.get(f"/api/v1/courses/{course['id']}").status_code == 200
    )  # technicians see calendars
    assert book(ted, pid).status_code == 403
    assert alice.get(f"/api/v1/courses/{course['id']}").status_code == 200
    # The outsider gets 404 for clinic A's ids, even where the role lacks the permission.
    assert oscar.get(f"/api/v1/courses/{course['id']}").status_code == 404
    assert oscar.get(f"/api/v1/patients/{pid}").status_code == 404
    assert book(oscar, pid).status_code == 404
    session = course["sessions"][0]["id"]
    assert oscar.post(f"/api/v1/sessions/{session}/cancel", {"reason": "x"}).status_code == 404
    assert oscar.get("/api/v1/resources").json()["items"] == []  # clinic B has none


def test_revoked_expired_and_disabled_tokens_get_401_at_once(
    api: dict[str, Api], runtime: Runtime
) -> None:
    from tests.cast import now
    from trdnav.features.accounts.users import disable_user
    from trdnav.features.tokens.service import create_token, revoke_token

    cora = api["cora"]
    assert cora.get("/api/v1/resources").status_code == 200
    with runtime.db.begin() as db:
        row, raw = create_token(db, "cora@demo.example", "demo", "short", now(), days=1)
        token_id = row.id
    headers = {"Authorization": f"Bearer {raw}"}
    assert cora.client.get("/api/v1/resources", headers=headers).status_code == 200
    with runtime.db.begin() as db:
        revoke_token(db, token_id, now())
    assert cora.client.get("/api/v1/resources", headers=headers).status_code == 401
    with runtime.db.begin() as db:
        row, raw = create_token(db, "cora@demo.example", "demo", "old", now(), days=1)
        row.expires_at = now() - timedelta(seconds=1)
    assert (
        cora.client.get("/api/v1/resources", headers={"Authorization": f"Bearer {raw}"}).status_code
        == 401
    )
    with runtime.db.begin() as db:
        disable_user(db, "cora@demo.example", now())
    assert cora.get("/api/v1/resources").status_code == 401


def test_dates_out_of_range_are_422_not_errors(api: dict[str, Api]) -> None:
    cora = api["cora"]
    pid = new_patient(cora)
    for start in ("9999-12-31", "0001-01-01"):
        r = book(cora, pid, start=start)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "start_on"
    course = book(cora, pid).json()
    far = cora.post(
        f"/api/v1/sessions/{course['sessions'][0]['id']}/reschedule",
        {"starts_at": "9999-12-31T23:59:00+00:00"},
    )
    assert far.status_code == 422 and far.json()["errors"][0]["field"] == "starts_at"
    old = cora.post(
        "/api/v1/patients", {"given_name": "A", "family_name": "B", "birth_date": "0001-01-01"}
    )
    assert old.status_code == 422
