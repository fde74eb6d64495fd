"""Reminder emails the day before a session: queued as jobs at booking, sent once by whichever
worker claims them, with no health details (a time and the clinic's calendar name)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from trdnav.domain.scheduling.calendar import parse_hhmm, spoken_local, to_local, to_utc
from trdnav.features.courses.schedule import Schedule, load_schedule
from trdnav.platform import audit, jobs
from trdnav.platform.mail import send_mail
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import CourseSession, Patient

KIND = "course.reminder"
SEND_AT = "10:00"  # clinic time, the day before


def schedule_reminder(db: Session, schedule: Schedule, row: CourseSession, now: datetime) -> None:
    """Queue the reminder for a booked session (none for a session already under a day away)."""
    day, _ = to_local(row.starts_at, schedule.tz)
    at = to_utc(day - timedelta(days=1), parse_hhmm(SEND_AT), schedule.tz)
    if at <= now:
        return
    key = f"reminder:{row.id}:{row.starts_at.isoformat()}"
    payload = {"session_id": row.id, "starts_at": row.starts_at.isoformat()}
    jobs.enqueue(db, KIND, payload, at, now, key)


def reminder_text(clinic_name: str, phone: str, starts_at: datetime, tz: str) -> tuple[str, str]:
    """Subject and body: when and where, nothing about why."""
    when = spoken_local(starts_at, tz)
    subject = f"Reminder: appointment at {clinic_name} tomorrow"
    body = (
        f"This is a reminder of your appointment at {clinic_name} on {when}.\n\n"
        f"If you cannot come, please call us on {phone}.\n"
    )
    return subject, body


def handler(rt: Runtime) -> jobs.Handler:
    """The job handler for reminders, bound to a runtime (mail settings, database)."""

    def send(payload: dict[str, Any], now: datetime) -> None:
        with rt.db.begin() as db:
            row = db.get(CourseSession, payload["session_id"])
            if row is None or row.status != "booked":
                return  # cancelled or released since: nothing to remind
            if row.starts_at.isoformat() != payload["starts_at"]:
                return  # moved: the new time has its own reminder
            patient = db.get(Patient, row.patient_id)
            if patient is None or not patient.email:
                return
            schedule = load_schedule(db, row.clinic_id)
            subject, body = reminder_text(
                schedule.config.display_name,
                schedule.config.contact.phone,
                row.starts_at,
                schedule.tz,
            )
            audit.record(
                db,
                now,
                "session.reminder",
                audit.Who(clinic_id=row.clinic_id),
                patient_id=row.patient_id,
                target=f"session:{row.id}",
            )
            to = patient.email
        send_mail(rt.settings, to, subject, body)

    return send
