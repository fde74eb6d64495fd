"""Tables of the patient decision aid: drafts (an anonymous person's answers between steps)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from trdnav.storage.models.base import Base
from trdnav.storage.types import UTCDateTime


class AidDraft(Base):
    """One anonymous person's questionnaire in progress. Holds PHI; deleted on request or expiry.

    Only a SHA-256 of the cookie token is stored, so a database copy cannot be replayed as
    a browser's draft.
    """

    __tablename__ = "aid_drafts"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # a001: the consultation form's idempotency key, kept with the answers it would send, so a
    # second render of the form (Back, then Send) reuses it and stores no duplicate.
    consultation_key: Mapped[str | None] = mapped_column(String(64))
