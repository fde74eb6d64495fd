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


def current_records(
    db: Session,
    clinic_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
    patient_id: str | None = None,
) -> list[SessionRecord]:
    """The current version of each delivered session's record of a clinic (of one patient, or
    delivered in [start, end)), by time; one query."""
    newest = select(SessionRecord.session_id, func.max(SessionRecord.version).label("v")).where(
        SessionRecord.clinic_id == clinic_id
    )
    if patient_id is not None:
        newest = newest.where(SessionRecord.patient_id == patient_id)
    latest = newest.group_by(SessionRecord.session_id).subquery()
    query = select(SessionRecord).join(
        latest,
        (latest.c.session_id == SessionRecord.session_id) & (latest.c.v == SessionRecord.version),
    )
    if start is not None:
        query = query.where(SessionRecord.delivered_at >= start)
    if end is not None:
        query = query.where(SessionRecord.delivered_at < end)
    return list(db.scalars(query.order_by(SessionRecord.delivered_at, SessionRecord.session_id)))


def _chunks(values: set[str], size: int = 500) -> list[list[str]]:
    ordered = sorted(values)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def delivered_of(
    db: Session, records: list[SessionRecord], tz: str, medicare_payers: list[str]
) -> list[Delivered]:
    """Billing's view of these current record versions: the clinic's local day, the course's
    first session, Medicare (plan, or a prior authorization's payer). Batch queries, not one
    per record; `lines(delivered_of(...))` is every billing line of these sessions."""
    pids = {r.patient_id for r in records}
    cids = {r.course_id for r in records}
    patients: dict[str, Patient] = {}
    payers: dict[str, list[str]] = {}
    firsts: dict[str, str] = {}
    for chunk in _chunks(pids):
        patients.update((p.id, p) for p in db.scalars(select(Patient).where(Patient.id.in_(chunk))))
        rows = db.execute(
            select(PriorAuthorization.patient_id, PriorAuthorization.payer).where(
                PriorAuthorization.patient_id.in_(chunk)
            )
        )
        for pid, payer in rows:
            payers.setdefault(pid, []).append((payer or "").lower())
    for chunk in _chunks(cids):
        rows = db.execute(
            select(SessionRecord.course_id, SessionRecord.session_id)
            .where(SessionRecord.course_id.in_(chunk))
            .order_by(SessionRecord.delivered_at)
        )
        for course_id, session_id in rows:
            firsts.setdefault(course_id, session_id)
    wanted = [p.lower() for p in medicare_payers]
    medicare = {
        pid: (patients[pid].insurance or {}).get("plan") == "medicare"
        or any(w in name for name in payers.get(pid, []) for w in wanted)
        for pid in pids
    }
    return [
        Delivered(
            r.session_id,
            r.patient_id,
            r.course_id,
            local_day(r.delivered_at, tz),
            r.kind,
            r.dose_mg,
            r.mt_measured,
            firsts.get(r.course_id) == r.session_id,
            medicare[r.patient_id],
        )
        for r in records
    ]


def month_lines(
    db: Session, actor: Actor, month: str | None, now: datetime
) -> tuple[date, list[dict[str, Any]]]:
    """The clinic's billing lines of one month (audited)."""
    rules = clinic_rules(db, actor.clinic_id)
    first = parse_month(month, local_day(now, rules.tz))
    start, end = _bounds(first, rules.tz)
    records = current_records(db, actor.clinic_id, start, end)
    delivered = delivered_of(db, records, rules.tz, rules.settings.medicare_payers)
    patients = {
        p.id: p
        for chunk in _chunks({r.patient_id for r in records})
        for p in db.scalars(select(Patient).where(Patient.id.in_(chunk)))
    }
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
