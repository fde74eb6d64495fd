"""Patient records: creation from a consultation request, demographics, diagnoses, trials,
screening answers (patient-reported beside clinician-confirmed) and PHQ-9 administrations.

Every function takes the acting staff member and writes an audit entry in the same
transaction; audit entries carry the patient id only, never names or answers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.codes import icd10
from trdnav.domain.measures import instruments
from trdnav.domain.record import (
    ADHERENCE,
    ANSWER_KEYS,
    OUTCOMES,
    ClinicalRecord,
    Trial,
    record_from_request,
)
from trdnav.domain.requests import AssessmentRequest
from trdnav.features.measurement import service as measurement
from trdnav.features.records.answers import parse_confirmed
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage import records
from trdnav.storage.models import (
    Administration,
    ConsultationRequest,
    Diagnosis,
    MedicationTrial,
    Patient,
    RecordChange,
    ScreeningAnswer,
)


class RecordError(ValueError):
    """Invalid input for a record; `field` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def create_from_request(
    db: Session, actor: Actor, req: ConsultationRequest, now: datetime
) -> Patient:
    """A patient record built from a consultation request, without retyping anything."""
    reported = (
        record_from_request(AssessmentRequest.model_validate(req.assessment), req.received_at)
        if req.assessment
        else ClinicalRecord()
    )
    patient = Patient(
        id=str(uuid.uuid4()),
        clinic_id=req.clinic_id,
        consultation_request_id=req.id,
        name=req.name,
        email=req.email,
        phone=req.phone,
        created_at=now,
        updated_at=now,
    )
    db.add(patient)
    db.flush()
    records.add_reported_record(db, patient, reported, now)
    db.flush()
    _reported_risk(db, actor, patient, now)
    audit.record(
        db,
        now,
        "patient.create",
        actor.who,
        patient_id=patient.id,
        target=f"consultation:{req.id}",
    )
    return patient


def _reported_risk(db: Session, actor: Actor, patient: Patient, now: datetime) -> None:
    """A PHQ-9 the person reported with item 9 above 0 alerts the clinic too (any source)."""
    for row in records.administration_rows(db, patient, "phq9"):
        measurement.check_risk(db, row, now, actor.who)


@dataclass(frozen=True)
class PatientRecord:
    """Everything the record page shows."""

    patient: Patient
    diagnoses: list[tuple[Diagnosis, icd10.Code | None]]
    trials: list[MedicationTrial]
    answers: list[ScreeningAnswer]
    phq9: Administration | None  # the latest PHQ-9

    @property
    def reported_age(self) -> Any:
        """The age the person gave before any date of birth was recorded, if any."""
        return next((a.reported for a in self.answers if a.key == "age"), None)


def read_record(db: Session, actor: Actor, patient: Patient, now: datetime) -> PatientRecord:
    """The full record; the read itself is audited."""
    audit.record(db, now, "patient.view", actor.who, patient_id=patient.id)
    diagnoses = db.scalars(
        select(Diagnosis).where(Diagnosis.patient_id == patient.id).order_by(Diagnosis.id)
    )
    trials = records.trial_rows(db, patient)
    phq9 = records.administration_rows(db, patient, "phq9")
    answers = {
        a.key: a
        for a in db.scalars(select(ScreeningAnswer).where(ScreeningAnswer.patient_id == patient.id))
    }
    ordered = [answers[k] for k in ANSWER_KEYS if k in answers]
    return PatientRecord(
        patient,
        [(d, icd10.lookup(d.code)) for d in diagnoses],
        trials,
        ordered,
        phq9[-1] if phq9 else None,
    )


def list_patients(
    db: Session, actor: Actor, now: datetime, query: str | None = None
) -> list[Patient]:
    """The clinic's patients, newest first, optionally matching a name, email or phone."""
    stmt = select(Patient).where(
        Patient.clinic_id == actor.clinic_id, Patient.merged_into_id.is_(None)
    )
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(
            Patient.name.ilike(like)
            | Patient.email.ilike(like)
            | Patient.phone.ilike(like)
            | Patient.mrn.ilike(like)
        )
    rows = list(db.scalars(stmt.order_by(Patient.created_at.desc()).limit(500)))
    audit.record(
        db,
        now,
        "patient.list",
        actor.who,
        detail={"count": len(rows), "searched": bool(query)},
    )
    return rows


def latest_phq9(db: Session, patients: list[Patient]) -> dict[str, int]:
    """The latest PHQ-9 total of each listed patient that has one."""
    return records.latest_totals(db, [p.id for p in patients], "phq9")


def add_diagnosis(
    db: Session, actor: Actor, patient: Patient, code: str, now: datetime
) -> Diagnosis:
    """Record a clinician's ICD-10-CM diagnosis (validated against the code list)."""
    found = icd10.lookup(code or "")
    if found is None:
        raise RecordError("code", "is not one of the accepted ICD-10-CM codes (for example F33.1)")
    diagnosis = Diagnosis(
        patient_id=patient.id,
        clinic_id=patient.clinic_id,
        code=found.code,
        source="clinician",
        created_by=actor.user_id,
        created_at=now,
    )
    db.add(diagnosis)
    db.flush()
    audit.record(
        db,
        now,
        "patient.add_diagnosis",
        actor.who,
        patient_id=patient.id,
        target=f"diagnosis:{diagnosis.id}",
        detail={"code": found.code},
    )
    return diagnosis


def remove_diagnosis(
    db: Session, actor: Actor, patient: Patient, diagnosis: Diagnosis, now: datetime
) -> None:
    """Remove a diagnosis entered in error."""
    db.delete(diagnosis)
    audit.record(
        db,
        now,
        "patient.remove_diagnosis",
        actor.who,
        patient_id=patient.id,
        target=f"diagnosis:{diagnosis.id}",
        detail={"code": diagnosis.code},
    )


def _optional_int(data: dict[str, Any], field: str, low: int, high: int) -> int | None:
    raw = data.get(field)
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError as exc:
        raise RecordError(field, "must be a whole number") from exc
    if not low <= value <= high:
        raise RecordError(field, f"must be between {low} and {high}")
    return value


def _tri(data: dict[str, Any], field: str) -> bool | None:
    value = data.get(field)
    if value in (None, "", "unknown"):
        return None
    if value not in ("yes", "no"):
        raise RecordError(field, "must be yes, no or unknown")
    return bool(value == "yes")


def parse_trial(data: dict[str, Any]) -> dict[str, Any]:
    """A trial form's fields as stored values (what decides adequacy)."""
    drug = str(data.get("drug") or "").strip()
    if not drug:
        raise RecordError("drug", "is required")
    adherence = data.get("adherence") or None
    if adherence not in (None, *ADHERENCE):
        raise RecordError("adherence", "must be good, fair or poor")
    outcome = data.get("outcome") or None
    if outcome not in (None, *OUTCOMES):
        raise RecordError("outcome", "must be one of " + ", ".join(OUTCOMES))
    return {
        "drug": drug[:100],
        "dose": str(data.get("dose") or "").strip()[:100] or None,
        "therapeutic_dose": _tri(data, "therapeutic_dose"),
        "weeks": _optional_int(data, "weeks", 0, 520),
        "adherence": adherence,
        "outcome": outcome,
    }


def add_trial(
    db: Session, actor: Actor, patient: Patient, data: dict[str, Any], now: datetime
) -> MedicationTrial:
    """Record a medication trial with what decides its adequacy."""
    trial = MedicationTrial(
        patient_id=patient.id,
        clinic_id=patient.clinic_id,
        source="clinician",
        created_at=now,
        **parse_trial(data),
    )
    db.add(trial)
    db.flush()
    audit.record(
        db,
        now,
        "patient.add_trial",
        actor.who,
        patient_id=patient.id,
        target=f"trial:{trial.id}",
    )
    return trial


def trial_adequate(trial: MedicationTrial) -> bool | None:
    """Whether a stored trial was adequate (the domain's rule, on this row)."""
    return Trial(
        name=trial.drug,
        reported_adequate=trial.reported_adequate,
        therapeutic_dose=trial.therapeutic_dose,
        weeks=trial.weeks,
        adherence=trial.adherence,
        outcome=trial.outcome,
    ).adequate


def confirm_answers(
    db: Session, actor: Actor, patient: Patient, data: dict[str, Any], now: datetime
) -> int:
    """Store the clinician-confirmed value of each answer sent; returns how many changed."""
    rows = {
        a.key: a
        for a in db.scalars(select(ScreeningAnswer).where(ScreeningAnswer.patient_id == patient.id))
    }
    changed = 0
    for key, value in parse_confirmed(data).items():
        row = rows.get(key)
        if row is None:
            row = ScreeningAnswer(
                patient_id=patient.id, clinic_id=patient.clinic_id, key=key, reported=None
            )
            db.add(row)
        if row.confirmed != value or row.confirmed_by is None:
            if row.confirmed is not None and row.confirmed != value:
                # A correction of a confirmed value: keep what it was, who and when.
                db.add(
                    RecordChange(
                        patient_id=patient.id,
                        clinic_id=patient.clinic_id,
                        kind="answer",
                        target=key,
                        action="correct",
                        before={"confirmed": row.confirmed},
                        after={"confirmed": value},
                        changed_by=actor.user_id,
                        changed_at=now,
                    )
                )
            row.confirmed, row.confirmed_by, row.confirmed_at = value, actor.user_id, now
            changed += 1
    audit.record(
        db,
        now,
        "patient.confirm_answers",
        actor.who,
        patient_id=patient.id,
        detail={"changed": changed},
    )
    return changed


def record_phq9(
    db: Session, actor: Actor, patient: Patient, items: list[int], now: datetime
) -> None:
    """Record a clinician-administered PHQ-9 (nine items, each 0..3) as an administration."""
    phq9 = instruments.get("phq9")
    try:
        phq9.total(items)
    except ValueError as exc:
        raise RecordError("phq9", f"needs all {len(phq9.items)} items, each 0 to 3") from exc
    given = measurement.AdministrationCreate(
        instrument="phq9", answers=items, administered_at=now, source="clinician"
    )
    measurement.record_administration(db, patient, given, now, actor.who, actor.user_id)
