"""Patient records: demographics, diagnoses, trials, screening answers, candidacy decisions.

Every row that holds health data carries `clinic_id`, so the one access helper
(`trdnav.platform.access`) can refuse anything outside the signed-in user's clinic."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from trdnav.storage.models.base import Base
from trdnav.storage.types import UTCDateTime


class Patient(Base):
    """A patient record of one clinic. Holds PHI."""

    __tablename__ = "ws_patients"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random UUID
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    consultation_request_id: Mapped[str | None] = mapped_column(
        ForeignKey("consultation_requests.id")
    )
    name: Mapped[str] = mapped_column(String(200))
    # As the clinic API receives them (c001); `name` stays the one name shown everywhere.
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex_at_birth: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(Text)
    reported_conditions: Mapped[list[str] | None] = mapped_column(JSON)
    preferences: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    insurance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    logistics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Optimistic concurrency (e001): every UPDATE says "WHERE version = the one I read", so two
    # staff saving the same record at once cannot silently overwrite each other.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    # The chart (e001): the MRN is clinic-assigned and unique within the clinic.
    mrn: Mapped[str | None] = mapped_column(String(32))
    insurer: Mapped[str | None] = mapped_column(String(100))
    insurance_member_id: Mapped[str | None] = mapped_column(String(64))
    referring_clinician: Mapped[str | None] = mapped_column(String(200))
    pharmacy: Mapped[str | None] = mapped_column(String(200))
    emergency_contact: Mapped[str | None] = mapped_column(String(200))
    preferred_language: Mapped[str | None] = mapped_column(String(64))
    # A duplicate merged into another record keeps its id (old links redirect) but nothing else.
    merged_into_id: Mapped[str | None] = mapped_column(
        ForeignKey("ws_patients.id", name="fk_ws_patients_merged_into")
    )
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (UniqueConstraint("clinic_id", "mrn", name="uq_ws_patients_clinic_mrn"),)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Diagnosis(Base):
    """An ICD-10-CM diagnosis on a patient record."""

    __tablename__ = "ws_diagnoses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    code: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))  # reported | clinician
    created_by: Mapped[int | None] = mapped_column(ForeignKey("ws_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MedicationTrial(Base):
    """One antidepressant trial in the current episode, with what decides its adequacy."""

    __tablename__ = "ws_medication_trials"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    drug: Mapped[str] = mapped_column(String(100))
    dose: Mapped[str | None] = mapped_column(String(100))
    dose_mg_per_day: Mapped[float | None] = mapped_column(Float)
    therapeutic_dose: Mapped[bool | None] = mapped_column(Boolean)
    weeks: Mapped[int | None] = mapped_column(Integer)
    adherence: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(32))
    reported_adequate: Mapped[bool | None] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(16))  # reported | clinician
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # optimistic concurrency
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Administration(Base):
    """One completed instrument (PHQ-9, GAD-7): item scores where known, total, when, by whom."""

    __tablename__ = "ws_administrations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(16))
    items: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    total: Mapped[int] = mapped_column(Integer)
    administered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    source: Mapped[str] = mapped_column(String(16))  # reported | clinician | patient
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("ws_users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The course it measures (m001): baselines and end scores of a course are linked to it.
    course_id: Mapped[str | None] = mapped_column(
        ForeignKey("courses.id"), nullable=True, index=True
    )


class ScreeningAnswer(Base):
    """One screening answer: what the patient reported beside what a clinician confirmed."""

    __tablename__ = "ws_screening_answers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    key: Mapped[str] = mapped_column(String(64))  # dotted path of the assessment request
    reported: Mapped[Any] = mapped_column(JSON, nullable=True)  # null: not answered
    confirmed: Mapped[Any] = mapped_column(JSON, nullable=True)  # null: not yet confirmed
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("ws_users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (UniqueConstraint("patient_id", "key"),)


class CandidacyDecision(Base):
    """A prescriber's candidacy decision for one option; the newest per option is current."""

    __tablename__ = "ws_candidacy_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    option_id: Mapped[str] = mapped_column(String(32))
    engine_candidacy: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(32))
    overrides_engine: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    evidence_version: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[int] = mapped_column(ForeignKey("ws_users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RecordChange(Base):
    """One correction of a record: who changed what, when and why, with the values before and
    after (a removed trial or a cleared answer lives on here)."""

    __tablename__ = "ws_record_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    kind: Mapped[str] = mapped_column(String(32))  # demographics | chart | trial | answer | merge
    target: Mapped[str | None] = mapped_column(String(64))  # trial:7, answer key, ...
    action: Mapped[str] = mapped_column(String(16))  # update | correct | remove | clear | merge
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("ws_users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PlanChoice(Base):
    """The prescriber's chosen plan after the per-option decisions; the newest is current."""

    __tablename__ = "ws_plan_choices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    option_id: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int] = mapped_column(ForeignKey("ws_users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
