"""Second factor, password change and emailed password reset (the rest of signing in)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trdnav.features.accounts import auth, single_use, throttle
from trdnav.features.accounts.passwords import (
    WeakPassword,
    check_policy,
    hash_password,
    verify_password,
)
from trdnav.platform import audit
from trdnav.platform.audit import Who
from trdnav.platform.settings import Settings
from trdnav.storage.models import Login, ResetToken, User


@dataclass(frozen=True)
class Step:
    """Outcome of a step: a new login token, recovery codes to show once, or an error."""

    token: str | None = None
    error: str | None = None
    recovery_codes: list[str] = field(default_factory=list)


ALREADY_DONE = "This sign-in was already completed or has ended. Sign in again."


def finish_second_factor(
    db: Session,
    settings: Settings,
    pending: Login,
    code: str,
    ip: str | None,
    now: datetime,
) -> Step:
    """Verify a TOTP or recovery code; rotate the pending login into a full one."""
    user = db.get(User, pending.user_id)
    assert user is not None
    who = Who(user.id, user.email, ip=ip)
    paused = throttle.wait(db, settings, throttle.SECOND_FACTOR, user.email, ip, now)
    if paused:
        audit.record(db, now, "auth.login_refused", who, outcome="denied")
        return Step(error=throttle.locked_message(paused))
    used_recovery = False
    ok = user.totp_enabled and single_use.consume_totp(db, user, code, now)
    if not ok and user.totp_enabled and len("".join(code.split())) > 6:
        ok = used_recovery = auth.use_recovery_code(db, user, code, now)
    if not ok:
        paused = throttle.note_failure(db, settings, throttle.SECOND_FACTOR, user.email, who, now)
        return Step(
            error=throttle.locked_message(paused)
            if paused
            else "That code is not valid. Try again."
        )
    return _promote(db, settings, pending, user, who, now, used_recovery)


def confirm_enrollment(
    db: Session,
    settings: Settings,
    pending: Login,
    code: str,
    ip: str | None,
    now: datetime,
) -> Step:
    """Turn two-factor on after a first valid code; return the ten recovery codes to show."""
    user = db.get(User, pending.user_id)
    assert user is not None
    who = Who(user.id, user.email, ip=ip)
    paused = throttle.wait(db, settings, throttle.SECOND_FACTOR, user.email, ip, now)
    if paused:
        audit.record(db, now, "auth.login_refused", who, outcome="denied")
        return Step(error=throttle.locked_message(paused))
    if not single_use.consume_totp(db, user, code, now):
        paused = throttle.note_failure(db, settings, throttle.SECOND_FACTOR, user.email, who, now)
        return Step(
            error=throttle.locked_message(paused)
            if paused
            else "That code is not valid. Check the time on your phone, then try the next code."
        )
    if not single_use.end_pending(db, pending, now):
        return Step(error=ALREADY_DONE)
    user.totp_enabled = True
    codes = auth.new_recovery_codes(db, user)
    audit.record(db, now, "auth.totp_enrolled", who)
    step = _promote(db, settings, None, user, who, now, False)
    return Step(token=step.token, recovery_codes=codes)


def _promote(
    db: Session,
    settings: Settings,
    pending: Login | None,
    user: User,
    who: Who,
    now: datetime,
    used_recovery: bool,
) -> Step:
    # A new login id after the privilege change (no fixation); the pending one ends only once.
    if pending is not None and not single_use.end_pending(db, pending, now):
        return Step(error=ALREADY_DONE)
    throttle.unlock(db, user.email)  # a full sign-in: both account counters start again
    token = auth.open_login(db, settings, user, now, mfa_done=True)
    detail = {"recovery_code": True} if used_recovery else {}
    audit.record(db, now, "auth.login", who, detail=detail)
    return Step(token=token)


def change_password(
    db: Session,
    settings: Settings,
    user_id: int,
    current: str,
    new: str,
    who: Who,
    now: datetime,
) -> Step:
    """Change the password; every login of the user ends and this browser gets a new one."""
    user = db.get(User, user_id)
    if user is None:
        return Step(error="current_password: this account no longer exists")
    if not verify_password(user.password_hash, current):
        audit.record(db, now, "auth.password_change", who, outcome="denied")
        return Step(error="current_password: does not match your password")
    try:
        check_policy(new, email=user.email)
    except WeakPassword as exc:
        return Step(error=f"new_password: {exc}")
    _set_password(db, user, new, now)
    audit.record(db, now, "auth.password_change", who)
    token = auth.open_login(db, settings, user, now, mfa_done=True, clinic_id=who.clinic_id)
    return Step(token=token)


def _set_password(db: Session, user: User, new: str, now: datetime) -> None:
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    auth.revoke_all(db, user.id, now)


def request_reset(
    db: Session, settings: Settings, email: str, ip: str | None, now: datetime
) -> tuple[str, str] | None:
    """A reset link for an active account as (address, link); None otherwise (not revealed)."""
    email = auth.normalize_email(email)
    user = db.scalar(select(User).where(User.email == email))
    who = Who(user.id if user else None, auth.audit_identifier(settings, email, user), ip=ip)
    if not throttle.reset_mail_allowed(db, settings.secret_key.get_secret_value(), email, ip, now):
        # Same answer to the browser; no email. Unknown addresses are counted alike.
        audit.record(db, now, "auth.reset_requested", who, outcome="throttled")
        return None
    if user is None or not user.is_active:
        audit.record(db, now, "auth.reset_requested", who, outcome="unknown_account")
        return None
    token = secrets.token_urlsafe(32)
    db.add(
        ResetToken(
            user_id=user.id,
            token_hash=auth.token_hash(token),
            created_at=now,
            expires_at=now + timedelta(minutes=settings.reset_token_minutes),
        )
    )
    audit.record(db, now, "auth.reset_requested", who)
    return user.email, f"{settings.base_url.rstrip('/')}/workspace/reset/{token}"


def reset_mail_body(link: str, minutes: int) -> str:
    """The reset email: a link only, no health data."""
    return (
        "Someone asked to reset the password of your TRD Navigator workspace account.\n\n"
        f"To choose a new password, open this link within {minutes} minutes:\n{link}\n\n"
        "The link works once. If you did not ask for this, ignore this message; your password "
        "stays the same.\n"
    )


def find_reset(db: Session, token: str, now: datetime) -> ResetToken | None:
    """The unused, unexpired reset token row for a link, or None."""
    row = db.scalar(select(ResetToken).where(ResetToken.token_hash == auth.token_hash(token)))
    if row is None or row.used_at is not None or now >= row.expires_at:
        return None
    return row


def complete_reset(db: Session, token: str, new: str, ip: str | None, now: datetime) -> Step:
    """Set a new password from a reset link; the link is spent and all logins end."""
    row = find_reset(db, token, now)
    if row is None:
        return Step(error="This reset link has expired or was already used. Ask for a new one.")
    user = db.get(User, row.user_id)
    assert user is not None
    try:
        check_policy(new, email=user.email)
    except WeakPassword as exc:
        return Step(error=f"new_password: {exc}")
    if not single_use.consume_reset(db, row, now):
        return Step(error="This reset link has expired or was already used. Ask for a new one.")
    # Every other link of the account is spent too, and the account's pauses end.
    db.execute(
        update(ResetToken)
        .where(ResetToken.user_id == user.id, ResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    throttle.unlock(db, user.email)
    _set_password(db, user, new, now)
    audit.record(db, now, "auth.password_reset", Who(user.id, user.email, ip=ip))
    return Step()
