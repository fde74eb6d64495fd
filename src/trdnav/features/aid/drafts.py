"""Anonymous aid sessions: the questionnaire's answers between steps, kept in the database.

Why a database row and not hidden fields or process memory: answers must survive across
several worker processes and hosts (scale-out), must never sit in a URL, and a person must be
able to delete them. The browser holds only a random token in an HttpOnly cookie; the row is
keyed by the token's SHA-256 and expires after two idle hours.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from trdnav.domain.requests import AssessmentRequest
from trdnav.features.aid.answers import to_request
from trdnav.features.aid.steps import Raw
from trdnav.storage.models import AidSession

AID_COOKIE = "trdnav_aid"
COOKIE_PATH = "/aid"
IDLE = timedelta(hours=2)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random session token for the cookie."""
    return secrets.token_urlsafe(32)


def load(session: Session, token: str | None, now: datetime) -> dict[str, Raw] | None:
    """The raw answers of a live (not expired) aid session, or None."""
    if not token or len(token) > 200:
        return None
    row = session.get(AidSession, _hash(token))
    if row is None or row.updated_at < now - IDLE:
        return None
    answers: dict[str, Raw] = dict(row.answers)
    return answers


def save_step(session: Session, token: str, step: str, raw: Raw, now: datetime) -> None:
    """Store one step's raw answers (creating the session row if needed); commits."""
    key = _hash(token)
    row = session.get(AidSession, key, with_for_update=True)
    if row is None or row.updated_at < now - IDLE:
        if row is not None:
            session.delete(row)
            session.flush()
        row = AidSession(token_hash=key, answers={}, created_at=now, updated_at=now)
        session.add(row)
    answers: dict[str, Any] = dict(row.answers)
    answers[step] = raw
    row.answers = answers  # reassign: JSON columns do not track in-place changes
    row.updated_at = now
    session.commit()


def forget(session: Session, token: str | None) -> None:
    """Delete a person's answers now (the "delete my answers" button); commits."""
    if token:
        session.execute(delete(AidSession).where(AidSession.token_hash == _hash(token)))
        session.commit()


def purge_expired(session: Session, now: datetime) -> int:
    """Delete every session idle for longer than two hours; returns how many; commits."""
    result = session.execute(delete(AidSession).where(AidSession.updated_at < now - IDLE))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def current_answers(session: Session, token: str | None, now: datetime) -> AssessmentRequest | None:
    """The person's answers as a contract request, or None (no session, expired, or incomplete)."""
    answers = load(session, token, now)
    return None if answers is None else to_request(answers)


__all__ = ["AID_COOKIE", "current_answers", "forget", "load", "new_token", "save_step"]
