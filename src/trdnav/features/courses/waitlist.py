"""The clinic's waitlist, planned against its real bookings (planner-v1), and a proposal
accepted through the same booking service as any course."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.clinic import week_windows
from trdnav.domain.scheduling.calendar import WEEKDAYS, hhmm, intersect, to_local, to_utc
from trdnav.domain.scheduling.planner import Instance, Plan, plan
from trdnav.domain.scheduling.planner.instance import parse_local
from trdnav.features.courses import booking
from trdnav.features.courses.schedule import Schedule
from trdnav.features.courses.views import CourseCreate, SessionChoice
from trdnav.platform import audit
from trdnav.platform.access import Actor, NotFound, load_for_user
from trdnav.platform.errors import InvalidRequest
from trdnav.storage.models import Course, CourseSession, Patient, WaitlistEntry
from trdnav.storage.models.scheduling import OCCUPYING

HORIZON_DAYS = 112  # 16 weeks ahead


@dataclass(frozen=True)
class EntryRow:
    entry: WaitlistEntry
    patient: str


def entries(db: Session, actor: Actor, now: datetime) -> list[EntryRow]:
    """The patients waiting, by priority then earliest start (the read is audited)."""
    stmt = (
        select(WaitlistEntry, Patient.name)
        .join(Patient, Patient.id == WaitlistEntry.patient_id)
        .where(WaitlistEntry.clinic_id == actor.clinic_id, WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.priority.desc(), WaitlistEntry.earliest_start, WaitlistEntry.id)
    )
    rows = [EntryRow(e, name) for e, name in db.execute(stmt)]
    audit.record(db, now, "waitlist.view", actor.who, detail={"entries": len(rows)})
    return rows


def patients_to_add(db: Session, actor: Actor) -> list[tuple[str, str]]:
    """(id, name) of the clinic's patients, by name."""
    stmt = select(Patient.id, Patient.name).where(Patient.clinic_id == actor.clinic_id)
    return [(pid, name) for pid, name in db.execute(stmt.order_by(Patient.name))]


def add_entry(
    db: Session, actor: Actor, schedule: Schedule, data: dict[str, Any], now: datetime
) -> WaitlistEntry:
    """Put a patient on the waitlist for an option; 422 naming each bad field."""
    errors = []
    try:
        patient = load_for_user(db, actor, Patient, str(data.get("patient_id") or ""))
    except NotFound:
        errors.append({"field": "patient_id", "message": "Choose a patient"})
    option = str(data.get("option") or "")
    if option not in schedule.templates or not schedule.serving(option):
        errors.append({"field": "option", "message": "Choose a course this clinic books"})
    try:
        earliest = date.fromisoformat(str(data.get("earliest_start") or ""))
    except ValueError:
        errors.append({"field": "earliest_start", "message": "Enter a date as YYYY-MM-DD"})
    priority = str(data.get("priority") or "1")
    if priority not in ("1", "2", "3"):
        errors.append({"field": "priority", "message": "Choose a priority"})
    days = data.get("days") or []
    days = [days] if isinstance(days, str) else days
    if any(d not in WEEKDAYS for d in days):
        errors.append({"field": "days", "message": "Choose weekdays"})
    if errors:
        raise InvalidRequest(errors)
    available = None
    if days:
        hours = [str(data.get("from") or "08:00"), str(data.get("to") or "18:00")]
        available = dict.fromkeys(days, hours)
    entry = WaitlistEntry(
        clinic_id=actor.clinic_id,
        patient_id=patient.id,
        option=option,
        earliest_start=earliest,
        priority=int(priority),
        available=available,
        status="waiting",
        created_at=now,
        updated_at=now,
    )
    db.add(entry)
    db.flush()
    audit.record(
        db, now, "waitlist.add", actor.who, patient_id=patient.id, target=f"waitlist:{entry.id}"
    )
    return entry


def remove_entry(db: Session, actor: Actor, entry: WaitlistEntry, now: datetime) -> None:
    """Take a patient off the waitlist."""
    entry.status, entry.updated_at = "removed", now
    target = f"waitlist:{entry.id}"
    audit.record(db, now, "waitlist.remove", actor.who, patient_id=entry.patient_id, target=target)


def instance(
    db: Session, schedule: Schedule, waiting: list[WaitlistEntry], start: date
) -> Instance:
    """The waitlist as a planner-v1 instance: resources with hours, closed days, the real
    bookings, the clinic's own templates; esketamine patients only when a prescriber is in."""
    end = start + timedelta(days=HORIZON_DAYS)
    keys = {r.id: k for k, r in schedule.resources.items()}
    resources = []
    for conf in schedule.config.resources:
        if conf.id in schedule.resources:
            hours = schedule.config.resource_hours(conf)
            resources.append(
                {
                    "id": conf.id,
                    "options": list(conf.options),
                    "hours": {d: [hhmm(w.start), hhmm(w.end)] for d, w in hours.items()},
                }
            )
    booked = []
    rows = db.scalars(
        select(CourseSession).where(
            CourseSession.clinic_id == schedule.clinic_id,
            CourseSession.status.in_(OCCUPYING),
            CourseSession.ends_at > booking_utc(schedule, start),
        )
    )
    for row in rows:
        day, s = to_local(row.starts_at, schedule.tz)
        e_day, e = to_local(row.ends_at, schedule.tz)
        if day < end and row.resource_id in keys:
            booked.append(
                {
                    "resource": keys[row.resource_id],
                    "start": f"{day}T{hhmm(s)}",
                    "end": f"{e_day}T{hhmm(e)}",
                }
            )
    closed = [
        str(start + timedelta(days=i))
        for i in range(HORIZON_DAYS)
        if schedule.closed(start + timedelta(days=i))
    ]
    templates = {}
    for option in {w.option for w in waiting}:
        t = schedule.templates[option]
        templates[option] = {
            "session_minutes": t.visit.minutes,
            "first_session_minutes": t.first_visit.minutes,
            "max_per_day": t.max_per_day,
            "min_gap_minutes": t.min_gap_minutes,
            "max_weeks": t.max_weeks,
            "phases": [
                {
                    "sessions": p.sessions,
                    "per_week": p.per_week,
                    "starts_new_week": p.starts_new_week,
                }
                for p in t.phases
            ],
        }
    prescriber = week_windows(schedule.config.prescriber_on_site)
    patients = []
    for item in waiting:
        own = week_windows(item.available) if item.available else None  # type: ignore[arg-type]
        if "prescriber" in schedule.templates[item.option].staff_on_site:
            base = own or dict(prescriber)
            own = {d: w for d in WEEKDAYS if (w := intersect(base.get(d), prescriber.get(d)))}
        patient: dict[str, Any] = {
            "id": str(item.id),
            "option": item.option,
            "earliest_start": str(max(item.earliest_start, start)),
            "priority": item.priority,
        }
        if own is not None:
            patient["available"] = {d: [hhmm(w.start), hhmm(w.end)] for d, w in own.items()}
        patients.append(patient)
    return Instance.model_validate(
        {
            "start": str(start),
            "horizon_days": HORIZON_DAYS,
            "closed_dates": closed,
            "resources": resources,
            "booked": booked,
            "templates": templates,
            "patients": patients,
        }
    )


def booking_utc(schedule: Schedule, day: date) -> datetime:
    """Local midnight of a clinic day, in UTC."""
    return to_utc(day, 0, schedule.tz)


def plan_waitlist(
    db: Session, actor: Actor, schedule: Schedule, today: date, time_limit: float, now: datetime
) -> tuple[Plan, dict[str, EntryRow]]:
    """Plan every waiting patient from tomorrow (audited)."""
    rows = entries(db, actor, now)
    result = plan(
        instance(db, schedule, [r.entry for r in rows], today + timedelta(days=1)),
        time_limit=time_limit,
    )
    audit.record(db, now, "waitlist.plan", actor.who, detail=result.metrics.model_dump())
    return result, {str(r.entry.id): r for r in rows}


def accept(
    db: Session,
    actor: Actor,
    schedule: Schedule,
    entry: WaitlistEntry,
    sessions: list[str],
    now: datetime,
) -> Course:
    """Book a proposed course ("2027-01-04T09:00|tms-1" per session) through the booking
    service; the entry is then booked."""
    if entry.status != "waiting":
        raise InvalidRequest([{"field": "entry", "message": "This patient is no longer waiting"}])
    choices = []
    for raw in sessions:
        when, _, key = raw.partition("|")
        if key not in schedule.resources:
            raise InvalidRequest(
                [{"field": "sessions", "message": "Plan again: a resource changed"}]
            )
        day, minute = parse_local(when)
        moment = datetime(
            day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=ZoneInfo(schedule.tz)
        )
        choices.append(SessionChoice(starts_at=moment, resource_id=schedule.resources[key].id))
    if not choices:
        raise InvalidRequest([{"field": "sessions", "message": "Plan again: no sessions"}])
    patient = db.get(Patient, entry.patient_id)
    assert patient is not None
    first = min(c.starts_at for c in choices)
    req = CourseCreate(option=entry.option, start_on=first.date(), sessions=choices)
    course = booking.book_course(db, actor, schedule, patient, req, now)
    entry.status, entry.course_id, entry.updated_at = "booked", course.id, now
    return course
