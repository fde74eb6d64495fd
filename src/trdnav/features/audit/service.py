"""The audit trail for people: pages of any depth (keyset on the entry id, newest first), the
patient's name for those allowed to see it, filters by patient and staff member, and a
patient's own "who accessed my record" report (HIPAA accounting of disclosures) as a PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.pdf import render_pdf
from trdnav.platform.web.templating import templates
from trdnav.storage.models import AuditEvent, Clinic, Membership, Patient, User

PAGE = 200
REPORT_YEARS = 6  # HIPAA: an accounting covers up to six years before the request
REPORT_LIMIT = 5000

# What an action means, in words a patient reads in the report.
WORDS = {
    "patient.view": "Viewed the record",
    "patient.assess": "Ran the assessment on the record",
    "patient.list": "Listed records",
    "patient.create": "Created the record",
    "patient.update_demographics": "Changed demographics or chart",
    "patient.add_diagnosis": "Added a diagnosis",
    "patient.remove_diagnosis": "Removed a diagnosis",
    "patient.add_trial": "Added a medication trial",
    "patient.correct_trial": "Corrected a medication trial",
    "patient.remove_trial": "Removed a medication trial",
    "patient.confirm_answers": "Confirmed health history answers",
    "patient.clear_answer": "Cleared a confirmed answer",
    "patient.record_phq9": "Recorded a PHQ-9",
    "patient.merge": "Merged duplicate records",
    "inbox.convert": "Created the record from a consultation request",
    "inbox.attach": "Attached a consultation request",
    "plan.choose": "Recorded the chosen plan",
    "candidacy.decide": "Recorded a treatment decision",
    "candidacy.override": "Recorded a treatment decision",
}


def describe(action: str) -> str:
    """An audit action in plain words."""
    if action in WORDS:
        return WORDS[action]
    area, _, verb = action.partition(".")
    return f"{area.replace('_', ' ').capitalize()}: {verb.replace('_', ' ')}"


@dataclass(frozen=True)
class Page:
    """One page of entries, newest first, and where the next (older) page starts."""

    rows: list[AuditEvent]
    total: int
    older: int | None  # pass as `before` for the next page; None on the last page
    names: dict[str, str]  # patient id -> name, for those allowed to see it


def page(
    db: Session, actor: Actor, f: audit.AuditFilter, before: int | None, size: int = PAGE
) -> Page:
    """Entries with id below `before` (keyset paging: any depth costs the same)."""
    total = db.scalar(audit._filtered(select(func.count(AuditEvent.id)), f)) or 0
    stmt = audit._filtered(select(AuditEvent), f)
    if before is not None:
        stmt = stmt.where(AuditEvent.id < before)
    rows = list(db.scalars(stmt.order_by(AuditEvent.id.desc()).limit(size + 1)))
    older = rows[size - 1].id if len(rows) > size else None
    rows = rows[:size]
    names = patient_names(db, actor, {r.patient_id for r in rows if r.patient_id})
    return Page(rows, total, older, names)


def patient_names(db: Session, actor: Actor, ids: set[str]) -> dict[str, str]:
    """Names of the actor's clinic's patients among `ids`, when the actor may read records."""
    if not ids or not actor.can("patient.view"):
        return {}
    rows = db.execute(
        select(Patient.id, Patient.name).where(
            Patient.id.in_(ids), Patient.clinic_id == actor.clinic_id
        )
    )
    return {pid: name for pid, name in rows}


def choices(db: Session, actor: Actor) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(patients, staff) to filter by: (id, name) and (email, name) of the actor's clinic."""
    patients: list[tuple[str, str]] = []
    if actor.can("patient.view"):
        patients = [
            (pid, name)
            for pid, name in db.execute(
                select(Patient.id, Patient.name)
                .where(Patient.clinic_id == actor.clinic_id, Patient.merged_into_id.is_(None))
                .order_by(Patient.name)
                .limit(2000)
            )
        ]
    staff = [
        (email, name)
        for email, name in db.execute(
            select(User.email, User.display_name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.clinic_id == actor.clinic_id)
            .order_by(User.display_name)
        )
    ]
    return patients, staff


@dataclass(frozen=True)
class ReportRow:
    """One access as the patient's report lists it."""

    at: str
    who: str
    role: str
    what: str


def _record_ids(db: Session, patient: Patient) -> list[str]:
    """The record and every duplicate merged into it (their trails are this person's too)."""
    ids, frontier = [patient.id], [patient.id]
    while frontier:
        frontier = list(db.scalars(select(Patient.id).where(Patient.merged_into_id.in_(frontier))))
        ids += frontier
    return ids


def access_report(db: Session, actor: Actor, patient: Patient, now: datetime, tz: str) -> bytes:
    """The "who accessed my record" PDF for the patient (its creation is audited)."""
    since = now - timedelta(days=365 * REPORT_YEARS)
    stmt = (
        select(AuditEvent, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .where(
            AuditEvent.patient_id.in_(_record_ids(db, patient)),
            AuditEvent.clinic_id == patient.clinic_id,
            AuditEvent.at >= since,
        )
        .order_by(AuditEvent.id)
        .limit(REPORT_LIMIT + 1)
    )
    zone = ZoneInfo(tz)
    rows = [
        ReportRow(
            event.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            name or event.actor_email or "System",
            event.role or "",
            describe(event.action),
        )
        for event, name in db.execute(stmt)
    ]
    clinic = db.get_one(Clinic, patient.clinic_id)
    audit.record(
        db,
        now,
        "audit.access_report",
        actor.who,
        patient_id=patient.id,
        detail={"entries": min(len(rows), REPORT_LIMIT)},
    )
    html = templates.env.get_template("audit/access_report.html").render(
        clinic=clinic.name,
        patient=patient,
        rows=rows[:REPORT_LIMIT],
        cut=len(rows) > REPORT_LIMIT,
        since=since.astimezone(zone).strftime("%Y-%m-%d"),
        made=now.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
        people=sorted({(r.who, r.role) for r in rows}),
    )
    return render_pdf(html, variant="pdf/ua-1")
