"""Safety alerts of the workspace: raised by a risk (PHQ-9 item 9, a seizure, a blood pressure
above the clinic's hard stop, a serious adverse event), open until a clinician records the
follow-up. The row holds what and when; the clinical detail stays in the record it came from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trdnav.storage.models.base import Base
from trdnav.storage.types import UTCDateTime


class SafetyAlert(Base):
    """One safety alert about one patient of one clinic. Holds PHI (who, and what kind)."""

    __tablename__ = "ws_safety_alerts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("ws_patients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(16))  # urgent | prompt
    # Where it came from, as "<record kind>:<id>" (an administration, a session record).
    source: Mapped[str] = mapped_column(String(80))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    raised_by: Mapped[int | None] = mapped_column(ForeignKey("ws_users.id"))  # None: the patient
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("ws_users.id"))
    follow_up: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_ws_safety_alerts_open", "clinic_id", "closed_at"),)
