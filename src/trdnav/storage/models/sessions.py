"""Session records (issue 9): what was delivered at a session, append-only with versions, and
the esketamine REMS duties (the patient's enrolment, one monitoring form per session).

A correction is a new row with the next `version`, who, when and why; no row is ever updated.
The detail is the validated record (JSON, one Pydantic model per kind); what is queried
(kind, when, dose, motor threshold measured, discharge) has its own columns.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trdnav.storage.models.base import Base
from trdnav.storage.types import UTCDateTime


class SessionRecord(Base):
    """One version of the record of one delivered session. Holds PHI."""

    __tablename__ = "session_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    session_id: Mapped[str] = mapped_column(ForeignKey("course_sessions.id"))
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # tms | iv_ketamine | esketamine
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dose_mg: Mapped[float | None] = mapped_column(Float)
    mt_measured: Mapped[bool] = mapped_column(Boolean, default=False)
    discharged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[int] = mapped_column(ForeignKey("ws_users.id"))
    reason: Mapped[str | None] = mapped_column(Text)  # why a version 2, 3 ... corrects
    __table_args__ = (
        Index("ux_session_records_version", "session_id", "version", unique=True),
        Index("ix_session_records_clinic_time", "clinic_id", "delivered_at"),
    )


class RemsEnrolment(Base):
    """A patient's enrolment in the Spravato REMS (required before the first dose)."""

    __tablename__ = "rems_enrolments"
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    enrolled_on: Mapped[date] = mapped_column(Date)
    rems_patient_id: Mapped[str | None] = mapped_column(String(40))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("ws_users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RemsForm(Base):
    """The REMS Patient Monitoring Form of one esketamine session: due 7 days after it."""

    __tablename__ = "rems_forms"
    session_id: Mapped[str] = mapped_column(ForeignKey("course_sessions.id"), primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    session_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("ws_users.id"))
    reference: Mapped[str | None] = mapped_column(String(80))
    __table_args__ = (Index("ix_rems_forms_queue", "clinic_id", "submitted_at", "due_on"),)
