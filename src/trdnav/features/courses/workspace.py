"""What the workspace pages show: a patient's courses, a course with its sessions, the form
fields of a proposal, and a resource's day or week. Reads of health data are audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.scheduling.calendar import hhmm, to_local, week_of
from trdnav.domain.scheduling.rules import Slot
from trdnav.domain.text import whole_number
from trdnav.features.courses.schedule import Schedule
from trdnav.features.courses.views import CourseCreate, SessionChoice
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.errors import InvalidRequest
from trdnav.storage.models import Course, CourseSession, Patient, Resource


def bookable_options(schedule: Schedule) -> list[tuple[str, str]]:
    """(template id, name) the clinic can book: offered, with a resource that serves it."""
    out = []
    for tid, template in sorted(schedule.templates.items()):
        if schedule.config.offers(template.option) and schedule.serving(template.option):
            out.append((tid, template.name))
    return out


def patient_courses(db: Session, patient: Patient) -> list[Course]:
    """A patient's courses, newest first."""
    stmt = select(Course).where(Course.patient_id == patient.id).order_by(Course.created_at.desc())
    return list(db.scalars(stmt))


@dataclass(frozen=True)
class SessionRow:
    session: CourseSession
    resource: str
    day: date
    start: str
    end: str


def course_page(
    db: Session, actor: Actor, schedule: Schedule, course: Course, now: datetime
) -> tuple[Patient, list[SessionRow]]:
    """The course's patient and sessions in clinic time (the read is audited)."""
    target = f"course:{course.id}"
    audit.record(db, now, "course.view", actor.who, patient_id=course.patient_id, target=target)
    patient = db.get(Patient, course.patient_id)
    assert patient is not None
    names = {
        r.id: r.name
        for r in db.scalars(select(Resource).where(Resource.clinic_id == course.clinic_id))
    }
    rows = []
    stmt = (
        select(CourseSession)
        .where(CourseSession.course_id == course.id)
        .order_by(CourseSession.starts_at)
    )
    for s in db.scalars(stmt):
        day, start = to_local(s.starts_at, schedule.tz)
        end = to_local(s.ends_at, schedule.tz)[1]
        rows.append(SessionRow(s, names.get(s.resource_id, "?"), day, hhmm(start), hhmm(end)))
    return patient, rows


def proposal_rows(schedule: Schedule, slots: list[Slot]) -> list[dict[str, Any]]:
    """A proposal as editable rows (date, time, resource id) for the form."""
    return [
        {
            "number": s.number,
            "date": s.day.isoformat(),
            "time": hhmm(s.start),
            "end": hhmm(s.end),
            "resource_id": schedule.resources[s.resource].id,
            "weekday": s.day.strftime("%a"),
        }
        for s in slots
    ]


def parse_course_form(schedule: Schedule, data: dict[str, Any]) -> CourseCreate:
    """The course form: template, start date, time, and (when adjusted) every session's row."""
    errors = []
    template_id = str(data.get("template") or "")
    template = schedule.templates.get(template_id)
    if template is None:
        errors.append({"field": "template", "message": "Choose a course"})
    start_on = _date(data.get("start_on"), "start_on", errors)
    preferred = str(data.get("preferred_time") or "") or None
    if preferred and not _time(preferred):
        errors.append({"field": "preferred_time", "message": "Enter a time as HH:MM"})
    sessions: list[SessionChoice] | None = None
    if template is not None and "date_1" in data:
        sessions = []
        for n in range(1, template.total_sessions + 1):
            day = _date(data.get(f"date_{n}"), f"date_{n}", errors)
            at = _time(str(data.get(f"time_{n}") or ""))
            rid = str(data.get(f"resource_{n}") or "")
            if at is None:
                errors.append({"field": f"time_{n}", "message": f"Session {n}: enter a time"})
            if day and at and (resource_id := whole_number(rid, None)) is not None:
                local = datetime.combine(day, at, tzinfo=ZoneInfo(schedule.tz))
                sessions.append(SessionChoice(starts_at=local, resource_id=resource_id))
    if errors or template is None or start_on is None:
        raise InvalidRequest(errors)
    return CourseCreate(
        option=template.option,
        template=template_id,
        start_on=start_on,
        preferred_time=preferred,
        sessions=sessions,
    )


def parse_moment(schedule: Schedule, day: Any, at: Any, field: str) -> datetime:
    """A date and a time of the clinic as an aware datetime; 422 naming the field otherwise."""
    errors: list[dict[str, str]] = []
    parsed = _date(day, field, errors)
    clock = _time(str(at or ""))
    if parsed is None or clock is None:
        raise InvalidRequest([{"field": field, "message": "Enter a date and a time (HH:MM)"}])
    return datetime.combine(parsed, clock, tzinfo=ZoneInfo(schedule.tz))


def _date(value: Any, field: str, errors: list[dict[str, str]]) -> date | None:
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        errors.append({"field": field, "message": "Enter a date as YYYY-MM-DD"})
        return None


def _time(value: str) -> time | None:
    try:
        return time.fromisoformat(value) if len(value) == 5 else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Booking:
    start: str
    end: str
    patient: str
    course_id: str
    number: int


def resource_days(
    db: Session,
    actor: Actor,
    schedule: Schedule,
    resource: Resource,
    first: date,
    days: int,
    now: datetime,
) -> list[tuple[date, str | None, list[Booking]]]:
    """A resource's days: (day, what closes it, its booked sessions by time). Audited."""
    start = datetime.combine(first, time(0), tzinfo=ZoneInfo(schedule.tz))
    end = start + timedelta(days=days + 1)
    stmt = (
        select(CourseSession, Patient.name, Course.id)
        .join(Patient, Patient.id == CourseSession.patient_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(
            CourseSession.resource_id == resource.id,
            CourseSession.status.in_(("booked", "delivered")),
            CourseSession.starts_at >= start,
            CourseSession.starts_at < end,
        )
        .order_by(CourseSession.starts_at)
    )
    by_day: dict[date, list[Booking]] = {}
    for s, name, course_id in db.execute(stmt):
        day, a = to_local(s.starts_at, schedule.tz)
        b = to_local(s.ends_at, schedule.tz)[1]
        by_day.setdefault(day, []).append(Booking(hhmm(a), hhmm(b), name, course_id, s.number))
    audit.record(
        db,
        now,
        "calendar.view",
        actor.who,
        target=f"resource:{resource.id}",
        detail={"from": first.isoformat(), "days": days},
    )
    out = []
    for i in range(days):
        day = first + timedelta(days=i)
        closed = schedule.holiday_name(day) if schedule.closed(day) else None
        out.append((day, closed, by_day.get(day, [])))
    return out


def monday(day: date) -> date:
    return week_of(day)
