"""API clients for the cast (the same as the courses tests use) and a booked course."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.cast import CAST, OUTSIDER, Member, now
from tests.features.courses.conftest import Api, new_patient
from trdnav.features.tokens.service import create_token
from trdnav.platform.runtime import Runtime

PHQ9_SEVERE = [3, 3, 2, 2, 2, 2, 2, 2, 0]  # total 18, item 9 zero


@pytest.fixture
def api(cast: dict[str, Member], runtime: Runtime, app: Any) -> dict[str, Api]:
    """Every cast member with a token of their own clinic."""
    out = {}
    for name in [*CAST, OUTSIDER]:
        slug = "northside" if name == OUTSIDER else runtime.clinic.slug
        with runtime.db.begin() as db:
            _, raw = create_token(db, cast[name].email, slug, f"{name} tests", now())
        out[name] = Api(TestClient(app), raw)
    return out


@pytest.fixture
def patient(api: dict[str, Api]) -> str:
    return new_patient(api["cora"], "Mara", "Measure")


def book_course(api: Api, patient_id: str, weeks_ahead: int = 3) -> dict[str, Any]:
    """An rTMS course starting on a Monday some weeks ahead (booked by the coordinator)."""
    start = (datetime.now(UTC) + timedelta(weeks=weeks_ahead)).date()
    start -= timedelta(days=start.weekday())
    r = api.post(
        f"/api/v1/patients/{patient_id}/courses",
        {"option": "rtms", "start_on": start.isoformat(), "preferred_time": "09:00"},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def iso(moment: datetime) -> str:
    return moment.isoformat()
