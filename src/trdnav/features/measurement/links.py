"""Self-report links: single-use, expiring, a random token in the URL and only its hash stored.

A patient opens the link on a phone without an account and answers once; a second answer, or an
expired link, is 410 Gone. Links go out by email (a job, so a mail server that is down loses
nothing) or are shown in the clinic with a QR code (SVG drawn on the server by `segno`).
A booked course schedules its own: a baseline before the first session, weekly, and at the end.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import segno
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trdnav.features.measurement import service
from trdnav.features.measurement.service import AdministrationCreate, Recorded
from trdnav.platform import audit, jobs
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.mail import send_mail
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import Course, CourseSession, MeasureLink, Patient

INVITE = "measure.invite"
VALID_FOR = timedelta(days=7)  # clinic practice, not a clinical fact: a week to answer
BASELINE_AHEAD = timedelta(days=2)  # the baseline link goes out two days before session 1
SCHEDULED_INSTRUMENT = "phq9"  # PHQ-9 at baseline and weekly during a course (EVIDENCE §I)


class LinkGone(LookupError):
    """The link was used or has expired (410)."""


class LinkUnknown(LookupError):
    """No such link (404)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(base_url: str, token: str) -> str:
    """The URL the patient opens: it carries the random token and nothing else."""
    return f"{base_url.rstrip('/')}/m/{token}"


def create_link(
    db: Session,
    patient: Patient,
    instrument: str,
    course_id: str | None,
    purpose: str,
    now: datetime,
    who: audit.Who,
) -> tuple[MeasureLink, str]:
    """A new link (row, raw token); earlier unused links for the same purpose stop working."""
    service.instrument_or_error(instrument)
    if course_id is not None:
        course = db.get(Course, course_id)
        if course is None or course.patient_id != patient.id:
            message = "is not a course of this patient"
            raise InvalidRequest([{"field": "course_id", "message": message}])
    if purpose != "staff":
        db.execute(
            update(MeasureLink)
            .where(
                MeasureLink.patient_id == patient.id,
                MeasureLink.purpose == purpose,
                MeasureLink.course_id == course_id,
                MeasureLink.used_at.is_(None),
            )
            .values(expires_at=now)
        )
    token = secrets.token_urlsafe(32)
    row = MeasureLink(
        token_hash=_hash(token),
        clinic_id=patient.clinic_id,
        patient_id=patient.id,
        instrument=instrument,
        course_id=course_id,
        purpose=purpose,
        created_by=who.user_id,
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        now,
        "measure_link.create",
        who,
        patient_id=patient.id,
        target=f"measure_link:{row.id}",
        detail={"instrument": instrument, "purpose": purpose},
    )
    return row, token


def open_link(db: Session, token: str, now: datetime) -> MeasureLink:
    """The link behind a token; LinkUnknown (404) or LinkGone (410: used or expired)."""
    row = db.scalar(select(MeasureLink).where(MeasureLink.token_hash == _hash(token)))
    if row is None:
        raise LinkUnknown(token[:0])
    if row.used_at is not None or row.expires_at <= now:
        raise LinkGone("used or expired")
    return row


def answer_link(db: Session, token: str, answers: list[int], now: datetime) -> Recorded:
    """Store the patient's answers once: the link is claimed by a conditional UPDATE, so two
    submissions racing on two workers store one administration and the other gets 410."""
    row = open_link(db, token, now)
    patient = db.get(Patient, row.patient_id)
    assert patient is not None
    data = AdministrationCreate(
        instrument=row.instrument,
        answers=answers,
        administered_at=now,
        course_id=row.course_id,
        source="patient",
    )
    service.validate(db, patient, data, now)  # 422 before the link is used up
    claimed = db.execute(
        update(MeasureLink)
        .where(
            MeasureLink.id == row.id, MeasureLink.used_at.is_(None), MeasureLink.expires_at > now
        )
        .values(used_at=now)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise LinkGone("used")
    who = audit.Who(clinic_id=row.clinic_id)
    done = service.record_administration(db, patient, data, now, who)
    row.administration_id = done.row.id
    return done


def qr_svg(url: str) -> str:
    """The link as an inline SVG QR code (drawn here: nothing is fetched from elsewhere)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, title="QR code of the link"
    )
    return out.getvalue().decode()


@dataclass(frozen=True)
class Shown:
    """A link just created for staff to hand over: its URL, QR code and expiry."""

    url: str
    qr: str
    expires_at: datetime


def invite_text(clinic_name: str, url: str, expires_at: datetime) -> tuple[str, str]:
    """Subject and body: a link and a date, nothing about the person's health."""
    subject = f"{clinic_name}: a short questionnaire for your next visit"
    body = (
        f"{clinic_name} asks you to answer a short questionnaire before your next visit.\n\n"
        f"Open this link on your phone or computer (no account needed; it works once):\n{url}\n\n"
        f"The link works until {expires_at.strftime('%d %B %Y')}.\n"
    )
    return subject, body


def enqueue_invite(
    db: Session,
    patient: Patient,
    instrument: str,
    course_id: str | None,
    purpose: str,
    run_after: datetime,
    now: datetime,
    key: str,
) -> bool:
    """Queue an email invitation; the link is created when the job runs (never stored raw)."""
    payload = {
        "patient_id": patient.id,
        "instrument": instrument,
        "course_id": course_id,
        "purpose": purpose,
    }
    return jobs.enqueue(db, INVITE, payload, run_after, now, key)


def schedule_course(
    db: Session, course: Course, sessions: list[CourseSession], now: datetime
) -> int:
    """Queue the course's self-reports: baseline before session 1, weekly, and at the end."""
    if not sessions:
        return 0
    ordered = sorted(sessions, key=lambda s: s.starts_at)
    first, last = ordered[0].starts_at, ordered[-1]
    if last.ends_at <= now:
        return 0  # a course imported as history: nothing to ask now
    points: list[tuple[str, datetime]] = [("baseline", max(now, first - BASELINE_AHEAD))]
    week = 1
    while first + timedelta(weeks=week) < last.starts_at:
        points.append((f"week:{week}", first + timedelta(weeks=week)))
        week += 1
    points.append(("end", last.ends_at))
    patient = db.get(Patient, course.patient_id)
    assert patient is not None
    added = 0
    for purpose, at in points:
        if at < now and purpose != "baseline":
            continue
        key = f"measure:{course.id}:{purpose}"
        added += enqueue_invite(db, patient, SCHEDULED_INSTRUMENT, course.id, purpose, at, now, key)
    return added


def handler(rt: Runtime) -> jobs.Handler:
    """Create the link and email it; if the mail fails nothing is kept and the job retries."""

    def send(payload: dict[str, Any], now: datetime) -> None:
        with rt.db.begin() as db:
            patient = db.get(Patient, payload["patient_id"])
            if patient is None or not patient.email:
                return
            course_id = payload.get("course_id")
            if course_id is not None:
                course = db.get(Course, course_id)
                if course is None or course.status == "discontinued":
                    return
            from trdnav.features.courses.schedule import load_schedule  # (courses imports us)

            # The clinic's calendar name, as reminders use it: no specialty in the inbox.
            name = load_schedule(db, patient.clinic_id).config.display_name
            who = audit.Who(clinic_id=patient.clinic_id)
            row, token = create_link(
                db, patient, payload["instrument"], course_id, payload["purpose"], now, who
            )
            subject, body = invite_text(name, link_url(rt.settings.base_url, token), row.expires_at)
            send_mail(rt.settings, patient.email, subject, body)  # raises: rolled back, retried

    return send
