"""API clients for the cast (from the courses tests), an esketamine course booked as history,
and record bodies built from a booked session's time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.features.courses.conftest import Api, api, new_patient
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import Clinic, ClinicSettings

__all__ = ["Api", "api", "new_patient"]


def book_history(api: Api, pid: str, option: str, days_ago: int = 70) -> list[dict[str, Any]]:
    """A course of `option` that started `days_ago` days ago (booked as history)."""
    start = (datetime.now(UTC) - timedelta(days=days_ago)).date()
    r = api.post(
        f"/api/v1/patients/{pid}/courses",
        {"option": option, "start_on": start.isoformat(), "preferred_time": "10:00"},
    )
    assert r.status_code == 201, r.text
    return list(r.json()["sessions"])


def at(session: dict[str, Any], minutes: int = 0) -> str:
    """A moment `minutes` after the session's start, RFC 3339."""
    start = datetime.fromisoformat(session["starts_at"])
    return (start + timedelta(minutes=minutes)).isoformat()


def esk(session: dict[str, Any], **over: Any) -> dict[str, Any]:
    """A complete, safe esketamine record of 56 mg at the session, discharged after 2 h 5 min."""
    body: dict[str, Any] = {
        "kind": "esketamine",
        "dose_mg": 56,
        "administered_at": at(session, 5),
        "device_lots": ["LOT-A1", "LOT-A2"],
        "bp_pre": {"systolic": 128, "diastolic": 82},
        "bp_40min": {"systolic": 136, "diastolic": 86},
        "bp_discharge": {"systolic": 126, "diastolic": 80},
        "spo2_min": 97,
        "sedation": True,
        "dissociation": True,
        "sedation_resolved": True,
        "dissociation_resolved": True,
        "vitals_acceptable_pre": True,
        "vitals_acceptable_discharge": True,
        "discharged_at": at(session, 130),
        "concomitant": ["benzodiazepine"],
        "adverse_events": [],
    }
    body.update(over)
    return body


def enrol(api: Api, pid: str, on: date | None = None) -> None:
    day = on or (datetime.now(UTC) - timedelta(days=100)).date()
    r = api.client.put(
        f"/api/v1/patients/{pid}/rems-enrolment",
        json={"enrolled_on": day.isoformat(), "rems_patient_id": "R-12345"},
        headers=api.headers,
    )
    assert r.status_code == 200, r.text


def set_session_rules(runtime: Runtime, rules: dict[str, Any]) -> None:
    """The demo clinic's own session settings (a clinic's choice, set here for the test)."""
    with runtime.db.begin() as db:
        stored = db.scalars(
            select(ClinicSettings)
            .join(Clinic, Clinic.id == ClinicSettings.clinic_id)
            .where(Clinic.slug == runtime.clinic.slug)
        ).one()
        assert stored is not None
        stored.config = {**stored.config, "session_rules": rules}


@pytest.fixture
def hard_stop(runtime: Runtime) -> None:
    """A clinic that set a hard stop of 180/110 for esketamine dosing."""
    set_session_rules(runtime, {"bp_hard_stop": {"systolic": 180, "diastolic": 110}})
