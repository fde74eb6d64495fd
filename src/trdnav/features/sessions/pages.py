"""What the workspace's session pages show: a session with its record's versions and the form
to record (or correct) it; reads are audited like the API's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from trdnav.domain.sessions import ketamine
from trdnav.domain.sessions.chart import vitals_svg
from trdnav.domain.sessions.forms import KIND_OF_OPTION, IvKetamineRecord, parse_record
from trdnav.features.sessions import fieldsets, rems, service, webforms
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import (
    Course,
    CourseSession,
    Patient,
    RemsEnrolment,
    Resource,
    SessionRecord,
    User,
)


@dataclass
class SessionPage:
    session: CourseSession
    course: Course
    patient: Patient
    resource: Resource | None
    kind: str
    versions: list[tuple[SessionRecord, str]]
    values: dict[str, Any]
    phase: dict[str, Any] | None
    enrolment: RemsEnrolment | None
    tz: str
    planned: int
    delivered: int
    tms: service.TmsContext | None
    deviations: list[dict[str, Any]]
    chart: str = ""
    readings: list[dict[str, Any]] | None = None


def session_page(
    db: Session, actor: Actor, session: CourseSession, now: datetime, audited: bool = True
) -> SessionPage:
    """A session, its record's versions and the form's starting values (audited)."""
    course = db.get(Course, session.course_id)
    patient = db.get(Patient, session.patient_id)
    assert course is not None and patient is not None
    rules = service.clinic_rules(db, actor.clinic_id)
    kind = KIND_OF_OPTION.get(course.option, "tms")
    rows = service.history(db, session)
    names = {}
    for r in rows:
        user = db.get(User, r.recorded_by)
        names[r.id] = (user.display_name or user.email) if user else ""
    values: dict[str, Any] = {}
    phase = None
    if rows:
        values = webforms.to_values(rows[-1].detail, rules.tz)
        phase = service.phase_of(db, rows[-1], rules.tz)
    elif kind in fieldsets.FIELDS:
        values = defaults(db, session, kind, rules.tz)
    tms_ctx = service.tms_context(db, session, rules) if kind == "tms" else None
    if tms_ctx is not None and not rows:
        values = {**tms_ctx.defaults, "mt_measured": tms_ctx.mt_due}
    deviations = []
    if tms_ctx is not None and rows:
        from trdnav.domain.sessions import tms

        deviations = tms.deviations(rows[-1].detail, tms_ctx.protocol)
    chart, readings = "", []
    if kind == "iv_ketamine" and rows:
        record, _ = parse_record(rows[-1].detail)
        assert isinstance(record, IvKetamineRecord)
        chart = vitals_svg(record.vitals, record.started_at)
        readings = [
            {
                "at": v.at.astimezone(ZoneInfo(rules.tz)).strftime("%H:%M"),
                "bp": f"{v.systolic}/{v.diastolic}",
                "heart_rate": v.heart_rate,
                "spo2": v.spo2,
            }
            for v in sorted(record.vitals, key=lambda v: v.at)
        ]
        deviations = ketamine.deviations(record)
    if audited:
        audit.record(
            db,
            now,
            "session.view",
            actor.who,
            patient_id=session.patient_id,
            target=f"session:{session.id}",
        )
    delivered, planned = service.course_progress(db, course)
    return SessionPage(
        session,
        course,
        patient,
        db.get(Resource, session.resource_id),
        kind,
        [(r, names[r.id]) for r in rows],
        values,
        phase,
        rems.enrolment(db, patient.id) if kind == "esketamine" else None,
        rules.tz,
        planned,
        delivered,
        tms_ctx,
        deviations,
        chart,
        readings,
    )


def defaults(db: Session, session: CourseSession, kind: str, tz: str) -> dict[str, Any]:
    """A new record's starting values: the booked time, and for esketamine the label's dose."""
    start = webforms.local_input(session.starts_at.isoformat(), tz)
    if kind == "esketamine":
        earlier = service.latest_records(db, session.patient_id, "esketamine")
        last = int(earlier[-1].dose_mg or 0) if earlier else None
        return {"administered_at": start, "dose_mg": last}
    return {}


def session_of_patient(db: Session, patient: Patient, session_id: str) -> CourseSession | None:
    """A session of this patient (None for any other id)."""
    session = db.get(CourseSession, session_id) if session_id else None
    return session if session is not None and session.patient_id == patient.id else None
