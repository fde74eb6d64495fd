"""A course as an iCalendar file (RFC 5545) for the patient: one event per booked session,
stable UIDs (the session id), and no health words: "Appointment at <clinic>"."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.features.courses.schedule import Schedule
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import Course, CourseSession

UID_DOMAIN = "trdnav.invalid"  # stable and never resolvable


def course_calendar(
    db: Session, actor: Actor, schedule: Schedule, course: Course, now: datetime
) -> bytes:
    """The course's booked sessions as an .ics file (the export is audited)."""
    config = schedule.config
    cal = Calendar()
    cal.add("prodid", "-//TRD Navigator//Appointments//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Appointments at {config.display_name}")
    rows = db.scalars(
        select(CourseSession)
        .where(CourseSession.course_id == course.id, CourseSession.status == "booked")
        .order_by(CourseSession.starts_at)
    )
    for row in rows:
        event = Event()
        event.add("uid", f"{row.id}@{UID_DOMAIN}")
        event.add("dtstamp", row.updated_at)
        event.add("dtstart", row.starts_at)
        event.add("dtend", row.ends_at)
        event.add("summary", f"Appointment at {config.display_name}")
        if config.contact.address:
            event.add("location", config.contact.address)
        event.add("description", f"To change this appointment, call {config.contact.phone}.")
        event.add("sequence", int(row.updated_at.timestamp()) % 2_000_000_000)
        cal.add_component(event)
    audit.record(
        db,
        now,
        "course.calendar",
        actor.who,
        patient_id=course.patient_id,
        target=f"course:{course.id}",
    )
    return bytes(cal.to_ical())
