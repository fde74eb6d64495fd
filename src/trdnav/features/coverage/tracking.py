"""Authorizations against the course: units used, booked sessions beyond them, expiry; the
coordinator's list of expiring and exhausted authorizations.

`course_sessions` is the one place that reads a course's sessions for an authorization: the
sessions of the patient's courses of the authorized option (none cancelled or released), each
as its clinic-local day and status. With no course yet it answers None ("not known"), and every
page says units used are unknown rather than showing 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.coverage.tracking import (
    Authorized,
    SessionEntry,
    Tracking,
    TrackingWarning,
    track,
)
from trdnav.features.coverage.service import local_today
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import Clinic, Course, CourseSession, Patient, PriorAuthorization

PERIOD_CODES = ("expiring", "ended")
# Statuses the coordinator follows up: pending with the payer, or approved and running.
FOLLOWED = ("submitted", "appealed", "approved")


def course_sessions(db: Session, pa: PriorAuthorization) -> list[SessionEntry] | None:
    """The sessions of the courses this authorization pays for; None while there is none."""
    rows = db.execute(
        select(CourseSession.starts_at, CourseSession.status, Clinic.time_zone)
        .join(Course, Course.id == CourseSession.course_id)
        .join(Clinic, Clinic.id == Course.clinic_id)
        .where(
            Course.patient_id == pa.patient_id,
            Course.clinic_id == pa.clinic_id,
            Course.option == pa.option_id,
            CourseSession.status.in_(("booked", "delivered", "missed")),
        )
        .order_by(CourseSession.starts_at)
    ).all()
    if not rows:
        return None
    return [SessionEntry(on=local_today(at, tz), status=status) for at, status, tz in rows]


@dataclass(frozen=True)
class Standing:
    """An authorization's standing: full tracking when sessions are known, else its period."""

    tracking: Tracking | None  # None: the course's sessions are not known
    warnings: list[TrackingWarning]


def authorized(pa: PriorAuthorization) -> Authorized | None:
    """What an approved request allows, or None when it is not (yet) approved."""
    if pa.status not in ("approved", "expired") or pa.authorized_units is None:
        return None
    if pa.period_start is None or pa.period_end is None:
        return None
    return Authorized(pa.authorized_units, pa.period_start, pa.period_end)


def standing(
    pa: PriorAuthorization, sessions: list[SessionEntry] | None, today: date
) -> Standing | None:
    """Track an approved request against its course's sessions (None: not approved)."""
    allowed = authorized(pa)
    if allowed is None:
        return None
    if sessions is None:
        period = [w for w in track(allowed, [], today).warnings if w.code in PERIOD_CODES]
        return Standing(None, period)
    result = track(allowed, sessions, today)
    return Standing(result, result.warnings)


@dataclass(frozen=True)
class Row:
    """One line of the coordinator's list."""

    pa: PriorAuthorization
    patient_name: str
    standing: Standing | None
    needs_attention: bool


def coordinator_list(db: Session, actor: Actor, now: datetime, tz: str) -> list[Row]:
    """The clinic's followed requests, those needing attention first (audited read)."""
    today = local_today(now, tz)
    stmt = (
        select(PriorAuthorization, Patient.name)
        .join(Patient, Patient.id == PriorAuthorization.patient_id)
        .where(
            PriorAuthorization.clinic_id == actor.clinic_id, PriorAuthorization.status.in_(FOLLOWED)
        )
        .order_by(PriorAuthorization.period_end, PriorAuthorization.status_on)
    )
    rows = []
    for pa, name in db.execute(stmt):
        found = standing(pa, course_sessions(db, pa), today)
        attention = found is not None and any(
            w.code
            in (
                "expiring",
                "ended",
                "exhausted",
                "over_used",
                "low",
                "booked_beyond_units",
                "booked_outside_period",
            )
            for w in found.warnings
        )
        rows.append(Row(pa, name, found, attention))
    rows.sort(key=lambda r: not r.needs_attention)
    audit.record(db, now, "authorization.list", actor.who, detail={"count": len(rows)})
    return rows
