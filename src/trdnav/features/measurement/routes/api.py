"""Measurements in the clinic API (contract clinic-api-v1): administrations and self-report links.

Every route: authenticate (401) -> load the patient through the access helper (another clinic's
id is 404 whatever the role) -> authorize (403) -> call a service -> return.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from trdnav.features.accounts.guard import utcnow
from trdnav.features.measurement import links, service
from trdnav.features.measurement.service import AdministrationCreate, AdministrationView
from trdnav.features.tokens.bearer import ApiProblem, ApiRoute, ApiScoped, problem_responses
from trdnav.platform.access import Actor
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.web.deps import runtime, unit_of_work
from trdnav.storage.models import Patient

router = APIRouter(route_class=ApiRoute, tags=["measurements"])
RESPONSES = problem_responses(401, 403, 404, 422)
Recorder = ApiScoped(Patient, "patient_id", "measurement.record")
Reader = ApiScoped(Patient, "patient_id", "measurement.view")


class ProgressItem(AdministrationView):
    """An administration with its change from baseline (the course's first, or the first)."""

    baseline: int | None
    change_points: int | None
    change_percent: float | None
    status: str | None


class AdministrationList(BaseModel):
    items: list[ProgressItem]
    next_cursor: str | None


def invalid(exc: InvalidRequest) -> ApiProblem:
    """422 naming each field."""
    fields = ", ".join(dict.fromkeys(e["field"] for e in exc.errors))
    return ApiProblem(422, "Invalid request", f"Please correct: {fields}.", exc.errors)


@router.post(
    "/api/v1/patients/{patient_id}/administrations",
    status_code=201,
    response_model=AdministrationView,
    responses=RESPONSES,
    summary="Record a completed PHQ-9 or GAD-7 (item 9 above 0 alerts the clinic at once)",
)
def create_administration(
    patient_id: str,
    body: AdministrationCreate,
    scoped: tuple[Actor, Patient] = Depends(Recorder),
    db: Session = Depends(unit_of_work),
) -> AdministrationView:
    """Total and band; an urgent safety alert when PHQ-9 item 9 is above 0."""
    actor, patient = scoped
    try:
        done = service.record_administration(db, patient, body, utcnow(), actor.who, actor.user_id)
    except InvalidRequest as exc:
        db.rollback()
        raise invalid(exc) from exc
    result = done.view()
    db.commit()
    return result


@router.get(
    "/api/v1/patients/{patient_id}/administrations",
    response_model=AdministrationList,
    responses=RESPONSES,
    summary="The patient's administrations of one instrument with change from baseline",
)
def list_administrations(
    request: Request,
    patient_id: str,
    instrument: str = Query(default="phq9", max_length=16),
    scoped: tuple[Actor, Patient] = Depends(Reader),
    db: Session = Depends(unit_of_work),
) -> AdministrationList:
    """Oldest first, complete (one patient's list needs no paging)."""
    actor, patient = scoped
    try:
        service.instrument_or_error(instrument)
    except InvalidRequest as exc:
        raise invalid(exc) from exc
    points = service.read_history(db, actor.who, patient, instrument, utcnow())
    items = [
        ProgressItem(
            id=p.row.id,
            instrument=p.row.instrument,
            total=p.row.total,
            band=p.band,
            administered_at=p.row.administered_at,
            course_id=p.row.course_id,
            source=p.row.source,
            baseline=p.change.baseline if p.change else None,
            change_points=p.change.points if p.change else None,
            change_percent=p.change.percent if p.change else None,
            status=p.change.status if p.change else None,
        )
        for p in points
    ]
    db.commit()
    return AdministrationList(items=items, next_cursor=None)


class LinkCreate(BaseModel):
    """A self-report link to make for the patient."""

    model_config = ConfigDict(extra="forbid")
    instrument: str = Field(max_length=16, examples=["phq9"])
    course_id: str | None = Field(default=None, max_length=36)


class LinkView(BaseModel):
    url: str
    expires_at: datetime


@router.post(
    "/api/v1/patients/{patient_id}/measure-links",
    status_code=201,
    response_model=LinkView,
    responses=RESPONSES,
    summary="A single-use self-report link the patient opens without an account",
)
def create_measure_link(
    request: Request,
    patient_id: str,
    body: LinkCreate,
    scoped: tuple[Actor, Patient] = Depends(Recorder),
    db: Session = Depends(unit_of_work),
) -> LinkView:
    """The URL carries only a random token (stored hashed); answering twice gives 410."""
    actor, patient = scoped
    try:
        row, token = links.create_link(
            db, patient, body.instrument, body.course_id, "staff", utcnow(), actor.who
        )
    except InvalidRequest as exc:
        db.rollback()
        raise invalid(exc) from exc
    result = LinkView(
        url=links.link_url(runtime(request).settings.base_url, token), expires_at=row.expires_at
    )
    db.commit()
    return result
