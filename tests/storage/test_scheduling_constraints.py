"""PostgreSQL refuses double bookings itself: the exclusion constraints of c001 hold whoever
writes (here: plain SQL, bypassing the booking service). SQLite has no such constraint; there
the service checks inside its BEGIN IMMEDIATE transaction (tests/features/courses)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.conftest import _postgres_database
from trdnav.storage.db import make_engine, upgrade

POSTGRES = os.environ.get("TRDNAV_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(POSTGRES is None, reason="needs TRDNAV_TEST_POSTGRES_URL")


@pytest.fixture
def pg() -> Iterator[str]:
    """A fresh PostgreSQL database (the constraints exist there only)."""
    with _postgres_database() as url:
        yield url


CLINIC = (
    "INSERT INTO clinics (id, slug, name, time_zone, created_at) VALUES (1, 'c', 'C', 'UTC', now())"
)
PATIENT = (
    "INSERT INTO ws_patients (id, clinic_id, name, created_at, updated_at)"
    " VALUES (:p, 1, 'X', now(), now())"
)
RESOURCE = (
    "INSERT INTO resources (id, clinic_id, key, name, kind, options, capacity, active)"
    " VALUES (:r, 1, :k, 'R', 'tms', '[]', 1, true)"
)
COURSE = (
    "INSERT INTO courses (id, clinic_id, patient_id, option, template_id, template, status,"
    " start_on, created_at, updated_at) VALUES ('c', 1, 'p1', 'rtms', 'rtms', '{}', 'booked',"
    " '2027-01-04', now(), now())"
)


def _session(
    conn, patient: str, resource: int, start: str, end: str, status: str = "booked"
) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        text(
            "INSERT INTO course_sessions (id, course_id, clinic_id, patient_id, resource_id,"
            " number, phase, starts_at, ends_at, status, created_at, updated_at)"
            " VALUES (:id, 'c', 1, :p, :r, 1, 0, :s, :e, :st, now(), now())"
        ),
        {"id": str(uuid.uuid4()), "p": patient, "r": resource, "s": start, "e": end, "st": status},
    )


def test_exclusion_constraints_refuse_overlaps(pg: str) -> None:
    engine = make_engine(pg)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text(CLINIC))
            for pid in ("p1", "p2"):
                conn.execute(text(PATIENT), {"p": pid})
            for rid in (1, 2):
                conn.execute(text(RESOURCE), {"r": rid, "k": f"r{rid}"})
            conn.execute(text(COURSE))
            _session(conn, "p1", 1, "2027-01-04 09:00+00", "2027-01-04 09:40+00")
        for patient, resource in (("p2", 1), ("p1", 2)):  # same chair; same patient elsewhere
            with (
                pytest.raises(IntegrityError, match="course_sessions_no_overlap"),
                engine.begin() as conn,
            ):
                _session(conn, patient, resource, "2027-01-04 09:20+00", "2027-01-04 10:00+00")
        with engine.begin() as conn:  # touching ends, and cancelled sessions, are fine
            _session(conn, "p2", 1, "2027-01-04 09:40+00", "2027-01-04 10:20+00")
            _session(conn, "p2", 1, "2027-01-04 09:00+00", "2027-01-04 09:40+00", "cancelled")
    finally:
        engine.dispose()
