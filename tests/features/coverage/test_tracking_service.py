"""Tracking a stored approval against a course given as plain (day, status) lists: the one
service function the course tables are wired to (features/coverage/tracking.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.cast import Member
from trdnav.domain.coverage.tracking import SessionEntry
from trdnav.features.coverage.tracking import standing
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import PriorAuthorization


def _approved(cora: Member, patient_id: str, runtime: Runtime) -> PriorAuthorization:
    started = cora.post(
        f"/workspace/patients/{patient_id}/authorizations",
        {"option": "rtms", "policy": "LCD-L34522", "payer": "Medicare"},
    )
    url = started.headers["location"]
    today = datetime.now(UTC).date()
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
