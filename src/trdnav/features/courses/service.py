"""The courses use cases the routes call: reads (audited) and the resource list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.features.courses.booking import course_view
from trdnav.features.courses.schedule import Schedule, load_schedule
from trdnav.features.courses.views import CourseView, ResourceList, ResourceView
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import Course, CourseSession, Resource


def schedule_of(db: Session, actor: Actor) -> Schedule:
    """The actor's clinic's schedule."""
    return load_schedule(db, actor.clinic_id)


def read_course(db: Session, actor: Actor, course: Course, now: datetime) -> CourseView:
    """A course with its sessions (the read is audited)."""
    target = f"course:{course.id}"
    audit.record(db, now, "course.view", actor.who, patient_id=course.patient_id, target=target)
    return course_view(db, course)


def course_of(db: Session, session: CourseSession) -> Course:
    """The course a session belongs to."""
    course = db.get(Course, session.course_id)
    assert course is not None  # a foreign key
    return course


def resources(db: Session, actor: Actor, limit: int, cursor: str | None) -> ResourceList:
    """The clinic's bookable resources, by id, a page at a time."""
    after = int(cursor) if cursor and cursor.isascii() and cursor.isdigit() else 0
    rows = list(
        db.scalars(
            select(Resource)
            .where(
                Resource.clinic_id == actor.clinic_id,
                Resource.active.is_(True),
                Resource.id > after,
            )
            .order_by(Resource.id)
            .limit(limit + 1)
        )
    )
    items = [
        ResourceView(
            id=r.id, name=r.name, kind=r.kind, coil=r.coil, options=list(r.options), capacity=1
        )
        for r in rows[:limit]
    ]
    more = len(rows) > limit
    return ResourceList(items=items, next_cursor=str(rows[limit - 1].id) if more else None)
