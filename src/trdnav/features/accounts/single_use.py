"""Single-use credentials, spent atomically: a TOTP step, a recovery code, a reset link, a
pending login.

Each is consumed with one conditional UPDATE whose row count says whether this request won:
on PostgreSQL a concurrent request waits for the winner's row lock, re-reads the row and finds
it spent; on SQLite writers are serialized by BEGIN IMMEDIATE. So the same code fired from eight
browsers at once opens exactly one login.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

import pyotp
from sqlalchemy import CursorResult, or_, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from trdnav.storage.models import Login, RecoveryCode, ResetToken, User


def _won(result: Any) -> bool:
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def totp_step(user: User, code: str, now: datetime) -> int | None:
    """The 30 s step (previous, current or next) a code belongs to, not yet used; else None."""
    if not user.totp_secret:
        return None
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue  # already used: a replayed or older code
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def consume_totp(db: Session, user: User, code: str, now: datetime) -> bool:
    """True when the code is valid and this request spent its step (each step works once)."""
    step = totp_step(user, code, now)
    if step is None:
        return False
    result = db.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if not _won(result):
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def consume_recovery_code(db: Session, user_id: int, code_hash: str, now: datetime) -> bool:
    """True when an unused recovery code with this hash existed and this request spent it."""
    result = db.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == code_hash,
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return _won(result)


def consume_reset(db: Session, row: ResetToken, now: datetime) -> bool:
    """True when the reset link was still unused and unexpired and this request spent it."""
    result = db.execute(
        update(ResetToken)
        .where(
            ResetToken.id == row.id,
            ResetToken.used_at.is_(None),
            ResetToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if not _won(result):
        return False
    set_committed_value(row, "used_at", now)
    return True


def end_pending(db: Session, pending: Login, now: datetime) -> bool:
    """Revoke a login once; False when another request already ended (or promoted) it."""
    result = db.execute(
        update(Login)
        .where(Login.id == pending.id, Login.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    if not _won(result):
        return False
    set_committed_value(pending, "revoked_at", now)
    return True
