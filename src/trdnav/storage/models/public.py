"""Tables shared across features: clinics, consultation requests, idempotency, rate limits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trdnav.storage.models.base import Base
from trdnav.storage.types import UTCDateTime


class Clinic(Base):
    """A clinic in this deployment; its configuration file is keyed by `slug`."""

    __tablename__ = "clinics"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConsultationRequest(Base):
    """A person's request to be contacted (contract consultation requests v1). Holds PHI."""

    __tablename__ = "consultation_requests"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random UUID, public
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    status: Mapped[str] = mapped_column(String(32), default="new", index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))  # E.164
    preferred_contact: Mapped[str | None] = mapped_column(String(16))
    message: Mapped[str | None] = mapped_column(Text)
    consent_to_contact: Mapped[bool] = mapped_column(Boolean)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the request answers
    evidence_version: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    clinic_notice_pending: Mapped[bool] = mapped_column(Boolean, default=False)  # p101: retry mail
    # a001: the suicide-risk alert's urgency from the answers ("urgent" | "prompt"), else None.
    urgency: Mapped[str | None] = mapped_column(String(16))
    guardian_name: Mapped[str | None] = mapped_column(String(200))  # a001: for someone under 18


class IdempotencyKey(Base):
    """First response to a (scope, key); a retry with the same body gets it back unchanged."""

    __tablename__ = "idempotency_keys"
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class RateLimitHit(Base):
    """One counted event for a bucket (client or account); windows are counted in SQL."""

    __tablename__ = "rate_limit_hits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bucket: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_rate_limit_hits_bucket_at", "bucket", "at"),)
