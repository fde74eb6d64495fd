"""Drafts: an anonymous person's questionnaire answers between steps, kept in the database.

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
from trdnav.storage.models import AidDraft

AID_COOKIE = "trdnav_aid"
COOKIE_PATH = "/"  # a __Host- cookie must have Path=/
IDLE = timedelta(hours=2)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random draft token for the cookie."""
    return secrets.token_urlsafe(32)


def load(db: Session, token: str | None, now: datetime) -> dict[str, Raw] | None:
    """The raw answers of a live (not expired) draft, or None."""
    if not token or len(token) > 200:
        return None
    row = db.get(AidDraft, _hash(token))
    if row is None or row.updated_at < now - IDLE:
        return None
    answers: dict[str, Raw] = dict(row.answers)
    return answers


def save_step(db: Session, token: str, step: str, raw: Raw, now: datetime) -> None:
    """Store one step's raw answers (creating the draft if needed); commits."""
    key = _hash(token)
    row = db.get(AidDraft, key, with_for_update=True)
    if row is None or row.updated_at < now - IDLE:
        if row is not None:
            db.delete(row)
            db.flush()
        row = AidDraft(token_hash=key, answers={}, created_at=now, updated_at=now)
        db.add(row)
    answers: dict[str, Any] = dict(row.answers)
    answers[step] = raw
    row.answers = answers  # reassign: JSON columns do not track in-place changes
    row.updated_at = now
    db.commit()


def consultation_key(
    db: Session, token: str | None, now: datetime, *, renew: bool = False
) -> str | None:
    """The idempotency key of the consultation form for this draft (made once; commits).

    It lives with the answers, not with one render of the page: Back, then Send again,
    reuses it and stores no second request. `renew` replaces it (the person changed the form
    after sending, so this is a new request). None without a live draft.
    """
    if not token or len(token) > 200:
        return None
    row = db.get(AidDraft, _hash(token), with_for_update=True)
    if row is None or row.updated_at < now - IDLE:
        return None
    if row.consultation_key is None or renew:
        row.consultation_key = secrets.token_urlsafe(24)
        db.commit()
    return row.consultation_key


def forget(db: Session, token: str | None) -> None:
    """Delete a person's answers now (the "delete my answers" button); commits."""
    if token:
        db.execute(delete(AidDraft).where(AidDraft.token_hash == _hash(token)))
        db.commit()


def purge_expired(db: Session, now: datetime) -> int:
    """Delete every draft idle for longer than two hours; returns how many; commits."""
    result = db.execute(delete(AidDraft).where(AidDraft.updated_at < now - IDLE))
    db.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def current_answers(db: Session, token: str | None, now: datetime) -> AssessmentRequest | None:
    """The person's answers as a contract request, or None (no draft, expired, or incomplete)."""
    answers = load(db, token, now)
    return None if answers is None else to_request(answers)


__all__ = ["AID_COOKIE", "current_answers", "forget", "load", "new_token", "save_step"]
