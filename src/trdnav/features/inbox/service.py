"""The consultation inbox: list, filter, search, statuses, assignment, notes, conversion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from trdnav.domain.assessment import Engine
from trdnav.domain.requests import AssessmentRequest
from trdnav.domain.results import AssessmentResult
from trdnav.features.records import service as patients
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import (
    ConsultationNote,
    ConsultationRequest,
    ConsultationTriage,
    Membership,
    Patient,
    User,
)

STATUSES: tuple[str, ...] = ("new", "contacted", "consult_scheduled", "converted", "declined")
STATUS_LABELS = {
    "new": "New",
    "contacted": "Contacted",
    "consult_scheduled": "Consult scheduled",
    "converted": "Converted",
    "declined": "Declined",
}
# Forward moves only; "converted" is reached through `convert`, which also builds the record.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("contacted", "consult_scheduled", "declined"),
    "contacted": ("consult_scheduled", "declined"),
    "consult_scheduled": ("declined",),
    "declined": ("contacted",),
    "converted": (),
}


class InboxError(ValueError):
    """An inbox action that cannot be done; `field` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class InboxRow:
    """One request in the list."""

    request: ConsultationRequest
    assigned: str | None


def list_requests(
    db: Session,
    actor: Actor,
    now: datetime,
    status: str | None = None,
    query: str | None = None,
    mine: bool = False,
) -> tuple[list[InboxRow], dict[str, int]]:
    """Requests of the actor's clinic, newest first, and a count per status."""
    stmt = (
        select(ConsultationRequest, User.display_name)
        .outerjoin(ConsultationTriage, ConsultationTriage.request_id == ConsultationRequest.id)
        .outerjoin(User, User.id == ConsultationTriage.assigned_user_id)
        .where(ConsultationRequest.clinic_id == actor.clinic_id)
    )
    if status in STATUSES:
        stmt = stmt.where(ConsultationRequest.status == status)
    if mine:
        stmt = stmt.where(ConsultationTriage.assigned_user_id == actor.user_id)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(
            func.lower(ConsultationRequest.name).like(like)
            | func.lower(func.coalesce(ConsultationRequest.email, "")).like(like)
            | func.coalesce(ConsultationRequest.phone, "").like(like)
            | func.lower(func.coalesce(ConsultationRequest.message, "")).like(like)
        )
    rows = [
        InboxRow(r, name)
        for r, name in db.execute(
            stmt.order_by(_urgent_first(), ConsultationRequest.received_at.desc()).limit(500)
        )
    ]
    counts = {
        status: n
        for status, n in db.execute(
            select(ConsultationRequest.status, func.count())
            .where(ConsultationRequest.clinic_id == actor.clinic_id)
            .group_by(ConsultationRequest.status)
        )
    }
    audit.record(
        db, now, "inbox.list", actor.who, detail={"count": len(rows), "searched": bool(query)}
    )
    return rows, counts


OPEN_STATUSES = ("new", "contacted", "consult_scheduled")


def _urgent_first() -> Any:
    """Open requests whose answers raised the urgent suicide-risk alert sit on top, then
    prompt ones, then the rest (each newest first); closed requests lose the priority."""
    is_open = ConsultationRequest.status.in_(OPEN_STATUSES)
    return case(
        ((ConsultationRequest.urgency == "urgent") & is_open, 0),
        ((ConsultationRequest.urgency == "prompt") & is_open, 1),
        else_=2,
    )


def triage_of(db: Session, req: ConsultationRequest, now: datetime) -> ConsultationTriage:
    """The workspace state of a request, created on first use."""
    row = db.get(ConsultationTriage, req.id)
    if row is None:
        row = ConsultationTriage(request_id=req.id, clinic_id=req.clinic_id, updated_at=now)
        db.add(row)
        db.flush()
    return row


@dataclass(frozen=True)
class RequestDetail:
    """A request with its answers re-assessed, its notes and who may be assigned."""

    request: ConsultationRequest
    triage: ConsultationTriage | None
    result: AssessmentResult | None
    notes: list[tuple[ConsultationNote, str]]
    staff: list[tuple[int, str, str]]
    patient: Patient | None


def read_request(
    db: Session, actor: Actor, engine: Engine, req: ConsultationRequest, now: datetime
) -> RequestDetail:
    """Everything the detail page shows (the read is audited)."""
    audit.record(db, now, "inbox.view", actor.who, target=f"consultation:{req.id}")
    result = None
    if req.assessment:
        try:
            result = engine.assess(AssessmentRequest.model_validate(req.assessment))
        except ValidationError:
            result = None  # stored under an older contract; the raw answers still show
    notes = [
        (n, name)
        for n, name in db.execute(
            select(ConsultationNote, User.display_name)
            .join(User, User.id == ConsultationNote.author_user_id)
            .where(ConsultationNote.request_id == req.id)
            .order_by(ConsultationNote.id)
        )
    ]
    staff = [
        (uid, name, role)
        for uid, name, role in db.execute(
            select(User.id, User.display_name, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.clinic_id == actor.clinic_id, User.is_active.is_(True))
            .order_by(User.display_name)
        )
    ]
    triage = db.get(ConsultationTriage, req.id)
    patient = db.get(Patient, triage.patient_id) if triage and triage.patient_id else None
    return RequestDetail(req, triage, result, notes, staff, patient)


def set_status(
    db: Session, actor: Actor, req: ConsultationRequest, status: str, now: datetime
) -> None:
    """Move the request along new → contacted → consult scheduled (or declined)."""
    if status not in TRANSITIONS.get(req.status, ()):
        allowed = ", ".join(STATUS_LABELS[s] for s in TRANSITIONS.get(req.status, ())) or "none"
        raise InboxError("status", f"cannot go from {req.status} to {status} (allowed: {allowed})")
    before, req.status, req.updated_at = req.status, status, now
    triage = triage_of(db, req, now)
    triage.updated_at = now
    if status in ("contacted", "consult_scheduled") and triage.first_contact_at is None:
        triage.first_contact_at = now  # time to first contact: the clinic's response time
    audit.record(
        db,
        now,
        "inbox.status",
        actor.who,
        target=f"consultation:{req.id}",
        detail={"from": before, "to": status},
    )


def assign(
    db: Session, actor: Actor, req: ConsultationRequest, user_id: int | None, now: datetime
) -> None:
    """Assign the request to a member of the same clinic (or to nobody)."""
    if user_id is not None:
        member = db.scalar(
            select(Membership).where(
                Membership.user_id == user_id, Membership.clinic_id == req.clinic_id
            )
        )
        if member is None:
            raise InboxError("assigned_user_id", "is not a member of this clinic")
    triage = triage_of(db, req, now)
    triage.assigned_user_id, triage.updated_at = user_id, now
    audit.record(
        db,
        now,
        "inbox.assign",
        actor.who,
        target=f"consultation:{req.id}",
        detail={"to_user_id": user_id},
    )


def add_note(
    db: Session, actor: Actor, req: ConsultationRequest, body: str, now: datetime
) -> ConsultationNote:
    """Add a staff note."""
    body = body.strip()
    if not body:
        raise InboxError("body", "Write the note first.")
    if len(body) > 5000:
        raise InboxError("body", "must be at most 5000 characters")
    note = ConsultationNote(
        request_id=req.id,
        clinic_id=req.clinic_id,
        author_user_id=actor.user_id,
        body=body,
        created_at=now,
    )
    db.add(note)
    db.flush()
    audit.record(db, now, "inbox.note", actor.who, target=f"consultation:{req.id}")
    return note


def convert(
    db: Session,
    actor: Actor,
    req: ConsultationRequest,
    now: datetime,
    attach_to: Patient | None = None,
) -> Patient:
    """Create the patient record from the request (or attach the request to the person's
    existing record); the request becomes "converted"."""
    # Lock the request row so two staff converting at once cannot make two records.
    db.refresh(req, with_for_update=True)
    triage = triage_of(db, req, now)
    if req.status == "converted" and triage.patient_id:
        raise InboxError("status", "this request was already converted")
    if req.status == "declined":
        raise InboxError("status", "a declined request cannot be converted; reopen it first")
    if attach_to is not None:
        patient = attach_to
        audit.record(
            db,
            now,
            "inbox.attach",
            actor.who,
            patient_id=patient.id,
            target=f"consultation:{req.id}",
        )
    else:
        patient = patients.create_from_request(db, actor, req, now)
    triage.patient_id, triage.updated_at = patient.id, now
    before, req.status, req.updated_at = req.status, "converted", now
    audit.record(
        db,
        now,
        "inbox.convert",
        actor.who,
        patient_id=patient.id,
        target=f"consultation:{req.id}",
        detail={"from": before},
    )
    return patient


def answers_for_display(req: ConsultationRequest) -> dict[str, Any]:
    """The decision-aid answers as stored (empty when the person skipped the aid)."""
    return dict(req.assessment or {})
