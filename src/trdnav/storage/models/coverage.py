"""Prior-authorization requests and their status history.

A request asks one payer to cover one option for one patient under one policy (a data file
id). Its current status and the payer's answer (reference number, authorized units, period)
live on the row; every status change is also an event with its date, so the history stays
readable. Rows carry `clinic_id` for the one access helper."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trdnav.storage.models.base import Base
from trdnav.storage.types import UTCDateTime


class PriorAuthorization(Base):
    """A prior-authorization request (draft until submitted). Holds PHI."""

    __tablename__ = "ws_prior_authorizations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random UUID
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    option_id: Mapped[str] = mapped_column(String(32))
    policy_id: Mapped[str] = mapped_column(String(48))
    payer: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), index=True)
    status_on: Mapped[date] = mapped_column(Date)  # the date of the current status
    # A request for more sessions after an approval (continuation) names that approval.
    continuation_of: Mapped[str | None] = mapped_column(ForeignKey("ws_prior_authorizations.id"))
    requested_units: Mapped[int | None] = mapped_column(Integer)
    planned_codes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{code, units}]
    diagnosis_codes: Mapped[list[str]] = mapped_column(JSON)
    ordering_clinician: Mapped[str | None] = mapped_column(String(200))
    ordering_psychiatrist: Mapped[bool | None] = mapped_column(Boolean)
    pdmp_checked_on: Mapped[date | None] = mapped_column(Date)
    course_start: Mapped[date | None] = mapped_column(Date)
    reference_number: Mapped[str | None] = mapped_column(String(64))
    authorized_units: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("ws_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuthorizationEvent(Base):
    """One status of a prior-authorization request, with its date and who recorded it."""

    __tablename__ = "ws_authorization_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    authorization_id: Mapped[str] = mapped_column(
        ForeignKey("ws_prior_authorizations.id"), index=True
    )
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    status: Mapped[str] = mapped_column(String(16))
    effective_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("ws_users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
