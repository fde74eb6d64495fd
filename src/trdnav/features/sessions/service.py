"""Recording a delivered session: validate the record strictly, enforce the safety rules,
append a version (a correction never overwrites), mark the session delivered, queue the REMS
form of an esketamine session, raise the safety alerts; every read and write audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trdnav.domain.scheduling.calendar import to_local
from trdnav.domain.sessions import esketamine
from trdnav.domain.sessions.forms import (
    KIND_OF_OPTION,
    EsketamineRecord,
    IvKetamineRecord,
    Refused,
    TmsRecord,
    parse_record,
)
from trdnav.domain.sessions.settings import SessionSettings
from trdnav.features.courses.schedule import load_schedule
from trdnav.features.sessions import safety
from trdnav.platform import audit
from trdnav.platform.access import Actor, Forbidden
from trdnav.platform.errors import FieldConflict, InvalidRequest
from trdnav.storage.models import (
    Course,
    CourseSession,
    Patient,
    RemsEnrolment,
    RemsForm,
    SessionRecord,
)

AnyRecord = TmsRecord | IvKetamineRecord | EsketamineRecord
RECORDABLE = ("booked", "delivered")


class StateConflict(FieldConflict):
    """The session cannot take a record in its state (cancelled, released...)."""

    def __init__(self, message: str, field: str = "session") -> None:
        super().__init__(message, field)


@dataclass(frozen=True)
class ClinicRules:
    """The clinic's session settings and time zone."""

    tz: str
    settings: SessionSettings
    name: str


def clinic_rules(db: Session, clinic_id: int) -> ClinicRules:
    """The clinic's session settings from its registered configuration."""
    config = load_schedule(db, clinic_id).config
    return ClinicRules(config.time_zone, config.session_rules, config.name)


def local_day(moment: datetime, tz: str) -> date:
    """The clinic's local day of a moment."""
    return to_local(moment, tz)[0]


def age_on(birth: date | None, day: date) -> int | None:
    """Age in whole years on a day (None when the birth date is unknown)."""
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def history(db: Session, session: CourseSession) -> list[SessionRecord]:
    """Every version of a session's record, oldest first."""
    return list(
        db.scalars(
            select(SessionRecord)
            .where(SessionRecord.session_id == session.id)
            .order_by(SessionRecord.version)
        )
    )


def latest_records(db: Session, patient_id: str, kind: str) -> list[SessionRecord]:
    """The current version of each of a patient's records of one kind, by delivery time."""
    newest = (
        select(SessionRecord.session_id, func.max(SessionRecord.version).label("v"))
        .where(SessionRecord.patient_id == patient_id, SessionRecord.kind == kind)
        .group_by(SessionRecord.session_id)
        .subquery()
    )
    return list(
        db.scalars(
            select(SessionRecord)
            .join(
                newest,
                (newest.c.session_id == SessionRecord.session_id)
                & (newest.c.v == SessionRecord.version),
            )
            .order_by(SessionRecord.delivered_at)
        )
    )


def record_session(
    db: Session, actor: Actor, session: CourseSession, body: object, now: datetime
) -> SessionRecord:
    """Store the next version of a session's record (422 naming each refused field)."""
    try:
        record, reason = parse_record(body)
    except Refused as exc:
        raise InvalidRequest(exc.errors) from exc
    course = db.get(Course, session.course_id)
    assert course is not None
    expected = KIND_OF_OPTION.get(course.option)
    if record.kind != expected:
        raise InvalidRequest(
            [
                {
                    "field": "kind",
                    "message": f"this {course.option} session takes a {expected} record",
                }
            ]
        )
    if actor.role == "technician" and record.kind != "tms":
        raise Forbidden("sessions.record")
    if session.status not in RECORDABLE:
        raise StateConflict(f"This session is {session.status}: it cannot be recorded")
    versions = history(db, session)
    if versions and not reason:
        raise InvalidRequest(
            [{"field": "reason", "message": "is required: say why the record is corrected"}]
        )
    rules = clinic_rules(db, actor.clinic_id)
    errors = _refusals(db, session, record, rules, now)
    if isinstance(record, EsketamineRecord) and record.prescriber_decision is not None:
        decision = record.prescriber_decision
        if actor.role == "prescriber" and not decision.prescriber:
            decision.prescriber = actor.display_name or actor.email
        elif not decision.prescriber:
            message = "Name the prescriber who decided (a nurse records the decision for them)"
            errors.append({"field": "prescriber_decision.prescriber", "message": message})
    if errors:
        raise InvalidRequest(errors)
    row = SessionRecord(
        clinic_id=session.clinic_id,
        session_id=session.id,
        course_id=session.course_id,
        patient_id=session.patient_id,
        version=len(versions) + 1,
        kind=record.kind,
        delivered_at=_delivered_at(record, session),
        dose_mg=_dose(record),
        mt_measured=isinstance(record, TmsRecord) and record.mt_measured,
        discharged_at=getattr(record, "discharged_at", None),
        detail=record.model_dump(mode="json"),
        recorded_at=now,
        recorded_by=actor.user_id,
        reason=reason if versions else None,
    )
    db.add(row)
    session.status, session.updated_at = "delivered", now
    try:
        db.flush()
    except IntegrityError as exc:  # another version was stored at the same moment
        raise StateConflict("The record was changed meanwhile: reload it and try again") from exc
    if isinstance(record, EsketamineRecord):
        _queue_form(db, session, record, rules)
    audit.record(
        db,
        now,
        "session.record",
        actor.who,
        patient_id=session.patient_id,
        target=f"session:{session.id}",
        detail={"version": row.version, "kind": row.kind},
    )
    safety.raise_for(db, actor, row, record, versions[-1] if versions else None, rules, now)
    return row


def _refusals(
    db: Session, session: CourseSession, record: AnyRecord, rules: ClinicRules, now: datetime
) -> list[dict[str, str]]:
    if isinstance(record, EsketamineRecord):
        patient = db.get(Patient, session.patient_id)
        enrolment = db.get(RemsEnrolment, session.patient_id)
        day = local_day(record.administered_at, rules.tz)
        earlier = [
            (r.delivered_at, int(r.dose_mg or 0))
            for r in latest_records(db, session.patient_id, "esketamine")
            if r.session_id != session.id
        ]
        ctx = esketamine.EsketamineContext(
            now=now,
            enrolled_on=enrolment.enrolled_on if enrolment else None,
            age_years=age_on(patient.date_of_birth if patient else None, day),
            earlier_doses=earlier,
            hard_stop=rules.settings.bp_hard_stop,
            tz=rules.tz,
        )
        return esketamine.refusals(record, ctx)
    if isinstance(record, IvKetamineRecord):
        from trdnav.domain.sessions import ketamine

        return ketamine.refusals(record, now)
    from trdnav.domain.sessions import tms

    return tms.refusals(record, now)


def _delivered_at(record: AnyRecord, session: CourseSession) -> datetime:
    if isinstance(record, EsketamineRecord):
        return record.administered_at
    if isinstance(record, IvKetamineRecord) and record.started_at is not None:
        return record.started_at
    return session.starts_at


def _dose(record: AnyRecord) -> float | None:
    if isinstance(record, EsketamineRecord):
        return float(record.dose_mg)
    if isinstance(record, IvKetamineRecord):
        return record.dose_mg
    return None


def _queue_form(
    db: Session, session: CourseSession, record: EsketamineRecord, rules: ClinicRules
) -> None:
    day = local_day(record.administered_at, rules.tz)
    form = db.get(RemsForm, session.id)
    if form is None:
        form = RemsForm(
            session_id=session.id, clinic_id=session.clinic_id, patient_id=session.patient_id
        )
        db.add(form)
    form.session_on, form.due_on = day, esketamine.form_due_on(day)


def view(row: SessionRecord, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A record version as the API shows it: the record's fields plus who, when and why."""
    return {
        **row.detail,
        "id": row.id,
        "version": row.version,
        "session_id": row.session_id,
        "course_id": row.course_id,
        "patient_id": row.patient_id,
        "recorded_at": row.recorded_at.isoformat(),
        "recorded_by": row.recorded_by,
        "reason": row.reason,
        **(extra or {}),
    }


def phase_of(db: Session, row: SessionRecord, tz: str) -> dict[str, Any] | None:
    """The label phase of an esketamine dose (week from the patient's first dose)."""
    if row.kind != "esketamine":
        return None
    doses = latest_records(db, row.patient_id, "esketamine")
    first = min((r.delivered_at for r in doses), default=row.delivered_at)
    week, name = esketamine.phase(local_day(first, tz), local_day(row.delivered_at, tz))
    return {"week": week, "name": name}


def read_records(
    db: Session, actor: Actor, session: CourseSession, now: datetime
) -> list[dict[str, Any]]:
    """Every version of a session's record, oldest first (audited)."""
    rows = history(db, session)
    tz = clinic_rules(db, actor.clinic_id).tz
    audit.record(
        db,
        now,
        "session.records.view",
        actor.who,
        patient_id=session.patient_id,
        target=f"session:{session.id}",
    )
    return [view(r, extras(db, r, tz)) for r in rows]


def extras(db: Session, row: SessionRecord, tz: str) -> dict[str, Any]:
    """What a record's view adds: the label phase (esketamine), protocol deviations (TMS)."""
    if row.kind == "esketamine":
        return {"phase": phase_of(db, row, tz)}
    if row.kind == "tms":
        from trdnav.domain.sessions import tms

        course = db.get(Course, row.course_id)
        protocol = tms.protocol_for(course.option) if course else None
        return {"deviations": tms.deviations(row.detail, protocol)}
    return {}


@dataclass(frozen=True)
class TmsContext:
    """What a TMS session's form shows: defaults carried from the previous session, whether
    the motor threshold is due, the protocol and the course's progress."""

    defaults: dict[str, Any]
    last_mt_on: date | None
    mt_due: bool
    interval_days: int
    protocol: Any
    delivered: int
    planned: int


def course_progress(db: Session, course: Course) -> tuple[int, int]:
    """Sessions delivered and planned in a course."""
    delivered = db.scalar(
        select(func.count())
        .select_from(CourseSession)
        .where(CourseSession.course_id == course.id, CourseSession.status == "delivered")
    )
    planned = sum(int(p.get("sessions", 0)) for p in course.template.get("phases", []))
    return int(delivered or 0), planned


def tms_context(db: Session, session: CourseSession, rules: ClinicRules) -> TmsContext:
    """Defaults from the patient's previous TMS record, the MT flag, protocol and progress."""
    from trdnav.domain.sessions import tms

    course = db.get(Course, session.course_id)
    assert course is not None
    others = [
        r for r in latest_records(db, session.patient_id, "tms") if r.session_id != session.id
    ]
    before = [r for r in others if r.delivered_at <= session.starts_at] or others
    previous = before[-1].detail if before else None
    measured = [
        r.delivered_at for r in others if r.mt_measured and r.delivered_at <= session.starts_at
    ]
    last = local_day(max(measured), rules.tz) if measured else None
    interval = tms.mt_interval(rules.settings.mt_interval_days)
    day = local_day(session.starts_at, rules.tz)
    delivered, planned = course_progress(db, course)
    return TmsContext(
        tms.carried(previous),
        last,
        tms.mt_due(last, day, interval),
        interval,
        tms.protocol_for(course.option),
        delivered,
        planned,
    )
