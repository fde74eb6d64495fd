"""Book a whole course in one transaction: plan it (or take the coordinator's sessions), check
every rule, write every session, or write nothing.

One booking of a clinic at a time (an advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite),
and the check runs inside that transaction. The database still has the last word on PostgreSQL:
its exclusion constraints refuse any overlap whoever writes, and that too becomes a 409.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trdnav.domain.protocols import CourseTemplate
from trdnav.domain.scheduling.calendar import hhmm, parse_hhmm, to_local, to_utc
from trdnav.domain.scheduling.rules import Rules, Slot, check_course
from trdnav.domain.scheduling.walk import Failure, walk
from trdnav.features.courses import reminders
from trdnav.features.courses.schedule import DbBoard, Schedule, lock_clinic
from trdnav.features.courses.views import CourseCreate, CourseView, SessionView
from trdnav.features.measurement import links as measure_links
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.errors import FieldConflict, InvalidRequest
from trdnav.storage.models import Course, CourseSession, Patient


class Conflict(FieldConflict):
    """The course or change cannot be booked as asked; `message` names the first conflict."""

    def __init__(self, message: str, field: str = "sessions") -> None:
        super().__init__(message, field)


def course_view(db: Session, course: Course) -> CourseView:
    """A course with all its sessions, ordered by number."""
    rows = db.scalars(
        select(CourseSession)
        .where(CourseSession.course_id == course.id)
        .order_by(CourseSession.number, CourseSession.created_at)
    )
    return CourseView(
        id=course.id,
        patient_id=course.patient_id,
        option=course.option,
        template=course.template_id,
        status=course.status,
        status_reason=course.status_reason,
        start_on=course.start_on,
        sessions=[
            SessionView(
                id=r.id,
                number=r.number,
                starts_at=r.starts_at,
                ends_at=r.ends_at,
                resource_id=r.resource_id,
                status=r.status,
            )
            for r in rows
        ],
    )


def template_for(schedule: Schedule, req: CourseCreate) -> CourseTemplate:
    """The template asked for (the option's own by default); 422 when unknown or not offered."""
    tid = req.template or req.option
    template = schedule.templates.get(tid)
    if template is None or template.option != req.option:
        field = "template" if req.template else "option"
        raise InvalidRequest([{"field": field, "message": f"no course template {tid!r} here"}])
    if not schedule.serving(req.option):
        raise InvalidRequest(
            [{"field": "option", "message": f"this clinic has no resource for {req.option}"}]
        )
    return template


@dataclass(frozen=True)
class Proposal:
    """A course laid out, not yet booked."""

    template: CourseTemplate
    slots: list[Slot]


def _board(
    db: Session, schedule: Schedule, template: CourseTemplate, patient_id: str, start_on: date
) -> DbBoard:
    last = start_on + timedelta(days=template.max_weeks * 7 + 120)
    return DbBoard(db, schedule, template, patient_id, start_on, last)


def propose(db: Session, schedule: Schedule, patient: Patient, req: CourseCreate) -> Proposal:
    """The course laid out from its template at the preferred time; Conflict when it cannot fit."""
    template = template_for(schedule, req)
    board = _board(db, schedule, template, patient.id, req.start_on)
    keys = [r.key for r in schedule.serving(req.option)]
    preferred = parse_hhmm(req.preferred_time) if req.preferred_time else None
    found = walk(
        Rules.of(template),
        req.start_on,
        preferred,
        keys,
        board,
        patient_free=board.patient_free,
        last_day=req.start_on + timedelta(days=template.max_weeks * 7 + 90),
    )
    if isinstance(found, Failure):
        raise Conflict(
            f"Session {found.number} of {template.total_sessions} finds no free place"
            f" on or after {found.after.isoformat()}: {found.reason}. Nothing was booked."
        )
    return Proposal(template, found)


def _chosen(schedule: Schedule, template: CourseTemplate, req: CourseCreate) -> list[Slot]:
    assert req.sessions is not None
    rules = Rules.of(template)
    by_id = {r.id: r for r in schedule.serving(req.option)}
    errors = []
    if len(req.sessions) != rules.total:
        errors.append({"field": "sessions", "message": f"a course has {rules.total} sessions"})
    order = sorted(range(len(req.sessions)), key=lambda i: req.sessions[i].starts_at)  # type: ignore[index]
    slots = []
    for number, i in enumerate(order, start=1):
        choice = req.sessions[i]
        if choice.resource_id not in by_id:
            errors.append(
                {"field": f"sessions.{i}.resource_id", "message": f"does not serve {req.option}"}
            )
            continue
        day, start = to_local(choice.starts_at, schedule.tz)
        key = by_id[choice.resource_id].key
        phase = rules.phase_of(number)
        slots.append(Slot(number, phase, key, day, start, start + rules.length(number)))
    if errors:
        raise InvalidRequest(errors)
    return slots


def _first_taken(board: DbBoard, schedule: Schedule, slots: list[Slot]) -> None:
    for slot in slots:
        if not board.free(slot.resource, slot.day, slot.start, slot.end):
            name = schedule.resources[slot.resource].name
            raise Conflict(f"{slot.label().capitalize()}: {name} is already booked then.")
        if not board.patient_free(slot.day, slot.start, slot.end):
            raise Conflict(f"{slot.label().capitalize()}: the patient has another session then.")


def book_course(
    db: Session,
    actor: Actor,
    schedule: Schedule,
    patient: Patient,
    req: CourseCreate,
    now: datetime,
) -> Course:
    """Plan and book every session in the caller's transaction; Conflict/InvalidRequest when the
    course cannot be booked whole (the caller rolls back: nothing partial is left)."""
    lock_clinic(db, schedule.clinic_id)
    template = template_for(schedule, req)
    if req.sessions is None:
        slots = propose(db, schedule, patient, req).slots
    else:
        slots = _chosen(schedule, template, req)
        _first_taken(_board(db, schedule, template, patient.id, req.start_on), schedule, slots)
    broken = check_course(
        Rules.of(template),
        slots,
        lambda key, day: schedule.window(template, key, day),
        earliest=req.start_on,
    )
    if broken:
        raise InvalidRequest([{"field": "sessions", "message": p} for p in broken[:10]])
    course = Course(
        id=str(uuid.uuid4()),
        clinic_id=schedule.clinic_id,
        patient_id=patient.id,
        option=req.option,
        template_id=template.id,
        template=template.model_dump(mode="json"),
        status="booked",
        start_on=req.start_on,
        preferred_time=req.preferred_time or (hhmm(slots[0].start) if slots else None),
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    db.add(course)
    rows = [_row(schedule, course, slot, now) for slot in slots]
    db.add_all(rows)
    try:
        db.flush()
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint: someone else was faster
        raise Conflict("Another booking took one of these times. Nothing was booked.") from exc
    for row in rows:
        reminders.schedule_reminder(db, schedule, row, now)
    measure_links.schedule_course(db, course, rows, now)  # PHQ-9 baseline, weekly, end
    audit.record(
        db,
        now,
        "course.book",
        actor.who,
        patient_id=patient.id,
        target=f"course:{course.id}",
        detail={"option": req.option, "sessions": len(rows), "explicit": req.sessions is not None},
    )
    return course


def _row(schedule: Schedule, course: Course, slot: Slot, now: datetime) -> CourseSession:
    return CourseSession(
        id=str(uuid.uuid4()),
        course_id=course.id,
        clinic_id=course.clinic_id,
        patient_id=course.patient_id,
        resource_id=schedule.resources[slot.resource].id,
        number=slot.number,
        phase=slot.phase,
        starts_at=to_utc(slot.day, slot.start, schedule.tz),
        ends_at=to_utc(slot.day, slot.end, schedule.tz),
        status="booked",
        created_at=now,
        updated_at=now,
    )
