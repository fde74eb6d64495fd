"""One person, one record: likely duplicates (normalized name + birth date, email, phone) and
the merge of a duplicate into the record that stays.

A merge moves every row that references the duplicate (every table with a foreign key to
`ws_patients`, found from the metadata, so a table added later moves too), keeps both
histories, fills the kept record's empty fields from the duplicate, and leaves the duplicate as
a stub that redirects to the kept record. Audit entries are never rewritten: the chain stays
verifiable and the duplicate's id still finds them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Column, CursorResult, func, or_, select, update
from sqlalchemy.orm import Session

from trdnav.features.records.edits import FIELDS, note_change, plain
from trdnav.features.records.service import RecordError
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import Base, ConsultationTriage, Patient, ScreeningAnswer


def normal_name(name: str | None) -> str:
    """Lower case, accents and punctuation dropped, words sorted ("Díaz, Ana" = "ana diaz")."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return " ".join(sorted(words))


def normal_email(email: str | None) -> str:
    """An email compared case-insensitively."""
    return (email or "").strip().lower()


def normal_phone(phone: str | None) -> str:
    """The last ten digits (a leading country code or punctuation does not matter)."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    return digits[-10:] if len(digits) >= 7 else ""


@dataclass(frozen=True)
class Match:
    """A record that is likely the same person, and why."""

    patient: Patient
    reasons: tuple[str, ...]


def likely_duplicates(
    db: Session,
    clinic_id: int,
    *,
    name: str | None,
    birth_date: date | None,
    email: str | None,
    phone: str | None,
    exclude: str | None = None,
) -> list[Match]:
    """Live records of the clinic matching on name + birth date, email or phone."""
    mail, tel, who = normal_email(email), normal_phone(phone), normal_name(name)
    wanted = []
    if mail:
        wanted.append(func.lower(Patient.email) == mail)
    if tel:
        wanted.append(Patient.phone.like(f"%{tel[-4:]}"))  # narrowed in Python below
    if birth_date and who:
        wanted.append(Patient.date_of_birth == birth_date)
    if not wanted:
        return []
    stmt = select(Patient).where(
        Patient.clinic_id == clinic_id, Patient.merged_into_id.is_(None), or_(*wanted)
    )
    if exclude:
        stmt = stmt.where(Patient.id != exclude)
    out = []
    for p in db.scalars(stmt.order_by(Patient.created_at).limit(200)):
        reasons = []
        if birth_date and who and p.date_of_birth == birth_date and normal_name(p.name) == who:
            reasons.append("same name and date of birth")
        if mail and normal_email(p.email) == mail:
            reasons.append("same email")
        if tel and normal_phone(p.phone) == tel:
            reasons.append("same phone")
        if reasons:
            out.append(Match(p, tuple(reasons)))
    return out


def duplicates_of(db: Session, patient: Patient) -> list[Match]:
    """Other live records of the clinic that are likely this patient."""
    return likely_duplicates(
        db,
        patient.clinic_id,
        name=patient.name,
        birth_date=patient.date_of_birth,
        email=patient.email,
        phone=patient.phone,
        exclude=patient.id,
    )


def live(db: Session, patient: Patient) -> Patient:
    """The record a merged duplicate now lives in (the patient itself when not merged)."""
    seen = 0
    while patient.merged_into_id and seen < 10:
        target = db.get(Patient, patient.merged_into_id)
        if target is None:
            break
        patient, seen = target, seen + 1
    return patient


def _references() -> list[Column[str]]:
    """Every column that points at a patient record, except the merge pointer itself."""
    cols = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "ws_patients" and fk.parent.name != "merged_into_id":
                cols.append(fk.parent)
    return cols


def _merge_answers(db: Session, keep: Patient, dup: Patient) -> None:
    """One answer per key: the kept record's, completed by the duplicate's where empty."""
    kept = {
        a.key: a
        for a in db.scalars(select(ScreeningAnswer).where(ScreeningAnswer.patient_id == keep.id))
    }
    for row in db.scalars(select(ScreeningAnswer).where(ScreeningAnswer.patient_id == dup.id)):
        mine = kept.get(row.key)
        if mine is None:
            continue  # moved with the other rows
        if mine.reported is None and row.reported is not None:
            mine.reported = row.reported
        if mine.confirmed is None and row.confirmed is not None:
            mine.confirmed, mine.confirmed_by = row.confirmed, row.confirmed_by
            mine.confirmed_at = row.confirmed_at
        db.delete(row)
    db.flush()


def merge(
    db: Session, actor: Actor, keep: Patient, dup: Patient, reason: str | None, now: datetime
) -> dict[str, int]:
    """Merge `dup` into `keep`; returns how many rows moved per table."""
    if dup.id == keep.id:
        raise RecordError("duplicate_id", "choose another record than this one")
    if dup.clinic_id != keep.clinic_id or dup.merged_into_id or keep.merged_into_id:
        raise RecordError("duplicate_id", "is not a live record of this clinic")
    reason = " ".join((reason or "").split())
    if not reason:
        raise RecordError("reason", "is required: say why these are the same person")
    filled = {
        f: getattr(dup, f)
        for f in FIELDS
        if getattr(keep, f) in (None, "") and getattr(dup, f) not in (None, "")
    }
    _merge_answers(db, keep, dup)
    moved: dict[str, int] = {}
    for col in _references():
        stmt = update(col.table).where(col == dup.id).values({col.name: keep.id})
        result = cast(CursorResult[Any], db.execute(stmt))
        if result.rowcount:
            moved[col.table.name] = result.rowcount
    # The request a duplicate came from now leads to the kept record (not a foreign key).
    triage = cast(
        CursorResult[Any],
        db.execute(
            update(ConsultationTriage)
            .where(ConsultationTriage.patient_id == dup.id)
            .values(patient_id=keep.id)
        ),
    )
    if triage.rowcount:
        moved[ConsultationTriage.__tablename__] = triage.rowcount
    db.expire_all()
    dup, keep = db.get_one(Patient, dup.id), db.get_one(Patient, keep.id)
    mrn = dup.mrn
    dup.mrn, dup.merged_into_id, dup.merged_at, dup.updated_at = None, keep.id, now, now
    db.flush()  # the MRN is unique per clinic: free it before the kept record takes it
    if "mrn" in filled:
        filled["mrn"] = mrn
    for field, value in filled.items():
        setattr(keep, field, value)
    keep.updated_at = now
    summary = f"Merged record {dup.id[:8]} ({dup.name}) into this one"
    note_change(
        db,
        actor,
        keep,
        now,
        "merge",
        "merge",
        {f: None for f in filled},
        {"merged": dup.id, "summary": summary, **{f: plain(v) for f, v in filled.items()}},
        target=f"patient:{dup.id}",
        reason=reason,
    )
    db.flush()
    for pid, target in ((keep.id, f"patient:{dup.id}"), (dup.id, f"patient:{keep.id}")):
        audit.record(
            db,
            now,
            "patient.merge",
            actor.who,
            patient_id=pid,
            target=target,
            detail={"moved": moved},
        )
    return moved


def parse_new(data: dict[str, object], now: datetime) -> dict[str, object]:
    """The new-record form (name, date of birth, email, phone) as stored values."""
    return {f: FIELDS[f][1](data.get(f), now) for f in ("name", "date_of_birth", "email", "phone")}


def create_record(db: Session, actor: Actor, values: dict[str, object], now: datetime) -> Patient:
    """A patient record typed in at the front desk (no consultation request)."""
    import uuid

    patient = Patient(
        id=str(uuid.uuid4()), clinic_id=actor.clinic_id, created_at=now, updated_at=now, **values
    )
    db.add(patient)
    db.flush()
    audit.record(db, now, "patient.create", actor.who, patient_id=patient.id, target="workspace")
    return patient
