"""Scheduling: the clinic's stored configuration, its resources, courses and their sessions.

Invariants the database itself keeps (migration c001): on PostgreSQL two exclusion constraints
refuse a resource or a patient holding two overlapping occupying sessions, whoever writes; on
SQLite the booking service checks overlaps inside its BEGIN IMMEDIATE transaction (one writer
at a time), so the check and the write cannot interleave with another booking.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trdnav.storage.models.base import Base
from trdnav.storage.types import UTCDateTime

# Statuses of a session that hold its resource and its patient.
OCCUPYING = ("booked", "delivered")


class ClinicSettings(Base):
    """A clinic's configuration file as registered (hours, resources, templates...)."""

    __tablename__ = "clinic_settings"
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), primary_key=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Resource(Base):
    """A chair, device or room a session holds; registered from the clinic's configuration."""

    __tablename__ = "resources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))  # the id in the clinic's TOML
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    coil: Mapped[str | None] = mapped_column(String(16))
    options: Mapped[list[str]] = mapped_column(JSON)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (Index("ux_resources_clinic_key", "clinic_id", "key", unique=True),)


class Course(Base):
    """A patient's course of one option, planned from a template. Holds PHI (who, what)."""

    __tablename__ = "courses"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    option: Mapped[str] = mapped_column(String(32))
    template_id: Mapped[str] = mapped_column(String(64))
    # The template as booked (lengths and limits): later changes obey the rules it was booked by.
    template: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # booked | completed | discontinued
    status_reason: Mapped[str | None] = mapped_column(Text)
    start_on: Mapped[date] = mapped_column(Date)
    preferred_time: Mapped[str | None] = mapped_column(String(5))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("ws_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CourseSession(Base):
    """One session (treatment visit) of a course on one resource."""

    __tablename__ = "course_sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"))
    number: Mapped[int] = mapped_column(Integer)
    phase: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # booked | delivered | missed | cancelled | released (by a course's end)
    status: Mapped[str] = mapped_column(String(16))
    makeup_of: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    __table_args__ = (
        Index("ix_course_sessions_resource_time", "resource_id", "starts_at"),
        Index("ix_course_sessions_clinic_time", "clinic_id", "starts_at"),
    )


class WaitlistEntry(Base):
    """A patient waiting to start a course of one option."""

    __tablename__ = "waitlist_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    option: Mapped[str] = mapped_column(String(32))
    earliest_start: Mapped[date] = mapped_column(Date)
    priority: Mapped[int] = mapped_column(Integer, default=1)
    available: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # waiting | booked | removed
    course_id: Mapped[str | None] = mapped_column(ForeignKey("courses.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A staff member's API token for one clinic: only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ws_users.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
