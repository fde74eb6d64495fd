"""Workspace triage of consultation requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from trdnav.storage.models.base import Base
from trdnav.storage.types import UTCDateTime


class ConsultationTriage(Base):
    """Workspace state of a consultation request: who handles it, the patient it became."""

    __tablename__ = "ws_consultation_triage"
    request_id: Mapped[str] = mapped_column(
        ForeignKey("consultation_requests.id"), primary_key=True
    )
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("ws_users.id"))
    patient_id: Mapped[str | None] = mapped_column(String(36))
    consult_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when "consult scheduled"
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
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
