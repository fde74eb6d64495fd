"""Corrections that keep history: a medication trial corrected or removed, a confirmed screening
answer cleared back to unknown. Each needs a reason and leaves who, when, why, before and after
in the record's history; a trial carries a version, so two corrections at once conflict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from trdnav.features.records.answers import SCREENING_KEYS, label
from trdnav.features.records.edits import (
    Conflict,
    Differ,
    last_changed_by,
    note_change,
    parse_version,
)
from trdnav.features.records.service import RecordError, parse_trial
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import MedicationTrial, Patient, RecordChange, ScreeningAnswer, User

TRIAL_FIELDS = {
    "drug": "Drug",
    "dose": "Dose",
    "therapeutic_dose": "Therapeutic dose reached",
    "weeks": "Weeks at that dose",
    "adherence": "Adherence",
    "outcome": "Outcome",
}


def _reason(data: dict[str, Any]) -> str:
    reason = " ".join(str(data.get("reason") or "").split())
    if not reason:
        raise RecordError("reason", "is required: say why (for example 'entered in error')")
    if len(reason) > 1000:
        raise RecordError("reason", "must be at most 1000 characters")
    return reason


def _snapshot(trial: MedicationTrial) -> dict[str, Any]:
    return {f: getattr(trial, f) for f in TRIAL_FIELDS} | {"source": trial.source}


def correct_trial(
    db: Session,
    actor: Actor,
    patient: Patient,
    trial: MedicationTrial,
    data: dict[str, Any],
    now: datetime,
) -> list[str]:
    """Correct a trial's fields (only those that changed); returns their names."""
    version = parse_version(data)
    changed = {f: v for f, v in parse_trial(data).items() if getattr(trial, f) != v}
    target = f"trial:{trial.id}"
    if version != trial.version:
        raise Conflict(
            trial.version,
            [Differ(f, TRIAL_FIELDS[f], v, getattr(trial, f)) for f, v in changed.items()],
            last_changed_by(db, patient.id, "trial", target),
        )
    reason = _reason(data)
    if not changed:
        return []
    before = {f: getattr(trial, f) for f in changed}
    for field, value in changed.items():
        setattr(trial, field, value)
    note_change(
        db, actor, patient, now, "trial", "correct", before, changed, target=target, reason=reason
    )
    try:
        db.flush()
    except StaleDataError as exc:
        db.rollback()
        fresh = db.get(MedicationTrial, trial.id)
        theirs = {f: getattr(fresh, f) if fresh else None for f in changed}
        raise Conflict(
            fresh.version if fresh else 0,
            [Differ(f, TRIAL_FIELDS[f], v, theirs[f]) for f, v in changed.items()],
        ) from exc
    patient.updated_at = now
    audit.record(
        db,
        now,
        "patient.correct_trial",
        actor.who,
        patient_id=patient.id,
        target=target,
        detail={"fields": sorted(changed)},
    )
    return sorted(changed)


def remove_trial(
    db: Session,
    actor: Actor,
    patient: Patient,
    trial: MedicationTrial,
    data: dict[str, Any],
    now: datetime,
) -> None:
    """Remove a trial entered in error; the history keeps what it said."""
    reason = _reason(data)
    target = f"trial:{trial.id}"
    note_change(
        db,
        actor,
        patient,
        now,
        "trial",
        "remove",
        _snapshot(trial),
        None,
        target=target,
        reason=reason,
    )
    db.delete(trial)
    patient.updated_at = now
    audit.record(db, now, "patient.remove_trial", actor.who, patient_id=patient.id, target=target)


def clear_answer(
    db: Session, actor: Actor, patient: Patient, data: dict[str, Any], now: datetime
) -> None:
    """Clear a clinician-confirmed answer back to unknown (the engine then asks to check it)."""
    key = str(data.get("key") or "")
    if key not in SCREENING_KEYS:
        raise RecordError("key", "is not a screening answer")
    row = db.scalar(
        select(ScreeningAnswer).where(
            ScreeningAnswer.patient_id == patient.id, ScreeningAnswer.key == key
        )
    )
    if row is None or row.confirmed is None:
        raise RecordError("key", f"'{label(key)}' has no confirmed answer to clear")
    reason = _reason(data)
    before = {"confirmed": row.confirmed, "confirmed_by": row.confirmed_by}
    row.confirmed, row.confirmed_by, row.confirmed_at = None, None, None
    note_change(db, actor, patient, now, "answer", "clear", before, None, target=key, reason=reason)
    patient.updated_at = now
    audit.record(db, now, "patient.clear_answer", actor.who, patient_id=patient.id, target=key)


@dataclass(frozen=True)
class HistoryEntry:
    """One correction as the record page lists it."""

    change: RecordChange
    by: str | None
    what: str


def _what(change: RecordChange) -> str:
    if change.kind == "answer":
        return label(change.target or "")
    if change.kind == "trial":
        drug = (change.before or {}).get("drug") or (change.after or {}).get("drug")
        return f"Medication trial {drug}" if drug else "Medication trial"
    if change.kind == "merge":
        return "Records merged"
    return "Demographics and chart"


def history(db: Session, patient: Patient, limit: int = 200) -> list[HistoryEntry]:
    """The record's corrections, newest first."""
    rows = db.execute(
        select(RecordChange, User.display_name)
        .outerjoin(User, User.id == RecordChange.changed_by)
        .where(RecordChange.patient_id == patient.id)
        .order_by(RecordChange.id.desc())
        .limit(limit)
    )
    return [HistoryEntry(change, by, _what(change)) for change, by in rows]
