"""Clinic workspace tables: staff accounts, sessions, audit trail, inbox triage, patient records.

Every row that holds health data carries `clinic_id`, so the one access helper
(`trdnav.services.access`) can refuse anything outside the signed-in user's clinic.
"""

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

from trdnav.storage.models import Base
from trdnav.storage.sealed import SealedString
from trdnav.storage.types import UTCDateTime


class User(Base):
    """A staff account. Email is stored lower-case; the password only as an argon2id hash."""

    __tablename__ = "ws_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(SealedString())  # encrypted at rest
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # refuses a replayed code
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Membership(Base):
    """A user's role in one clinic; a user may belong to several clinics."""

    __tablename__ = "ws_memberships"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ws_users.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    __table_args__ = (UniqueConstraint("user_id", "clinic_id"),)


class RecoveryCode(Base):
    """A single-use two-factor recovery code, stored as an argon2id hash."""

    __tablename__ = "ws_recovery_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ws_users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuthSession(Base):
    """A server-side session; the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "ws_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ws_users.id"), index=True)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id"))
    mfa_done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ResetToken(Base):
    """A single-use password reset token (SHA-256 only), valid for a short time."""

    __tablename__ = "ws_reset_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ws_users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """One append-only audit entry, hash-chained to the one before it. Ids only, never PHI."""

    __tablename__ = "ws_audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str | None] = mapped_column(String(32))
    clinic_id: Mapped[int | None] = mapped_column(Integer, index=True)
    patient_id: Mapped[str | None] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(16))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain head (one row): appends lock it, and verify checks the tail was not cut off."""

    __tablename__ = "ws_audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class ConsultationTriage(Base):
    """Workspace state of a consultation request: who handles it, the patient it became."""

    __tablename__ = "ws_consultation_triage"
    request_id: Mapped[str] = mapped_column(
        ForeignKey("consultation_requests.id"), primary_key=True
    )
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("ws_users.id"))
    patient_id: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConsultationNote(Base):
    """A staff note on a consultation request."""

    __tablename__ = "ws_consultation_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("consultation_requests.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    author_user_id: Mapped[int] = mapped_column(ForeignKey("ws_users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Patient(Base):
    """A patient record of one clinic. Holds PHI."""

    __tablename__ = "ws_patients"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random UUID
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    consultation_request_id: Mapped[str | None] = mapped_column(
        ForeignKey("consultation_requests.id")
    )
    name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    age_reported: Mapped[int | None] = mapped_column(Integer)
    sex_at_birth: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(Text)
    reported_conditions: Mapped[list[str] | None] = mapped_column(JSON)
    baseline_phq9_items: Mapped[list[int] | None] = mapped_column(JSON)
    baseline_phq9_total: Mapped[int | None] = mapped_column(Integer)
    baseline_phq9_source: Mapped[str | None] = mapped_column(String(16))  # reported | clinician
    preferences: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    insurance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    logistics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


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


class ScreeningAnswer(Base):
    """One screening answer: what the patient reported beside what a clinician confirmed."""

    __tablename__ = "ws_screening_answers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    key: Mapped[str] = mapped_column(String(64))  # dotted path of the assessment request
    reported: Mapped[Any] = mapped_column(JSON)
    confirmed: Mapped[Any] = mapped_column(JSON)
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
