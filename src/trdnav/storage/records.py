"""The repository of clinical records: rows of one patient <-> `domain.record.ClinicalRecord`.

Services read and change a record through these functions only, so the mapping between tables
and the domain's record lives in one place. The caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain import record as domain
from trdnav.domain.codes import icd10
from trdnav.domain.requests import Insurance, Logistics, Preferences
from trdnav.storage.models import (
    Administration,
    Diagnosis,
    MedicationTrial,
    Patient,
    ScreeningAnswer,
)


def load_record(db: Session, patient: Patient) -> domain.ClinicalRecord:
    """The patient's clinical record as the domain sees it."""
    rows = db.scalars(select(ScreeningAnswer).where(ScreeningAnswer.patient_id == patient.id))
    answers = {r.key: domain.Answer(reported=r.reported, confirmed=r.confirmed) for r in rows}
    diagnoses = [
        domain.Diagnosis(code=row.code, source=row.source)
        for row in db.scalars(
            select(Diagnosis).where(Diagnosis.patient_id == patient.id).order_by(Diagnosis.id)
        )
    ]
    trials = [
        domain.Trial(
            name=row.drug,
            source=row.source,
            reported_adequate=row.reported_adequate,
            therapeutic_dose=row.therapeutic_dose,
            weeks=row.weeks,
            adherence=row.adherence,
            outcome=row.outcome,
        )
        for row in trial_rows(db, patient)
    ]
    administrations = [
        domain.Administration(
            instrument=row.instrument,
            items=row.items,
            total=row.total,
            administered_at=row.administered_at,
            source=row.source,
        )
        for row in administration_rows(db, patient)
    ]
    return domain.ClinicalRecord.model_validate(
        {
            "birth_date": patient.date_of_birth,
            "reported_conditions": patient.reported_conditions or [],
            "diagnoses": diagnoses,
            "answers": answers,
            "trials": trials,
            "administrations": administrations,
            "preferences": Preferences.model_validate(patient.preferences or {}),
            "insurance": Insurance.model_validate(patient.insurance or {}),
            "logistics": Logistics.model_validate(patient.logistics or {}),
        }
    )


def trial_rows(db: Session, patient: Patient) -> list[MedicationTrial]:
    """The patient's medication trials, oldest first."""
    stmt = (
        select(MedicationTrial)
        .where(MedicationTrial.patient_id == patient.id)
        .order_by(MedicationTrial.id)
    )
    return list(db.scalars(stmt))


def administration_rows(
    db: Session, patient: Patient, instrument: str | None = None
) -> list[Administration]:
    """The patient's administrations, oldest first (undated ones first)."""
    stmt = select(Administration).where(Administration.patient_id == patient.id)
    if instrument is not None:
        stmt = stmt.where(Administration.instrument == instrument)
    return sorted(db.scalars(stmt), key=_order)


def latest_totals(db: Session, patient_ids: list[str], instrument: str) -> dict[str, int]:
    """Each patient's latest total of an instrument (patients without one are left out)."""
    if not patient_ids:
        return {}
    rows = db.execute(
        select(Administration).where(
            Administration.patient_id.in_(patient_ids), Administration.instrument == instrument
        )
    ).scalars()
    best: dict[str, Administration] = {}
    for row in rows:
        here = best.get(row.patient_id)
        if here is None or _order(row) > _order(here):
            best[row.patient_id] = row
    return {pid: row.total for pid, row in best.items()}


def _order(row: Administration) -> tuple[bool, datetime, int]:
    return (row.administered_at is not None, row.administered_at or datetime.min, row.id)


def add_administration(
    db: Session,
    patient: Patient,
    given: domain.Administration,
    now: datetime,
    entered_by: int | None = None,
) -> Administration:
    """Store one administration of an instrument for the patient."""
    row = Administration(
        patient_id=patient.id,
        clinic_id=patient.clinic_id,
        instrument=given.instrument,
        items=None if given.items is None else list(given.items),
        total=given.total,
        administered_at=given.administered_at,
        source=given.source,
        entered_by=entered_by,
        created_at=now,
    )
    db.add(row)
    return row


def add_reported_record(
    db: Session, patient: Patient, record: domain.ClinicalRecord, now: datetime
) -> None:
    """Store what a person reported (a converted consultation request) on a new patient row.

    Every answer key gets a row, answered or not, so the record page can show each question
    with "not asked" beside the clinician's confirmation.
    """
    patient.reported_conditions = list(record.reported_conditions)
    patient.preferences = record.preferences.model_dump(exclude_none=True) or None
    patient.insurance = record.insurance.model_dump(exclude_none=True) or None
    patient.logistics = record.logistics.model_dump(exclude_none=True) or None
    for key in domain.ANSWER_KEYS:
        db.add(
            ScreeningAnswer(
                patient_id=patient.id,
                clinic_id=patient.clinic_id,
                key=key,
                reported=record.answer(key),
                confirmed=None,
            )
        )
    for condition in record.reported_conditions:
        code = icd10.for_reported_condition(condition)
        if code is not None:
            db.add(
                Diagnosis(
                    patient_id=patient.id,
                    clinic_id=patient.clinic_id,
                    code=code.code,
                    source="reported",
                    created_at=now,
                )
            )
    for trial in record.trials or []:
        db.add(
            MedicationTrial(
                patient_id=patient.id,
                clinic_id=patient.clinic_id,
                drug=trial.name,
                reported_adequate=trial.reported_adequate,
                outcome=trial.outcome,
                source="reported",
                created_at=now,
            )
        )
    for administration in record.administrations:
        add_administration(db, patient, administration, now)
