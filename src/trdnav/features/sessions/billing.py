"""The month's superbill of a clinic: billing lines of its delivered sessions (current record
versions), by the clinic's local days, as rows for the page, the CSV and the API (audited)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trdnav.domain.sessions.billing import Delivered, Line, lines
from trdnav.features.sessions.service import clinic_rules, local_day
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.errors import InvalidRequest
from trdnav.storage.models import Diagnosis, Patient, PriorAuthorization, SessionRecord


def parse_month(value: str | None, today: date) -> date:
    """The first day of a "YYYY-MM" month (this month when empty); 422 naming `month`."""
    if not value:
        return today.replace(day=1)
    try:
        year, month = (int(x) for x in value.split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        raise InvalidRequest([{"field": "month", "message": "use YYYY-MM"}]) from exc


def _bounds(first: date, tz: str) -> tuple[datetime, datetime]:
    nxt = (first + timedelta(days=32)).replace(day=1)
    zone = ZoneInfo(tz)
    start = datetime(first.year, first.month, 1, tzinfo=zone)
    end = datetime(nxt.year, nxt.month, 1, tzinfo=zone)
    return start, end


def _current(db: Session, clinic_id: int, start: datetime, end: datetime) -> list[SessionRecord]:
    newest = (
        select(SessionRecord.session_id, func.max(SessionRecord.version).label("v"))
        .where(SessionRecord.clinic_id == clinic_id)
        .group_by(SessionRecord.session_id)
        .subquery()
    )
    return list(
        db.scalars(
            select(SessionRecord)
            .join(
                newest,
                (newest.c.session_id == SessionRecord.session_id)
                & (newest.c.v == SessionRecord.version),
            )
            .where(SessionRecord.delivered_at >= start, SessionRecord.delivered_at < end)
            .order_by(SessionRecord.delivered_at)
        )
    )


def _first_of_course(db: Session, course_id: str) -> str | None:
    first = db.scalars(
        select(SessionRecord.session_id)
        .where(SessionRecord.course_id == course_id)
        .order_by(SessionRecord.delivered_at)
        .limit(1)
    ).first()
    return first


def _medicare(db: Session, patient: Patient, payers: list[str]) -> bool:
    if (patient.insurance or {}).get("plan") == "medicare":
        return True
    names = db.scalars(
        select(PriorAuthorization.payer).where(PriorAuthorization.patient_id == patient.id)
    )
    wanted = [p.lower() for p in payers]
    return any(any(w in (n or "").lower() for w in wanted) for n in names)


def month_lines(
    db: Session, actor: Actor, month: str | None, now: datetime
) -> tuple[date, list[dict[str, Any]]]:
    """The clinic's billing lines of one month (audited)."""
    rules = clinic_rules(db, actor.clinic_id)
    first = parse_month(month, local_day(now, rules.tz))
    start, end = _bounds(first, rules.tz)
    records = _current(db, actor.clinic_id, start, end)
    patients: dict[str, Patient] = {}
    medicare: dict[str, bool] = {}
    firsts: dict[str, str | None] = {}
    delivered = []
    for r in records:
        if r.patient_id not in patients:
            p = db.get(Patient, r.patient_id)
            assert p is not None
            patients[p.id] = p
            medicare[p.id] = _medicare(db, p, rules.settings.medicare_payers)
        if r.course_id not in firsts:
            firsts[r.course_id] = _first_of_course(db, r.course_id)
        delivered.append(
            Delivered(
                r.session_id,
                r.patient_id,
                r.course_id,
                local_day(r.delivered_at, rules.tz),
                r.kind,
                r.dose_mg,
                r.mt_measured,
                firsts[r.course_id] == r.session_id,
                medicare[r.patient_id],
            )
        )
    out = [_row(db, line, patients[line.patient_id]) for line in lines(delivered)]
    audit.record(
        db,
        now,
        "billing.view",
        actor.who,
        detail={"month": first.isoformat()[:7], "lines": len(out)},
    )
    return first, out


def _row(db: Session, line: Line, patient: Patient) -> dict[str, Any]:
    codes = sorted(
        set(db.scalars(select(Diagnosis.code).where(Diagnosis.patient_id == patient.id)))
    )
    return {
        "date": line.day.isoformat(),
        "patient_id": patient.id,
        "patient_name": patient.name,
        "birth_date": patient.date_of_birth.isoformat() if patient.date_of_birth else None,
        "diagnoses": " ".join(codes),
        "session_id": line.session_id,
        "code": line.code,
        "system": line.system,
        "modifiers": line.modifiers,
        "units": line.units,
        "description": line.description,
        "source_ids": " ".join(line.source_ids),
    }


def csv_text(rows: list[dict[str, Any]]) -> str:
    """The superbill as CSV (cells that a spreadsheet would run as formulas are quoted)."""
    out = io.StringIO()
    heads = [
        "date", "patient_name", "birth_date", "diagnoses", "code", "modifiers", "units",
        "description", "session_id", "source_ids",
    ]  # fmt: skip
    writer = csv.writer(out)
    writer.writerow(heads)
    for row in rows:
        cells = ["" if row[h] is None else str(row[h]) for h in heads]
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in cells])
    return out.getvalue()
