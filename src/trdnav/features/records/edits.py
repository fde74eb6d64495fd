"""Editing demographics and the chart without losing work.

A save writes only the fields that changed, each change kept in the record's history (who,
when, before and after). The form carries the version it was read at: when someone else saved
in between, nothing is written and the caller gets a `Conflict` with both values of every field
that differs. The version column also guards the UPDATE itself (`WHERE version = ...`), so two
saves racing on PostgreSQL cannot both win either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from trdnav.domain.text import whole_number
from trdnav.features.records.service import RecordError
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import Patient, RecordChange, User

SEXES = ("female", "male", "intersex", "unknown")


@dataclass(frozen=True)
class Differ:
    """One field whose saved value differs from what the person submitted."""

    field: str
    label: str
    yours: Any
    theirs: Any


class Conflict(Exception):
    """Someone saved the record after this form was read; nothing was written."""

    def __init__(self, version: int, fields: list[Differ], by: str | None = None) -> None:
        super().__init__("the record changed since the form was read")
        self.version, self.fields, self.by = version, fields, by


def _text(limit: int) -> Callable[[Any, datetime], str | None]:
    def parse(raw: Any, _now: datetime) -> str | None:
        value = " ".join(str(raw or "").split()) if limit <= 200 else str(raw or "").strip()
        return value[:limit] or None

    return parse


def _name(raw: Any, _now: datetime) -> str:
    value = " ".join(str(raw or "").split())
    if not value:
        raise RecordError("name", "is required")
    return value[:200]


def _dob(raw: Any, now: datetime) -> date | None:
    if not raw:
        return None
    try:
        dob = date.fromisoformat(str(raw))
    except ValueError as exc:
        raise RecordError("date_of_birth", "must be a date like 1980-04-30") from exc
    if dob > now.date() or dob.year < 1900:
        raise RecordError("date_of_birth", "must be a real date in the past")
    return dob


def _sex(raw: Any, _now: datetime) -> str | None:
    value = raw or None
    if value not in (None, *SEXES):
        raise RecordError("sex_at_birth", "must be female, male, intersex or unknown")
    return value


def _mrn(raw: Any, _now: datetime) -> str | None:
    value = "".join(str(raw or "").split())
    if len(value) > 32:
        raise RecordError("mrn", "must be at most 32 characters")
    if value and not all(c.isalnum() or c in "-_./" for c in value):
        raise RecordError("mrn", "may hold letters, digits and - _ . / only")
    return value or None


# Field -> (label, parser). The order is the form's order.
FIELDS: dict[str, tuple[str, Callable[[Any, datetime], Any]]] = {
    "name": ("Name", _name),
    "date_of_birth": ("Date of birth", _dob),
    "sex_at_birth": ("Sex at birth", _sex),
    "email": ("Email", _text(320)),
    "phone": ("Phone", _text(32)),
    "address": ("Address", _text(1000)),
    "preferred_language": ("Preferred language", _text(64)),
    "mrn": ("MRN", _mrn),
    "insurer": ("Insurer", _text(100)),
    "insurance_member_id": ("Member ID", _text(64)),
    "referring_clinician": ("Referring clinician", _text(200)),
    "pharmacy": ("Pharmacy", _text(200)),
    "emergency_contact": ("Emergency contact", _text(200)),
}
CHART = ("mrn", "insurer", "insurance_member_id", "referring_clinician", "pharmacy")


def plain(value: Any) -> Any:
    """A value as JSON keeps it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


def parse_version(data: dict[str, Any]) -> int:
    """The record version the form was read at."""
    version = whole_number(str(data.get("version") or ""), None)
    if version is None:
        raise RecordError("version", "is missing: reload the record and save again")
    return version


def last_changed_by(db: Session, patient_id: str, kind: str, target: str | None) -> str | None:
    """Who made the newest change of this kind (for the conflict page)."""
    stmt = (
        select(User.display_name)
        .join(RecordChange, RecordChange.changed_by == User.id)
        .where(RecordChange.patient_id == patient_id, RecordChange.kind == kind)
    )
    if target is not None:
        stmt = stmt.where(RecordChange.target == target)
    return db.scalar(stmt.order_by(RecordChange.id.desc()).limit(1))


def note_change(
    db: Session,
    actor: Actor,
    patient: Patient,
    now: datetime,
    kind: str,
    action: str,
    before: Any,
    after: Any,
    *,
    target: str | None = None,
    reason: str | None = None,
) -> RecordChange:
    """Keep one correction in the record's history."""
    row = RecordChange(
        patient_id=patient.id,
        clinic_id=patient.clinic_id,
        kind=kind,
        target=target,
        action=action,
        before=before,
        after=after,
        reason=reason,
        changed_by=actor.user_id,
        changed_at=now,
    )
    db.add(row)
    return row


def update_demographics(
    db: Session, actor: Actor, patient: Patient, data: dict[str, Any], now: datetime
) -> list[str]:
    """Save the fields of the form that changed (demographics and chart); returns their names.

    A field the form does not carry is left as it is; one it carries empty is cleared."""
    version = parse_version(data)
    wanted = {f: parse(data.get(f), now) for f, (_, parse) in FIELDS.items() if f in data}
    changed = {f: v for f, v in wanted.items() if getattr(patient, f) != v}
    if version != patient.version:
        raise Conflict(
            patient.version,
            [
                Differ(f, FIELDS[f][0], plain(v), plain(getattr(patient, f)))
                for f, v in changed.items()
            ],
            last_changed_by(db, patient.id, "demographics", None),
        )
    if not changed:
        return []
    if "mrn" in changed and changed["mrn"] is not None:
        taken = db.scalar(
            select(Patient.id).where(
                Patient.clinic_id == patient.clinic_id,
                Patient.mrn == changed["mrn"],
                Patient.id != patient.id,
            )
        )
        if taken:
            raise RecordError("mrn", "is already the MRN of another record in this clinic")
    before = {f: plain(getattr(patient, f)) for f in changed}
    for field, value in changed.items():
        setattr(patient, field, value)
    patient.updated_at = now
    note_change(
        db,
        actor,
        patient,
        now,
        "demographics",
        "update",
        before,
        {f: plain(v) for f, v in changed.items()},
    )
    try:
        db.flush()
    except StaleDataError as exc:  # another unit of work saved between our read and write
        db.rollback()
        fresh = db.get(Patient, patient.id)
        assert fresh is not None
        raise Conflict(
            fresh.version,
            [
                Differ(f, FIELDS[f][0], plain(v), plain(getattr(fresh, f)))
                for f, v in changed.items()
            ],
        ) from exc
    except IntegrityError as exc:  # the same MRN saved on another record at the same moment
        db.rollback()
        raise RecordError("mrn", "is already the MRN of another record in this clinic") from exc
    audit.record(
        db,
        now,
        "patient.update_demographics",
        actor.who,
        patient_id=patient.id,
        detail={"fields": sorted(changed)},
    )
    return sorted(changed)
