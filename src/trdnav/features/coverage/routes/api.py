"""Coverage and prior authorization in the clinic API (contract clinic-api-v1).

Every route: authenticate (the staff token, 401) -> load the patient through the access helper
(another clinic's id is 404, even for a role without the permission) -> authorize (403) ->
call a service -> return. Reads and writes of health data are audited by the services.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trdnav.domain.coverage.authorization import MAX_UNITS, Status
from trdnav.domain.coverage.results import CoverageCheck
from trdnav.domain.text import RequestModel
from trdnav.features.accounts.guard import utcnow
from trdnav.features.coverage import authorizations, lookups, packet, service
from trdnav.features.coverage.authorizations import AuthorizationCreate, AuthorizationView
from trdnav.features.coverage.policies import CoverageInputError, PolicyView, policy_views
from trdnav.features.tokens.bearer import ApiProblem, ApiRoute, api_actor, problem_responses
from trdnav.features.tokens.bearer import allowed as need
from trdnav.platform.access import Actor, NotFound
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.strict import STRICT, WHOLE, IsoDate
from trdnav.platform.web.deps import runtime, unit_of_work
from trdnav.platform.web.openapi import domain_rules, link
from trdnav.storage.models import Patient, PriorAuthorization

router = APIRouter(route_class=ApiRoute, tags=["coverage"])
RESPONSES = problem_responses(401, 403, 404, 422)
_PA = "/api/v1/patients/{patient_id}/prior-authorizations/{authorization_id}"
_IDS = {"patient_id": "$request.path.patient_id", "authorization_id": "$response.body#/id"}
PA_LINKS = {
    "links": {
        "ReadPriorAuthorization": link(_PA, "get", **_IDS),
        "ChangeStatus": link(f"{_PA}/status", "post", **_IDS),
        "Packet": link(f"{_PA}/packet.pdf", "get", **_IDS),
    }
}
KNOWN_POLICY = "the option and the payer policy are known here (GET /api/v1/coverage-policies)"


class PolicyList(BaseModel):
    items: list[PolicyView]
    next_cursor: str | None


class AuthorizationList(BaseModel):
    items: list[AuthorizationView]
    next_cursor: str | None


class StatusUpdate(RequestModel):
    """A status change: the new status, its date, and the payer's answer when approved."""

    multiline = frozenset({"note"})

    model_config = STRICT
    status: Status
    on: IsoDate
    reference_number: str | None = None
    authorized_units: Annotated[int, Field(ge=1, le=MAX_UNITS), WHOLE] | None = None
    period_start: IsoDate | None = None
    period_end: IsoDate | None = None
    note: str | None = None


def _tz(request: Request) -> str:
    return service.tz_of(getattr(request.state, "clinic_tz", None), runtime(request).clinic)


def _patient(db: Session, actor: Actor, patient_id: str, permission: str) -> Patient:
    try:
        found = lookups.patient(db, actor, patient_id)
    except NotFound as exc:
        raise ApiProblem(404, "Not found", "There is no such patient in your clinic.") from exc
    need(actor, permission)
    return found


def _authorization(
    db: Session, actor: Actor, patient_id: str, pa_id: str, permission: str
) -> PriorAuthorization:
    try:
        owner = lookups.patient(db, actor, patient_id)
        found = lookups.authorization(db, actor, owner, pa_id)
    except NotFound as exc:
        raise ApiProblem(404, "Not found", "There is no such request in your clinic.") from exc
    need(actor, permission)
    return found


def _invalid(errors: list[dict[str, str]]) -> ApiProblem:
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return ApiProblem(422, "Invalid request", f"Please correct: {fields}.", errors)


@router.get(
    "/api/v1/coverage-policies",
    response_model=PolicyList,
    responses={k: v for k, v in RESPONSES.items() if k in (401, 403, 422)},
    summary="The payer policies (data files with source ids)",
)
def list_policies(
    request: Request,
    limit: int = Query(default=50, ge=1, le=100),
    cursor: str | None = Query(default=None, max_length=64),
    actor: Actor = Depends(api_actor),
) -> PolicyList:
    """Every policy, in id order; `clinic_works_with` marks the clinic's own list."""
    need(actor, "coverage.view")
    rt = runtime(request)
    views = policy_views(service.clinic_config(actor, rt.clinic, rt.clinic_id))
    after = [v for v in views if cursor is None or v.id > cursor]
    page = after[:limit]
    return PolicyList(items=page, next_cursor=page[-1].id if len(after) > limit else None)


@router.get(
    "/api/v1/patients/{patient_id}/coverage-check",
    response_model=CoverageCheck,
    responses=RESPONSES,
    openapi_extra=domain_rules(KNOWN_POLICY),
    summary="Check a payer policy's criteria against the patient's record",
)
def coverage_check(
    request: Request,
    patient_id: str,
    option: str = Query(max_length=32, examples=["rtms"]),
    policy: str = Query(max_length=48, examples=["LCD-L34522"]),
    actor: Actor = Depends(api_actor),
    db: Session = Depends(unit_of_work),
) -> CoverageCheck:
    """Per criterion met / not met / null (the record does not tell), with its evidence."""
    found = _patient(db, actor, patient_id, "coverage.view")
    try:
        result = service.check_patient(db, actor, found, option, policy, utcnow(), _tz(request))
    except CoverageInputError as exc:
        raise _invalid([{"field": exc.field, "message": exc.message}]) from exc
    db.commit()
    return result


@router.get(
    "/api/v1/patients/{patient_id}/prior-authorizations",
    response_model=AuthorizationList,
    responses=RESPONSES,
    summary="The patient's prior-authorization requests, newest first",
)
def list_authorizations(
    patient_id: str,
    actor: Actor = Depends(api_actor),
    db: Session = Depends(unit_of_work),
) -> AuthorizationList:
    """Every request of the patient (complete; no paging needed for one patient)."""
    found = _patient(db, actor, patient_id, "coverage.view")
    items = authorizations.list_views(db, actor, found, utcnow())
    db.commit()
    return AuthorizationList(items=items, next_cursor=None)


@router.post(
    "/api/v1/patients/{patient_id}/prior-authorizations",
    status_code=201,
    response_model=AuthorizationView,
    responses={201: PA_LINKS, **RESPONSES},
    openapi_extra=domain_rules(
        KNOWN_POLICY,
        "continuation_of names an approved request for the same policy and option",
        "text fields are not blank once trimmed",
    ),
    summary="Start a prior-authorization request (status draft)",
)
def create_authorization(
    request: Request,
    patient_id: str,
    body: AuthorizationCreate,
    actor: Actor = Depends(api_actor),
    db: Session = Depends(unit_of_work),
) -> AuthorizationView:
    """A draft filled in from the record and the policy (units, codes, diagnoses)."""
    found = _patient(db, actor, patient_id, "coverage.work")
    try:
        pa = authorizations.create(db, actor, found, body.model_dump(), utcnow(), _tz(request))
    except CoverageInputError as exc:
        raise _invalid([{"field": exc.field, "message": exc.message}]) from exc
    except InvalidRequest as exc:
        raise _invalid(exc.errors) from exc
    result = authorizations.view(db, pa)
    db.commit()
    return result


@router.get(
    "/api/v1/patients/{patient_id}/prior-authorizations/{authorization_id}",
    response_model=AuthorizationView,
    responses=RESPONSES,
    summary="One prior-authorization request with its status history",
)
def get_authorization(
    patient_id: str,
    authorization_id: str,
    actor: Actor = Depends(api_actor),
    db: Session = Depends(unit_of_work),
) -> AuthorizationView:
    """The request as stored, with every status and its date."""
    pa = _authorization(db, actor, patient_id, authorization_id, "coverage.view")
    result = authorizations.read_view(db, actor, pa, utcnow())
    db.commit()
    return result


@router.post(
    "/api/v1/patients/{patient_id}/prior-authorizations/{authorization_id}/status",
    response_model=AuthorizationView,
    responses={**RESPONSES, **problem_responses(409)},
    openapi_extra=domain_rules(
        "on is not in the future nor before the previous status date",
        "submitting needs requested_units on the request",
        "an approval needs reference_number (at most 64 characters), authorized_units and a "
        "period whose end is not before its start",
    ),
    summary="Record the request's next status (submitted, approved, denied, appealed, expired)",
)
def change_status(
    request: Request,
    patient_id: str,
    authorization_id: str,
    body: StatusUpdate,
    actor: Actor = Depends(api_actor),
    db: Session = Depends(unit_of_work),
) -> AuthorizationView:
    """409 when the status cannot follow the current one; 422 naming each other bad field."""
    pa = _authorization(db, actor, patient_id, authorization_id, "coverage.work")
    today = service.local_today(utcnow(), _tz(request))
    try:
        authorizations.change_status(db, actor, pa, body.model_dump(), utcnow(), today)
    except InvalidRequest as exc:
        db.rollback()
        if any(e["field"] == "status" for e in exc.errors):
            raise ApiProblem(409, "Conflict", exc.errors[0]["message"], exc.errors) from exc
        raise _invalid(exc.errors) from exc
    result = authorizations.view(db, pa)
    db.commit()
    return result


@router.get(
    "/api/v1/patients/{patient_id}/prior-authorizations/{authorization_id}/packet.pdf",
    response_class=Response,
    responses={
        **RESPONSES,
        200: {"content": {"application/pdf": {}}, "description": "The packet to fax or upload"},
    },
    summary="The packet: letter of medical necessity, trials, scores, codes (PDF)",
)
def packet_pdf(
    request: Request,
    patient_id: str,
    authorization_id: str,
    actor: Actor = Depends(api_actor),
    db: Session = Depends(unit_of_work),
) -> Response:
    """A tagged PDF ready to fax or upload; the clinician signs the letter."""
    pa = _authorization(db, actor, patient_id, authorization_id, "coverage.view")
    rt = runtime(request)
    pdf = packet.packet_pdf(db, actor, pa, rt.clinic, rt.clinic_id, utcnow(), _tz(request))
    db.commit()
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="prior-authorization.pdf"'},
    )
