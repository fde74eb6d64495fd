"""Authorization matrix: every workspace route × every role × own / other clinic.

Routes are enumerated from the app, so a new /workspace route without a rule fails here: it
must either depend on `Require`/`Scoped` (services.access decides) or be listed as public.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from tests.cast import CAST, OUTSIDER, Member, make_request, now
from tests.support import api_routes
from trdnav.features.accounts.guard import Require, Scoped
from trdnav.features.alerts.service import raise_alert
from trdnav.platform.access import PERMISSIONS
from trdnav.platform.audit import Who
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import Diagnosis, MedicationTrial

# Reachable before sign-in (or part of it); each guards itself (pending session, reset token).
PUBLIC = {
    ("GET", "/workspace/login"),
    ("POST", "/workspace/login"),
    ("GET", "/workspace/login/second-factor"),
    ("POST", "/workspace/login/second-factor"),
    ("GET", "/workspace/enroll"),
    ("POST", "/workspace/enroll"),
    ("POST", "/workspace/logout"),
    ("GET", "/workspace/reset"),
    ("POST", "/workspace/reset"),
    ("GET", "/workspace/reset/{token}"),
    ("POST", "/workspace/reset/{token}"),
    ("GET", "/workspace/invite/{token}"),
    ("POST", "/workspace/invite/{token}"),
}


def _rule(route: APIRoute) -> tuple[str, bool] | None:
    """(permission, scoped-to-a-record) from the route's dependencies."""

    def walk(dependant: Any) -> tuple[str, bool] | None:
        for dep in dependant.dependencies:
            call = dep.call
            if isinstance(call, Scoped):
                return call.permission, True
            if isinstance(call, Require):
                return call.permission, False
            found = walk(dep)
            if found:
                return found
        return None

    return walk(route.dependant)


def workspace_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    out = []
    for route in api_routes(app):
        if route.path.startswith("/workspace"):
            for method in sorted(route.methods - {"HEAD"}):
                out.append((method, route.path, route))
    return out


def test_every_workspace_route_has_a_rule(app: FastAPI) -> None:
    routes = workspace_routes(app)
    assert len(routes) > 20
    missing = [f"{m} {p}" for m, p, r in routes if (m, p) not in PUBLIC and _rule(r) is None]
    assert missing == [], f"routes without an authorization rule: {missing}"
    for _, _, route in routes:
        rule = _rule(route)
        if rule:
            assert rule[0] in PERMISSIONS


@pytest.fixture
def records(cast: dict[str, Member], runtime: Runtime) -> dict[str, str]:
    """Clinic A records to aim at: a request, a converted patient, its diagnosis and its
    prior-authorization request, a safety alert."""
    rid = make_request(runtime)
    converted = make_request(runtime, name="Carla Reyes")
    location = cast["cora"].post(f"/workspace/consultations/{converted}/convert")
    patient_id = location.headers["location"].rsplit("/", 1)[1]
    started = cast["cora"].post(
        f"/workspace/patients/{patient_id}/authorizations",
        {"option": "rtms", "policy": "LCD-L34522", "payer": "Medicare"},
    )
    authorization_id = started.headers["location"].rsplit("/", 1)[1]
    with runtime.db() as s:
        dx = s.query(Diagnosis).filter_by(patient_id=patient_id).first()
        assert dx is not None
        trial = s.query(MedicationTrial).filter_by(patient_id=patient_id).first()
        assert trial is not None
        ids = {
            "trial_id": str(trial.id),
            "request_id": rid,
            "patient_id": patient_id,
            "diagnosis_id": str(dx.id),
            "authorization_id": authorization_id,
        }
    with runtime.db.begin() as s:
        alert = raise_alert(
            s,
            clinic_id=runtime.clinic_id,
            patient_id=patient_id,
            kind="seizure",
            urgency="urgent",
            source="matrix",
            now=now(),
            who=Who(),
        )
        ids["alert_id"] = str(alert.id)
    return {**ids, **scheduling_records(runtime, cast, patient_id)}


def scheduling_records(
    runtime: Runtime, cast: dict[str, Member], patient_id: str
) -> dict[str, str]:
    """A booked course, one of its sessions, a resource, a waitlist entry and an API token."""
    from trdnav.features.courses import booking
    from trdnav.features.courses.schedule import load_schedule
    from trdnav.features.courses.views import CourseCreate
    from trdnav.features.tokens.service import create_token
    from trdnav.platform.access import Actor
    from trdnav.storage.models import CourseSession, Patient, WaitlistEntry

    cora = cast["cora"]
    actor = Actor(cora.user_id, cora.email, "Cora", "coordinator", runtime.clinic_id, 0)
    with runtime.db.begin() as s:
        schedule = load_schedule(s, runtime.clinic_id)
        patient = s.get(Patient, patient_id)
        assert patient is not None
        req = CourseCreate(option="rtms", start_on=now().date().replace(year=now().year + 1))
        course = booking.book_course(s, actor, schedule, patient, req, now())
        session = s.query(CourseSession).filter_by(course_id=course.id).first()
        assert session is not None
        entry = WaitlistEntry(
            clinic_id=runtime.clinic_id,
            patient_id=patient_id,
            option="iv_ketamine",
            earliest_start=now().date(),
            priority=1,
            status="waiting",
            created_at=now(),
            updated_at=now(),
        )
        s.add(entry)
        token, _ = create_token(s, cast["alice"].email, runtime.clinic.slug, "matrix", now())
        s.flush()
        return {
            "course_id": course.id,
            "session_id": session.id,
            "resource_id": str(next(iter(schedule.resources.values())).id),
            "entry_id": str(entry.id),
            "token_id": str(token.id),
        }


def _fill(path: str, records: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: records[m.group(1)], path)


def _fresh_diagnosis(runtime: Runtime, patient_id: str) -> str:
    with runtime.db.begin() as s:
        dx = Diagnosis(
            patient_id=patient_id,
            clinic_id=runtime.clinic_id,
            code="F33.1",
            source="clinician",
            created_at=now(),
        )
        s.add(dx)
        s.flush()
        return str(dx.id)


def test_matrix(
    app: FastAPI, cast: dict[str, Member], records: dict[str, str], runtime: Runtime
) -> None:
    checked = 0
    problems = []
    for method, path, route in workspace_routes(app):
        if (method, path) in PUBLIC:
            continue
        rule = _rule(route)
        assert rule is not None
        permission, scoped = rule
        for name in [*CAST, OUTSIDER]:
            member = cast[name]
            if "{diagnosis_id}" in path:  # removal consumes it: aim every call at a fresh one
                records["diagnosis_id"] = _fresh_diagnosis(runtime, records["patient_id"])
            url = _fill(path, records)
            response = member.get(url) if method == "GET" else member.post(url, {})
            status = response.status_code
            location = response.headers.get("location", "")
            if name == OUTSIDER and scoped:
                expected = "404"
                ok = status == 404
            elif member.role in PERMISSIONS[permission]:
                expected = "allowed"
                ok = status in (200, 303, 422) and "/workspace/login" not in location
            else:
                expected = "403"
                ok = status == 403
            checked += 1
            if not ok:
                problems.append(
                    f"{method} {path} as {name} ({member.role}): {status}, expected {expected}"
                )
    assert problems == [], "\n".join(problems)
    assert checked > 100


def test_outsider_gets_404_for_every_record_url_even_with_a_valid_form(
    cast: dict[str, Member], records: dict[str, str]
) -> None:
    oscar = cast["oscar"]
    assert oscar.get(f"/workspace/consultations/{records['request_id']}").status_code == 404
    assert oscar.get(f"/workspace/patients/{records['patient_id']}").status_code == 404
    convert = oscar.post(f"/workspace/consultations/{records['request_id']}/convert")
    assert convert.status_code == 404
    note = oscar.post(f"/workspace/consultations/{records['request_id']}/notes", {"body": "hi"})
    assert note.status_code == 404
    assert "Ana Diaz" not in oscar.get("/workspace/consultations").text
    assert "Carla Reyes" not in oscar.get("/workspace/patients").text


def test_not_found_for_made_up_ids(cast: dict[str, Member]) -> None:
    priya = cast["priya"]
    missing = priya.get("/workspace/patients/not-a-real-id")
    assert missing.status_code == 404 and "no such page or record" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    forbidden = cast["ted"].get("/workspace/audit")
    assert forbidden.status_code == 403 and "does not allow" in forbidden.text
    assert (
        priya.get("/workspace/consultations/00000000-0000-0000-0000-000000000000").status_code
        == 404
    )


def test_signed_out_browser_is_sent_to_sign_in(app: FastAPI) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(app)
    for method, path, _ in workspace_routes(app):
        if (method, path) in PUBLIC or method != "GET":
            continue
        url = path.replace("{request_id}", "x").replace("{patient_id}", "x")
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith(
            "/workspace/login"
        )


def test_workspace_endpoints_run_off_the_event_loop(app: FastAPI) -> None:
    # Sync endpoints run in the thread pool: argon2 and database work never block the loop.
    for method, path, route in workspace_routes(app):
        assert not inspect.iscoroutinefunction(route.endpoint), f"{method} {path} is async"
