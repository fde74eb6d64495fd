"""Changes to a booked course: reschedule or cancel one session, a missed session made up at
the end, the course's end (completed or discontinued releases what is still booked ahead).

Each change takes the clinic's booking lock, re-checks the course's rules as booked (the
template stored with the course) and writes one audit event in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trdnav.domain.protocols import CourseTemplate
from trdnav.domain.scheduling.calendar import to_local, to_utc
from trdnav.domain.scheduling.rules import Rules, Slot, check_course
from trdnav.features.courses import reminders
from trdnav.features.courses.booking import Conflict
from trdnav.features.courses.schedule import DbBoard, Schedule, lock_clinic
from trdnav.features.measurement import outcomes as measure_outcomes
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.errors import InvalidRequest
from trdnav.storage.models import Course, CourseSession
from trdnav.storage.models.scheduling import OCCUPYING


def _template(course: Course) -> CourseTemplate:
    return CourseTemplate.model_validate(course.template)


def _slots(schedule: Schedule, rows: list[CourseSession]) -> list[Slot]:
    keys = {r.id: k for k, r in schedule.resources.items()}
    out = []
    for row in rows:
        day, start = to_local(row.starts_at, schedule.tz)
        end = start + int((row.ends_at - row.starts_at).total_seconds() // 60)
        key = keys.get(row.resource_id, f"#{row.resource_id}")
        out.append(Slot(row.number, row.phase, key, day, start, end))
    return out


def _occupying(db: Session, course: Course) -> list[CourseSession]:
    return list(
        db.scalars(
            select(CourseSession).where(
                CourseSession.course_id == course.id, CourseSession.status.in_(OCCUPYING)
            )
        )
    )


def _require_open(course: Course, session: CourseSession | None = None) -> None:
    if course.status != "booked":
        raise Conflict(
            f"The course is {course.status}: its sessions can no longer change.", "status"
        )
    if session is not None and session.status != "booked":
        raise Conflict(f"This session is {session.status}, not booked.", "status")


def _flush(db: Session) -> None:
    try:
        db.flush()
    except IntegrityError as exc:
        raise Conflict("Another booking took this time. Nothing was changed.") from exc


def reschedule(
    db: Session,
    actor: Actor,
    schedule: Schedule,
    course: Course,
    session: CourseSession,
    starts_at: datetime,
    resource_id: int | None,
    now: datetime,
) -> CourseSession:
    """Move one session; the course's rules and every other booking still hold."""
    lock_clinic(db, schedule.clinic_id)
    _require_open(course, session)
    template = _template(course)
    by_id = {r.id: r for r in schedule.serving(course.option)}
    target = resource_id if resource_id is not None else session.resource_id
    if target not in by_id:
        raise InvalidRequest(
            [{"field": "resource_id", "message": f"does not serve {course.option}"}]
        )
    day, start = to_local(starts_at, schedule.tz)
    length = int((session.ends_at - session.starts_at).total_seconds() // 60)
    moved = Slot(session.number, session.phase, by_id[target].key, day, start, start + length)
    board = DbBoard(db, schedule, template, course.patient_id, day, day, ignore={session.id})
    if not board.free(moved.resource, day, moved.start, moved.end):
        raise Conflict(
            f"{moved.label().capitalize()}: {by_id[target].name} is already booked then."
        )
    if not board.patient_free(day, moved.start, moved.end):
        raise Conflict(f"{moved.label().capitalize()}: the patient has another session then.")
    others = [s for s in _slots(schedule, _occupying(db, course)) if s.number != session.number]
    broken = check_course(
        Rules.of(template),
        [*others, moved],
        lambda key, d: schedule.window(template, key, d),
        complete=False,
    )
    if broken:
        raise InvalidRequest([{"field": "starts_at", "message": p} for p in broken[:10]])
    before = session.starts_at
    session.starts_at = to_utc(day, moved.start, schedule.tz)
    session.ends_at = to_utc(day, moved.end, schedule.tz)
    session.resource_id, session.updated_at = target, now
    course.updated_at = now
    _flush(db)
    reminders.schedule_reminder(db, schedule, session, now)
    audit.record(
        db,
        now,
        "session.reschedule",
        actor.who,
        patient_id=course.patient_id,
        target=f"session:{session.id}",
        detail={"from": before.isoformat(), "to": session.starts_at.isoformat()},
    )
    return session


def cancel(
    db: Session,
    actor: Actor,
    course: Course,
    session: CourseSession,
    reason: str,
    now: datetime,
    status: str = "cancelled",
) -> CourseSession:
    """Cancel one session (its time is free again at once) or mark it missed."""
    _require_open(course, session)
    session.status, session.reason, session.updated_at = status, reason, now
    course.updated_at = now
    db.flush()
    action = "session.cancel" if status == "cancelled" else "session.missed"
    audit.record(
        db, now, action, actor.who, patient_id=course.patient_id, target=f"session:{session.id}"
    )
    return session


def make_up(
    db: Session,
    actor: Actor,
    schedule: Schedule,
    course: Course,
    session: CourseSession,
    now: datetime,
) -> CourseSession:
    """Mark a session missed and append a make-up session after the last one, within the
    template's limits (max per week of its phase, the course's maximum weeks)."""
    lock_clinic(db, schedule.clinic_id)
    _require_open(course, session)
    template = _template(course)
    rules = Rules.of(template)
    others = [s for s in _slots(schedule, _occupying(db, course)) if s.number != session.number]
    if not others:
        raise Conflict("There is no other session to follow.")
    first = min(s.day for s in others)
    last_day = first + timedelta(days=rules.max_weeks * 7 - 1)
    after = max(others, key=lambda s: (s.day, s.start))
    board = DbBoard(db, schedule, template, course.patient_id, after.day, last_day)
    length = rules.minutes
    number = max(s.number for s in others) + 1
    day = after.day + timedelta(days=1)
    keys = [r.key for r in schedule.serving(course.option)]
    missed_start = to_local(session.starts_at, schedule.tz)[1]
    while day <= last_day:
        for key in keys:
            win = board.window(key, day)
            if win is None:
                continue
            times = sorted(
                range(win.start, win.end - length + 1, 5), key=lambda t: abs(t - missed_start)
            )
            for t in times:
                slot = Slot(number, session.phase, key, day, t, t + length)
                if not (
                    board.free(key, day, t, t + length) and board.patient_free(day, t, t + length)
                ):
                    continue
                ok = not check_course(
                    rules, [*others, slot], lambda k, d: board.window(k, d), complete=False
                )
                if ok:
                    return _book_makeup(db, actor, schedule, course, session, slot, now)
        day += timedelta(days=1)
    raise Conflict(
        f"No place for a make-up session within the course's {rules.max_weeks} weeks."
        " Nothing was changed."
    )


def _book_makeup(
    db: Session,
    actor: Actor,
    schedule: Schedule,
    course: Course,
    missed: CourseSession,
    slot: Slot,
    now: datetime,
) -> CourseSession:
    missed.status, missed.reason, missed.updated_at = "missed", "missed", now
    row = CourseSession(
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
        makeup_of=missed.id,
        created_at=now,
        updated_at=now,
    )
    db.add(row)
    course.updated_at = now
    _flush(db)
    reminders.schedule_reminder(db, schedule, row, now)
    audit.record(
        db,
        now,
        "session.makeup",
        actor.who,
        patient_id=course.patient_id,
        target=f"session:{row.id}",
        detail={"missed": missed.id},
    )
    return row


def set_status(
    db: Session, actor: Actor, course: Course, status: str, reason: str | None, now: datetime
) -> int:
    """End a course (completed or discontinued, whatever was recorded); sessions still booked
    in the future are released. Returns how many were released."""
    if course.status != "booked":
        raise Conflict(f"The course is already {course.status}.", "status")
    released = 0
    for row in _occupying(db, course):
        if row.status == "booked" and row.starts_at > now:
            row.status, row.reason, row.updated_at = "released", f"course {status}", now
            released += 1
    course.status, course.status_reason, course.updated_at = status, reason, now
    db.flush()
    measure_outcomes.refresh(db, course.clinic_id, now, [course.id])  # its baseline and end
    audit.record(
        db,
        now,
        "course.status",
        actor.who,
        patient_id=course.patient_id,
        target=f"course:{course.id}",
        detail={"status": status, "released": released},
    )
    return released
