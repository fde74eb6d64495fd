"""Self-report links: a patient answers an instrument without an account, once, before expiry.

Only the SHA-256 of the link's random token is stored; the token itself travels in the URL sent
to the patient and nowhere else."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from trdnav.storage.models.base import Base
from trdnav.storage.types import UTCDateTime


class MeasureLink(Base):
    """One single-use, expiring link for one patient to answer one instrument."""

    __tablename__ = "measure_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(16))
    course_id: Mapped[str | None] = mapped_column(ForeignKey("courses.id"), nullable=True)
    # Why it was sent: "staff", or the course schedule's point ("baseline", "week:2", "end").
    purpose: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("ws_users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    administration_id: Mapped[int | None] = mapped_column(
        ForeignKey("ws_administrations.id"), nullable=True
    )


class CourseOutcome(Base):
    """A course's PHQ-9 baseline and end score as the outcomes dashboard counts them, with the
    course's option, status and start, kept up to date whenever a score linked to the course is
    recorded or the course ends (the dashboard reads these rows only, never the
    administrations or the courses)."""

    __tablename__ = "measure_course_outcomes"
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    option: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # the course's, copied at each refresh
    start_on: Mapped[date] = mapped_column(Date)
    first_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    baseline_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    __table_args__ = (
        Index("ix_measure_course_outcomes_clinic", "clinic_id", "status", "option", "start_on"),
    )


class OutcomeDay(Base):
    """The outcome counts of one clinic's courses of one option that started on one day: what
    the dashboard sums (a few rows per option and day, never one per course)."""

    __tablename__ = "measure_outcome_days"
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), primary_key=True)
    option: Mapped[str] = mapped_column(String(32), primary_key=True)
    start_on: Mapped[date] = mapped_column(Date, primary_key=True)
    courses: Mapped[int] = mapped_column(Integer)  # completed, with a baseline and an end score
    responses: Mapped[int] = mapped_column(Integer)
    remissions: Mapped[int] = mapped_column(Integer)
    dropouts: Mapped[int] = mapped_column(Integer)
    not_measured: Mapped[int] = mapped_column(Integer)
