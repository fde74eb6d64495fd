"""Safety alerts: raised where a risk is recorded, listed for the clinic's clinicians, emailed
without health details, and open until a clinician records the follow-up.

Raising an alert writes the alert, its audit event and one email job per clinician in the
caller's transaction: if the record that caused it is stored, the alert and its emails are too,
whatever the mail server does (the jobs runner retries). Features register the kinds they raise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.platform import audit, jobs
from trdnav.platform.access import Actor
from trdnav.platform.mail import send_mail
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import Membership, Patient, SafetyAlert, User

NOTICE = "alert.notice"
URGENCIES = ("urgent", "prompt")


@dataclass(frozen=True)
class Kind:
    """What an alert is about, as staff read it, and which roles are emailed."""

    label: str
    notify: tuple[str, ...]


KINDS: dict[str, Kind] = {}


def register_kind(code: str, label: str, notify: tuple[str, ...] = ("prescriber",)) -> None:
    """Add an alert kind (built-ins register exactly like additions)."""
    KINDS[code] = Kind(label, notify)


register_kind("suicide_risk", "Thoughts of death or self-harm reported", ("prescriber", "nurse"))
register_kind("seizure", "Seizure during a session")
register_kind("hypertension", "Blood pressure above the clinic's hard stop")
register_kind("serious_adverse_event", "Serious adverse event")


class AlertError(ValueError):
    """Invalid input about an alert; `field` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def raise_alert(
    db: Session,
    *,
    clinic_id: int,
    patient_id: str,
    kind: str,
    urgency: str,
    source: str,
    now: datetime,
    who: audit.Who,
) -> SafetyAlert:
    """Raise an alert in the caller's transaction, with one email job per clinician to tell."""
    if kind not in KINDS or urgency not in URGENCIES:
        raise ValueError(f"unknown alert kind or urgency: {kind!r}, {urgency!r}")
    alert = SafetyAlert(
        clinic_id=clinic_id,
        patient_id=patient_id,
        kind=kind,
        urgency=urgency,
        source=source[:80],
        raised_at=now,
        raised_by=who.user_id,
    )
    db.add(alert)
    db.flush()
    audit.record(db, now, "alert.raise", who, patient_id=patient_id, target=f"alert:{alert.id}")
    for user_id in _recipients(db, clinic_id, KINDS[kind].notify):
        payload = {"alert_id": alert.id, "user_id": user_id}
        jobs.enqueue(db, NOTICE, payload, now, now, f"alert:{alert.id}:user:{user_id}")
    return alert


def _recipients(db: Session, clinic_id: int, roles: tuple[str, ...]) -> list[int]:
    stmt = (
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.clinic_id == clinic_id, Membership.role.in_(roles), User.is_active)
        .order_by(User.id)
    )
    return list(db.scalars(stmt))


@dataclass(frozen=True)
class AlertView:
    """An alert as the workspace lists it."""

    alert: SafetyAlert
    patient_name: str
    label: str


def open_alerts(db: Session, actor: Actor, now: datetime) -> list[AlertView]:
    """The clinic's open alerts: urgent first, then the oldest first (audited as a list read)."""
    rows = db.execute(
        select(SafetyAlert, Patient.name)
        .join(Patient, Patient.id == SafetyAlert.patient_id)
        .where(SafetyAlert.clinic_id == actor.clinic_id, SafetyAlert.closed_at.is_(None))
        .order_by(SafetyAlert.raised_at)
    ).all()
    views = [AlertView(a, name, KINDS[a.kind].label) for a, name in rows]
    views.sort(key=lambda v: URGENCIES.index(v.alert.urgency))
    audit.record(db, now, "alert.list", actor.who, detail={"count": len(views)})
    return views


def patient_alerts(db: Session, patient_id: str) -> list[AlertView]:
    """Every alert of one patient, open ones first (the record page shows them)."""
    rows = db.execute(
        select(SafetyAlert, Patient.name)
        .join(Patient, Patient.id == SafetyAlert.patient_id)
        .where(SafetyAlert.patient_id == patient_id)
        .order_by(SafetyAlert.raised_at.desc())
    ).all()
    views = [AlertView(a, name, KINDS[a.kind].label) for a, name in rows]
    views.sort(key=lambda v: v.alert.closed_at is not None)
    return views


def read_alert(db: Session, actor: Actor, alert: SafetyAlert, now: datetime) -> AlertView:
    """One alert, for its page (audited)."""
    patient = db.get(Patient, alert.patient_id)
    audit.record(
        db, now, "alert.view", actor.who, patient_id=alert.patient_id, target=f"alert:{alert.id}"
    )
    return AlertView(alert, patient.name if patient else "", KINDS[alert.kind].label)


def close_alert(
    db: Session, actor: Actor, alert: SafetyAlert, follow_up: str, now: datetime
) -> None:
    """Record the clinician's follow-up, which closes the alert (once)."""
    text = follow_up.strip()
    if not text:
        raise AlertError("follow_up", "is required: say what was done (who was contacted, when)")
    if len(text) > 4000:
        raise AlertError("follow_up", "use at most 4,000 characters")
    if alert.closed_at is not None:
        raise AlertError("follow_up", "this alert was already closed")
    alert.closed_at, alert.closed_by, alert.follow_up = now, actor.user_id, text
    audit.record(
        db, now, "alert.close", actor.who, patient_id=alert.patient_id, target=f"alert:{alert.id}"
    )


def notice_text(base_url: str, alert: SafetyAlert) -> tuple[str, str]:
    """Subject and body of the email: a link and the urgency, nothing about the person."""
    urgent = alert.urgency == "urgent"
    subject = "URGENT: a safety alert needs a clinician" if urgent else "A safety alert"
    link = f"{base_url.rstrip('/')}/workspace/alerts/{alert.id}"
    body = (
        f"A{'n urgent' if urgent else ''} safety alert was raised in TRD Navigator and needs a "
        "clinician's follow-up.\n\n"
        f"Open it in the workspace (sign-in required):\n{link}\n\n"
        "For privacy this message holds no details of the person; they are in the workspace.\n"
    )
    return subject, body


def handler(rt: Runtime) -> jobs.Handler:
    """The job handler that emails one clinician about one alert (raises to be retried)."""

    def send(payload: dict[str, Any], now: datetime) -> None:
        with rt.db() as db:
            alert = db.get(SafetyAlert, payload["alert_id"])
            user = db.get(User, payload["user_id"])
            if alert is None or user is None or not user.is_active:
                return
            subject, body = notice_text(rt.settings.base_url, alert)
            to = user.email
        send_mail(rt.settings, to, subject, body)

    return send


def send_due(rt: Runtime, now: datetime) -> int:
    """Send the alert emails due now (called right after an alert is raised; cron retries)."""
    return jobs.run_due(rt.db, {NOTICE: handler(rt)}, f"alerts:{id(rt)}", now)
