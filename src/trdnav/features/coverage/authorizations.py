"""Prior-authorization requests: draft from the check, edit the draft, move through statuses.

Every function takes the acting staff member and writes one audit entry in the caller's
transaction; entries carry ids and statuses, never names or clinical answers.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.coverage.authorization import MAX_UNITS, StatusChange, transition_errors
from trdnav.domain.coverage.check import Facts
from trdnav.domain.coverage.loader import default_coverage
from trdnav.domain.coverage.schema import Policy
from trdnav.domain.text import RequestModel
from trdnav.features.coverage import forms
from trdnav.features.coverage.policies import CoverageInputError, resolve
from trdnav.features.coverage.service import local_today, patient_record
from trdnav.platform import audit
from trdnav.platform.access import Actor, NotFound, load_child
from trdnav.platform.errors import InvalidRequest, field_errors
from trdnav.platform.strict import WHOLE
from trdnav.storage.models import AuthorizationEvent, Patient, PriorAuthorization


class AuthorizationCreate(RequestModel):
    """POST .../prior-authorizations (contract clinic-api-v1), and the workspace's form."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    option: str = Field(min_length=1, max_length=32)
    policy: str = Field(min_length=1, max_length=48)
    payer: str = Field(min_length=1, max_length=200)
    requested_units: Annotated[int, Field(ge=1, le=MAX_UNITS), WHOLE] | None = None
    continuation_of: str | None = Field(default=None, max_length=36)


class EventView(BaseModel):
    status: str
    on: date
    note: str | None


class AuthorizationView(BaseModel):
    """A prior-authorization request as the API returns it."""

    id: str
    patient_id: str
    option: str
    policy: str
    payer: str
    status: str
    status_on: date
    continuation_of: str | None
    requested_units: int | None
    planned_codes: list[dict[str, Any]]
    diagnosis_codes: list[str]
    ordering_clinician: str | None
    ordering_psychiatrist: bool | None
    pdmp_checked_on: date | None
    course_start: date | None
    reference_number: str | None
    authorized_units: int | None
    period_start: date | None
    period_end: date | None
    history: list[EventView]


def facts_of(pa: PriorAuthorization) -> Facts:
    """What the request itself tells the criteria check."""
    return Facts(
        ordering_psychiatrist=pa.ordering_psychiatrist,
        pdmp_checked_on=pa.pdmp_checked_on,
        requested_units=pa.requested_units,
        continuation=pa.continuation_of is not None,
        course_start=pa.course_start,
    )


def default_codes(
    option: str, units: int | None, continuation: bool = False
) -> list[dict[str, Any]]:
    """Planned codes for a new draft: for TMS the first session with mapping and motor
    threshold (90867, once per course, so not in a continuation) and 90868 for the rest."""
    procedures = default_coverage().codes.procedures
    if units is None:
        return []
    if option in procedures["90867"].options:
        if continuation:
            return [{"code": "90868", "units": units}]
        first = [{"code": "90867", "units": 1}]
        return first + ([{"code": "90868", "units": units - 1}] if units > 1 else [])
    if option in procedures["G2082"].options:
        return [{"code": "G2082", "units": units}]
    return []


def _prior(db: Session, actor: Actor, patient: Patient, pa_id: str) -> PriorAuthorization:
    try:
        prior = load_child(db, actor, PriorAuthorization, pa_id, "patient_id", patient.id)
    except NotFound as exc:
        raise CoverageInputError("continuation_of", "is not a request of this patient") from exc
    if prior.status not in ("approved", "expired") or prior.period_start is None:
        raise CoverageInputError("continuation_of", "must be an approved request")
    return prior


def _event(
    db: Session, actor: Actor, pa: PriorAuthorization, on: date, note: str | None, now: datetime
) -> None:
    db.add(
        AuthorizationEvent(
            authorization_id=pa.id,
            clinic_id=pa.clinic_id,
            status=pa.status,
            effective_on=on,
            note=note,
            recorded_by=actor.user_id,
            recorded_at=now,
        )
    )


def create(
    db: Session, actor: Actor, patient: Patient, data: dict[str, Any], now: datetime, tz: str
) -> PriorAuthorization:
    """A draft request from the check: units, codes and diagnoses filled in from the record."""
    try:
        # The workspace's form sends text ("3"); the API's JSON was already checked strictly.
        body = AuthorizationCreate.model_validate(data, strict=False)
    except ValidationError as exc:
        raise InvalidRequest(field_errors(exc.errors())) from exc
    policy = resolve(body.option, body.policy)
    prior = _prior(db, actor, patient, body.continuation_of) if body.continuation_of else None
    if prior is not None and (prior.policy_id, prior.option_id) != (policy.id, body.option):
        raise CoverageInputError(
            "continuation_of", "must be an approval for the same policy and option"
        )
    limit = policy.continuation if prior else policy.session_limit
    units = body.requested_units or (limit.total if limit else None)
    record = patient_record(db, patient)
    today = local_today(now, tz)
    pa = PriorAuthorization(
        id=str(uuid.uuid4()),
        clinic_id=patient.clinic_id,
        patient_id=patient.id,
        option_id=body.option,
        policy_id=policy.id,
        payer=body.payer,
        status="draft",
        status_on=today,
        continuation_of=prior.id if prior else None,
        requested_units=units,
        planned_codes=default_codes(body.option, units, continuation=prior is not None),
        diagnosis_codes=[d.code for d in record.diagnoses if d.source == "clinician"],
        ordering_clinician=prior.ordering_clinician if prior else None,
        ordering_psychiatrist=prior.ordering_psychiatrist if prior else None,
        course_start=prior.period_start if prior else None,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    db.add(pa)
    db.flush()
    _event(db, actor, pa, today, None, now)
    audit.record(
        db,
        now,
        "authorization.create",
        actor.who,
        patient_id=patient.id,
        target=f"authorization:{pa.id}",
        detail={"policy": policy.id, "option": body.option, "continuation": prior is not None},
    )
    return pa


def update_draft(
    db: Session,
    actor: Actor,
    pa: PriorAuthorization,
    data: dict[str, Any],
    now: datetime,
    today: date,
) -> None:
    """Change a draft's details (payer, units, codes, diagnoses, ordering clinician, PDMP)."""
    if pa.status != "draft":
        raise CoverageInputError("status", "only a draft can be edited")
    errors: list[dict[str, str]] = []
    payer = str(data.get("payer") or "").strip()
    if not payer:
        errors.append({"field": "payer", "message": "is required"})
    units = forms.int_field(data, "requested_units", 1, MAX_UNITS, errors)
    pdmp = forms.date_field(data, "pdmp_checked_on", errors)
    if pdmp is not None and pdmp > today:
        errors.append({"field": "pdmp_checked_on", "message": "cannot be in the future"})
    course_start = forms.date_field(data, "course_start", errors)
    psychiatrist = forms.yes_no(data, "ordering_psychiatrist", errors)
    planned = forms.codes(pa.option_id, data, errors)
    diagnoses = forms.diagnoses(data, errors)
    if errors:
        raise InvalidRequest(errors)
    pa.payer = payer[:200]
    pa.requested_units = units
    pa.ordering_clinician = str(data.get("ordering_clinician") or "").strip()[:200] or None
    pa.ordering_psychiatrist = psychiatrist
    pa.pdmp_checked_on = pdmp
    pa.course_start = course_start
    pa.planned_codes = planned
    pa.diagnosis_codes = diagnoses
    pa.updated_at = now
    audit.record(
        db,
        now,
        "authorization.update",
        actor.who,
        patient_id=pa.patient_id,
        target=f"authorization:{pa.id}",
    )


def events(db: Session, pa: PriorAuthorization) -> list[AuthorizationEvent]:
    """The request's status history, oldest first."""
    stmt = select(AuthorizationEvent).where(AuthorizationEvent.authorization_id == pa.id)
    return list(db.scalars(stmt.order_by(AuthorizationEvent.id)))


def change_status(
    db: Session,
    actor: Actor,
    pa: PriorAuthorization,
    data: dict[str, Any],
    now: datetime,
    today: date,
) -> None:
    """Move the request to its next status with the payer's answer; errors name the fields."""
    errors: list[dict[str, str]] = []
    change = StatusChange(
        status=str(data.get("status") or ""),
        on=forms.date_field(data, "on", errors),
        reference_number=str(data.get("reference_number") or "").strip() or None,
        authorized_units=forms.int_field(data, "authorized_units", 1, MAX_UNITS, errors),
        period_start=forms.date_field(data, "period_start", errors),
        period_end=forms.date_field(data, "period_end", errors),
        note=str(data.get("note") or "").strip()[:2000] or None,
    )
    errors += transition_errors(pa.status, pa.status_on, change, pa.requested_units, today)
    if errors:
        raise InvalidRequest(errors)
    assert change.on is not None
    before = pa.status
    pa.status, pa.status_on, pa.updated_at = change.status, change.on, now
    if change.reference_number:
        pa.reference_number = change.reference_number
    if change.status == "approved":
        pa.authorized_units = change.authorized_units
        pa.period_start, pa.period_end = change.period_start, change.period_end
    _event(db, actor, pa, change.on, change.note, now)
    audit.record(
        db,
        now,
        "authorization.status",
        actor.who,
        patient_id=pa.patient_id,
        target=f"authorization:{pa.id}",
        detail={"from": before, "to": change.status},
    )


def for_patient(db: Session, patient: Patient) -> list[PriorAuthorization]:
    """The patient's requests, newest first."""
    stmt = select(PriorAuthorization).where(PriorAuthorization.patient_id == patient.id)
    return list(db.scalars(stmt.order_by(PriorAuthorization.created_at.desc())))


def view(db: Session, pa: PriorAuthorization) -> AuthorizationView:
    """The API view of a request, with its history."""
    return AuthorizationView(
        id=pa.id,
        patient_id=pa.patient_id,
        option=pa.option_id,
        policy=pa.policy_id,
        payer=pa.payer,
        status=pa.status,
        status_on=pa.status_on,
        continuation_of=pa.continuation_of,
        requested_units=pa.requested_units,
        planned_codes=list(pa.planned_codes),
        diagnosis_codes=list(pa.diagnosis_codes),
        ordering_clinician=pa.ordering_clinician,
        ordering_psychiatrist=pa.ordering_psychiatrist,
        pdmp_checked_on=pa.pdmp_checked_on,
        course_start=pa.course_start,
        reference_number=pa.reference_number,
        authorized_units=pa.authorized_units,
        period_start=pa.period_start,
        period_end=pa.period_end,
        history=[
            EventView(status=e.status, on=e.effective_on, note=e.note) for e in events(db, pa)
        ],
    )


def policy_of(pa: PriorAuthorization) -> Policy:
    """The policy a stored request names (policies are data; a removed file is a defect)."""
    return default_coverage().policies[pa.policy_id]


def list_views(
    db: Session, actor: Actor, patient: Patient, now: datetime
) -> list[AuthorizationView]:
    """The patient's requests as API views (audited read)."""
    found = [view(db, pa) for pa in for_patient(db, patient)]
    audit.record(
        db,
        now,
        "authorization.list",
        actor.who,
        patient_id=patient.id,
        detail={"count": len(found)},
    )
    return found


def read_view(
    db: Session, actor: Actor, pa: PriorAuthorization, now: datetime
) -> AuthorizationView:
    """One request as an API view (audited read)."""
    audit.record(
        db,
        now,
        "authorization.view",
        actor.who,
        patient_id=pa.patient_id,
        target=f"authorization:{pa.id}",
    )
    return view(db, pa)


def procedures_for(option: str) -> list[tuple[str, str, str]]:
    """(code, description, unit) of every billing code the option may plan."""
    return [
        (code, p.description, p.unit)
        for code, p in default_coverage().codes.procedures.items()
        if option in p.options
    ]
