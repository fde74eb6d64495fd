"""Today's board: the clinic's sessions of one local day per chair, device and room, each with
its status (booked, due now, in monitoring, done, missed, cancelled) and one click to start or
open its record. Read on every poll, so every read is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trdnav.domain.sessions.facts import facts
from trdnav.features.courses.schedule import load_schedule
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import Course, CourseSession, Patient, Resource, SessionRecord

LABELS = {
    "booked": "Booked",
    "due": "Due now",
    "unrecorded": "Not recorded",
    "monitoring": "In monitoring",
    "done": "Done",
    "missed": "Missed",
    "cancelled": "Cancelled",
}


@dataclass
class Card:
    session: CourseSession
    patient: str
    option: str
    start: str
    end: str
    status: str
    note: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.status]


@dataclass
class Column:
    resource: Resource
    cards: list[Card] = field(default_factory=list)


def _status(
    s: CourseSession, record: SessionRecord | None, now: datetime, tz: ZoneInfo
) -> tuple[str, str]:
    if s.status in ("missed", "cancelled"):
        return s.status, ""
    if s.status == "booked":
        if now >= s.ends_at:
            return "unrecorded", ""
        return ("due", "") if now >= s.starts_at else ("booked", "")
    monitored = record is not None and record.kind in ("esketamine", "iv_ketamine")
    if monitored and record is not None and record.discharged_at is None:
        note = ""
        if record.kind == "esketamine":
            minutes = facts().esketamine.observation_minutes
            earliest = (record.delivered_at + timedelta(minutes=minutes)).astimezone(tz)
            note = f"discharge from {earliest:%H:%M}"
        return "monitoring", note
    return "done", ""


def board(db: Session, actor: Actor, day: date, now: datetime) -> list[Column]:
    """The day's sessions per active resource, in time order (audited)."""
    schedule = load_schedule(db, actor.clinic_id)
    tz = ZoneInfo(schedule.tz)
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    end = start + timedelta(days=1)
    rows = db.execute(
        select(CourseSession, Patient.name, Course.option)
        .join(Patient, Patient.id == CourseSession.patient_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(
            CourseSession.clinic_id == actor.clinic_id,
            CourseSession.starts_at >= start,
            CourseSession.starts_at < end,
            CourseSession.status != "released",
        )
        .order_by(CourseSession.starts_at)
    ).all()
    ids = [s.id for s, _, _ in rows]
    latest = _latest(db, ids)
    columns = {r.id: Column(r) for r in schedule.resources.values()}
    for s, name, option in rows:
        status, note = _status(s, latest.get(s.id), now, tz)
        card = Card(
            s,
            name,
            option,
            f"{s.starts_at.astimezone(tz):%H:%M}",
            f"{s.ends_at.astimezone(tz):%H:%M}",
            status,
            note,
        )
        if s.resource_id in columns:
            columns[s.resource_id].cards.append(card)
    audit.record(
        db, now, "board.view", actor.who, detail={"day": day.isoformat(), "sessions": len(rows)}
    )
    return list(columns.values())


def _latest(db: Session, session_ids: list[str]) -> dict[str, SessionRecord]:
    if not session_ids:
        return {}
    newest = (
        select(SessionRecord.session_id, func.max(SessionRecord.version).label("v"))
        .where(SessionRecord.session_id.in_(session_ids))
        .group_by(SessionRecord.session_id)
        .subquery()
    )
    rows = db.scalars(
        select(SessionRecord).join(
            newest,
            (newest.c.session_id == SessionRecord.session_id)
            & (newest.c.v == SessionRecord.version),
        )
    )
    return {r.session_id: r for r in rows}
