"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from trdnav.storage.models.base import Base
from trdnav.storage.types import UTCDateTime


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
    # The HMAC key that signs the entry (the key itself lives outside the database);
    # NULL for entries written before keyed hashing (plain SHA-256, reported as legacy).
    key_id: Mapped[str | None] = mapped_column(String(16))


class AuditHead(Base):
    """The chain head (one row): appends lock it, and verify checks the tail was not cut off."""

    __tablename__ = "ws_audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
