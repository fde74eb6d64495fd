"""Clinic API v1, session records and the REMS (contract clinic-api-v1, "Session records").

Every route: parse -> authorize (token -> Actor; records through the one access helper, 404
for another clinic's ids before any role check) -> call a service -> return. A refused rule
rolls the unit of work back whole: nothing of a refused record is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Body, Depends, Query, Response
from sqlalchemy.orm import Session

from trdnav.features.sessions import billing, rems, service
from trdnav.features.sessions.views import (
    RemsEnrolmentCreate,
    RemsEnrolmentView,
    RemsFormList,
    RemsFormSubmit,
    RemsFormView,
    SessionRecordList,
    SessionRecordView,
)
from trdnav.features.tokens.bearer import (
    ApiRequire,
    ApiRoute,
    ApiScoped,
    commit_or_problem,
    problem_responses,
)
from trdnav.platform.access import Actor
from trdnav.platform.web.deps import unit_of_work
from trdnav.storage.models import CourseSession, Patient, RemsForm

router = APIRouter(route_class=ApiRoute, tags=["clinic API: session records and REMS"])
T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC)


def _write(db: Session, action: Callable[[], T]) -> T:
    """Commit a change, or answer with a problem (403 says what the role may not record)."""
    return commit_or_problem(db, action, forbidden="Your role may not record this kind of session.")


@router.post(
    "/api/v1/sessions/{session_id}/record",
    status_code=201,
    response_model=SessionRecordView,
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Record a delivered session (a new version corrects, never overwrites)",
)
def record_session(
    session_id: str,
    body: dict[str, Any] = Body(
        ..., examples=[{"kind": "tms", "coil": "figure8", "target": "left_dlpfc"}]
    ),
    scoped: tuple[Actor, CourseSession] = Depends(
        ApiScoped(CourseSession, "session_id", "sessions.record")
    ),
    db: Session = Depends(unit_of_work),
) -> dict[str, Any]:
    """The option's record; the session becomes `delivered`."""
    actor, session = scoped
    t = now()
    row = _write(db, lambda: service.record_session(db, actor, session, body, t))
    return service.view(row, service.extras(db, row, service.clinic_rules(db, actor.clinic_id).tz))


@router.get(
    "/api/v1/sessions/{session_id}/records",
    response_model=SessionRecordList,
    responses=problem_responses(401, 403, 404),
    summary="Every version of a session's record, oldest first",
)
def session_records(
    session_id: str,
    scoped: tuple[Actor, CourseSession] = Depends(
        ApiScoped(CourseSession, "session_id", "sessions.view")
    ),
    db: Session = Depends(unit_of_work),
) -> dict[str, Any]:
    actor, session = scoped
    items = _write(db, lambda: service.read_records(db, actor, session, now()))
    return {"items": items, "next_cursor": None}


@router.put(
    "/api/v1/patients/{patient_id}/rems-enrolment",
    response_model=RemsEnrolmentView,
    responses=problem_responses(401, 403, 404, 422),
    summary="Record the patient's Spravato REMS enrolment (before the first dose)",
)
def put_enrolment(
    patient_id: str,
    body: RemsEnrolmentCreate,
    scoped: tuple[Actor, Patient] = Depends(ApiScoped(Patient, "patient_id", "rems.work")),
    db: Session = Depends(unit_of_work),
) -> RemsEnrolmentView:
    actor, patient = scoped
    row = _write(
        db,
        lambda: rems.enrol(db, actor, patient, body.enrolled_on, body.rems_patient_id, now()),
    )
    return RemsEnrolmentView(
        patient_id=row.patient_id, enrolled_on=row.enrolled_on, rems_patient_id=row.rems_patient_id
    )


@router.get(
    "/api/v1/rems/monitoring-forms",
    response_model=RemsFormList,
    responses=problem_responses(401, 403, 422),
    summary="REMS Patient Monitoring Forms due (or submitted), with their data",
)
def monitoring_forms(
    status: Literal["due", "submitted"] = Query(default="due"),
    limit: int = Query(default=50, ge=1, le=200),
    cursor: str | None = Query(default=None, max_length=20),
    actor: Actor = Depends(ApiRequire("rems.view")),
    db: Session = Depends(unit_of_work),
) -> dict[str, Any]:
    items, next_cursor = _write(db, lambda: rems.queue(db, actor, status, now(), limit, cursor))
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/api/v1/rems/monitoring-forms.csv",
    responses=problem_responses(401, 403, 422),
    summary="The REMS forms due (or submitted) as CSV",
)
def monitoring_forms_csv(
    status: Literal["due", "submitted"] = Query(default="due"),
    actor: Actor = Depends(ApiRequire("rems.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    items, _ = _write(db, lambda: rems.queue(db, actor, status, now(), 10_000))
    return Response(rems.csv_text(items), media_type="text/csv; charset=utf-8")


@router.post(
    "/api/v1/rems/monitoring-forms/{session_id}/submitted",
    response_model=RemsFormView,
    responses=problem_responses(401, 403, 404, 422),
    summary="Mark a REMS Patient Monitoring Form submitted",
)
def mark_submitted(
    session_id: str,
    body: RemsFormSubmit,
    scoped: tuple[Actor, RemsForm] = Depends(ApiScoped(RemsForm, "session_id", "rems.work")),
    db: Session = Depends(unit_of_work),
) -> dict[str, Any]:
    actor, form = scoped
    t = now()
    _write(db, lambda: rems.submit(db, actor, form, body.reference, t))
    rules = service.clinic_rules(db, actor.clinic_id)
    return rems.form_item(db, form, rules.name, service.local_day(t, rules.tz))


@router.get(
    "/api/v1/billing/lines",
    responses=problem_responses(401, 403, 422),
    summary="The clinic's billing lines of one month (superbill), from the codes data file",
)
def billing_lines(
    month: str | None = Query(
        default=None, pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", description="YYYY-MM"
    ),
    actor: Actor = Depends(ApiRequire("billing.view")),
    db: Session = Depends(unit_of_work),
) -> dict[str, Any]:
    first, rows = _write(db, lambda: billing.month_lines(db, actor, month, now()))
    return {"month": first.isoformat()[:7], "items": rows, "next_cursor": None}
