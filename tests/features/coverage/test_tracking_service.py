"""Tracking a stored approval against a course given as plain (day, status) lists: the one
service function the course tables are wired to (features/coverage/tracking.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.cast import Member, now
from trdnav.domain.coverage.tracking import SessionEntry
from trdnav.features.coverage.service import local_today
from trdnav.features.coverage.tracking import course_sessions, standing
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import PriorAuthorization


def _approved(cora: Member, patient_id: str, runtime: Runtime) -> PriorAuthorization:
    started = cora.post(
        f"/workspace/patients/{patient_id}/authorizations",
        {"option": "rtms", "policy": "LCD-L34522", "payer": "Medicare"},
    )
    url = started.headers["location"]
    # The clinic's own day: between midnight UTC and midnight in Alaska, UTC's date is "tomorrow"
    # there, and an approval dated tomorrow is refused.
    today = local_today(datetime.now(UTC), runtime.clinic.time_zone)
    cora.post(f"{url}/status", {"status": "submitted", "on": today.isoformat()})
    approve = {
        "status": "approved",
        "on": today.isoformat(),
        "reference_number": "A-9",
        "authorized_units": "25",
        "period_start": (today - timedelta(days=30)).isoformat(),
        "period_end": (today + timedelta(days=30)).isoformat(),
    }
    assert cora.post(f"{url}/status", approve).status_code == 303
    with runtime.db() as db:
        pa = db.get(PriorAuthorization, url.rsplit("/", 1)[1])
        assert pa is not None
        return pa


def test_sessions_beyond_the_approval_are_warned_about(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    pa = _approved(cast["cora"], patient_id, runtime)
    today = datetime.now(UTC).date()
    first = today - timedelta(days=25)
    course = [SessionEntry(first + timedelta(days=i), "delivered") for i in range(20)]
    course += [SessionEntry(today + timedelta(days=i), "booked") for i in range(1, 9)]
    found = standing(pa, course, today)
    assert found is not None and found.tracking is not None
    assert (found.tracking.units_used, found.tracking.units_remaining) == (20, 5)
    assert found.tracking.booked_beyond_units == [today + timedelta(days=i) for i in range(6, 9)]
    assert {w.code for w in found.warnings} == {"booked_beyond_units", "low"}


def test_unknown_sessions_leave_only_the_period(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    pa = _approved(cast["cora"], patient_id, runtime)
    found = standing(pa, None, date.today() + timedelta(days=20))
    assert found is not None and found.tracking is None
    assert [w.code for w in found.warnings] == ["expiring"]
    draft = PriorAuthorization(status="draft")
    assert standing(draft, [], date.today()) is None


def test_a_booked_course_is_tracked_against_its_authorization(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    """The course tables feed the tracking: its booked sessions are counted, none invented."""
    from trdnav.features.courses import booking
    from trdnav.features.courses.schedule import load_schedule
    from trdnav.features.courses.views import CourseCreate
    from trdnav.platform.access import Actor
    from trdnav.storage.models import Patient

    pa = _approved(cast["cora"], patient_id, runtime)
    with runtime.db() as db:
        assert course_sessions(db, pa) is None  # no course yet: not known, never 0
    cora = cast["cora"]
    actor = Actor(cora.user_id, cora.email, "Cora", "coordinator", runtime.clinic_id, 0)
    start = datetime.now(UTC).date() + timedelta(days=7)
    with runtime.db.begin() as db:
        patient = db.get(Patient, patient_id)
        assert patient is not None
        request = CourseCreate(option="rtms", start_on=start)
        booking.book_course(
            db, actor, load_schedule(db, runtime.clinic_id), patient, request, now()
        )
    with runtime.db() as db:
        sessions = course_sessions(db, pa)
    assert sessions is not None and len(sessions) == 36
    assert {s.status for s in sessions} == {"booked"}
    found = standing(pa, sessions, datetime.now(UTC).date())
    assert found is not None and found.tracking is not None
    assert found.tracking.units_used == 0
    # The approval ends 30 days from today; the 9-week course runs past it: flagged before it
    # happens, not after the sessions are delivered and unpaid.
    assert "booked_outside_period" in {w.code for w in found.warnings}
