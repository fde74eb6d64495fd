"""Consultation follow-through: "consult scheduled" carries its date and time and queues a
reminder email to the person (when and where, nothing about why), and the time from a request's
arrival to the clinic's first contact is kept per request and summed up as the clinic's median.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.scheduling.calendar import spoken_local, to_utc
from trdnav.features.courses.schedule import load_schedule
from trdnav.features.inbox.service import InboxError, triage_of
from trdnav.platform import audit, jobs
from trdnav.platform.access import Actor
from trdnav.platform.mail import send_mail
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import ConsultationRequest, ConsultationTriage

KIND = "consult.reminder"
REMIND_BEFORE = timedelta(hours=24)
STATS_DAYS = 90


def parse_consult_at(data: dict[str, Any], tz: str, now: datetime) -> datetime:
    """The consult's date and time (clinic time) as UTC; it must lie ahead."""
    try:
        day = date.fromisoformat(str(data.get("consult_date") or ""))
    except ValueError as exc:
        raise InboxError("consult_date", "Enter the consult's date (YYYY-MM-DD).") from exc
    try:
        at = time.fromisoformat(str(data.get("consult_time") or ""))
    except ValueError as exc:
        raise InboxError("consult_time", "Enter the consult's time (HH:MM).") from exc
    when = to_utc(day, at.hour * 60 + at.minute, tz)
    if when <= now:
        raise InboxError("consult_date", "The consult must be in the future.")
    if when > now + timedelta(days=366):
        raise InboxError("consult_date", "The consult must be within a year.")
    return when


def schedule_consult(
    db: Session, actor: Actor, req: ConsultationRequest, when: datetime, now: datetime
) -> None:
    """Record the consult time and queue the reminder (a new time gets its own reminder)."""
    triage = triage_of(db, req, now)
    triage.consult_at, triage.updated_at = when, now
    if triage.first_contact_at is None:
        triage.first_contact_at = now
    send_at = max(now, when - REMIND_BEFORE)
    key = f"consult:{req.id}:{when.isoformat()}"
    jobs.enqueue(
        db, KIND, {"request_id": req.id, "consult_at": when.isoformat()}, send_at, now, key
    )
    audit.record(db, now, "inbox.consult_scheduled", actor.who, target=f"consultation:{req.id}")


def reminder_text(clinic: str, phone: str, when: datetime, tz: str) -> tuple[str, str]:
    """Subject and body: when and where, nothing about why."""
    at = spoken_local(when, tz)
    subject = f"Reminder: your consultation with {clinic}"
    body = (
        f"This is a reminder of your consultation with {clinic} on {at}.\n\n"
        f"If the time no longer suits you, please call us on {phone}.\n"
    )
    return subject, body


def handler(rt: Runtime) -> jobs.Handler:
    """Send one consult reminder (skipped when the consult was moved, declined or has no email)."""

    def send(payload: dict[str, Any], now: datetime) -> None:
        with rt.db.begin() as db:
            req = db.get(ConsultationRequest, payload["request_id"])
            triage = db.get(ConsultationTriage, payload["request_id"])
            if req is None or triage is None or triage.consult_at is None:
                return
            if req.status not in ("consult_scheduled", "converted"):
                return  # declined since
            if triage.consult_at.isoformat() != payload["consult_at"] or not req.email:
                return  # moved (the new time has its own reminder), or reachable by phone only
            schedule = load_schedule(db, req.clinic_id)
            subject, body = reminder_text(
                schedule.config.display_name,
                schedule.config.contact.phone,
                triage.consult_at,
                schedule.tz,
            )
            audit.record(
                db,
                now,
                "inbox.consult_reminder",
                audit.Who(clinic_id=req.clinic_id),
                target=f"consultation:{req.id}",
            )
            to = req.email
        send_mail(rt.settings, to, subject, body)

    return send


def send_due(rt: Runtime, now: datetime) -> int:
    """Send the consult reminders due now (the jobs runner does this on a schedule)."""
    return jobs.run_due(rt.db, {KIND: handler(rt)}, f"consult:{id(rt)}", now)


@dataclass(frozen=True)
class FollowUp:
    """A request's consult time and how long its first contact took (None: not yet)."""

    consult_at: datetime | None
    first_contact: timedelta | None
    waiting: timedelta | None  # for requests nobody has contacted yet


def follow_ups(
    db: Session, requests: list[ConsultationRequest], now: datetime
) -> dict[str, FollowUp]:
    """The follow-up state of each listed request."""
    triages = {
        t.request_id: t
        for t in db.scalars(
            select(ConsultationTriage).where(
                ConsultationTriage.request_id.in_([r.id for r in requests])
            )
        )
    }
    out = {}
    for r in requests:
        t = triages.get(r.id)
        first = t.first_contact_at if t else None
        out[r.id] = FollowUp(
            t.consult_at if t else None,
            first - r.received_at if first else None,
            now - r.received_at if first is None and r.status == "new" else None,
        )
    return out


@dataclass(frozen=True)
class ClinicFigure:
    """The clinic's median time to first contact over recent requests."""

    median: timedelta | None
    count: int
    days: int = STATS_DAYS


def clinic_figure(db: Session, clinic_id: int, now: datetime) -> ClinicFigure:
    """Median time to first contact of the requests received in the last 90 days."""
    rows = db.execute(
        select(ConsultationRequest.received_at, ConsultationTriage.first_contact_at)
        .join(ConsultationTriage, ConsultationTriage.request_id == ConsultationRequest.id)
        .where(
            ConsultationRequest.clinic_id == clinic_id,
            ConsultationRequest.received_at >= now - timedelta(days=STATS_DAYS),
            ConsultationTriage.first_contact_at.is_not(None),
        )
    ).all()
    seconds = [(first - received).total_seconds() for received, first in rows if first]
    if not seconds:
        return ClinicFigure(None, 0)
    return ClinicFigure(timedelta(seconds=statistics.median(seconds)), len(seconds))


def duration(value: timedelta | None) -> str:
    """A duration in words a front desk reads at a glance ("3 h 20 min", "2 d 4 h")."""
    if value is None:
        return "—"
    minutes = max(0, int(value.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"
