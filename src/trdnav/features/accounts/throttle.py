"""Sign-in throttling: growing per-account pauses, a per-client limit, reset-mail limits.

Three kinds of failure counters, all rows of `rate_limit_hits` (so every worker on every host
sees them):
- the account's password failures (`ws-login-acct:`), cleared by a correct password;
- the account's second-factor failures (`ws-2fa-acct:`), counted separately and NOT cleared by a
  correct password: "password, nine wrong codes" repeated never resets them;
- the client's failures (`ws-login-ip:`): a plain limit per window.
An account is never locked for good: after `login_max_failures` failures each further failure
doubles a short pause (1, 2, 4 ... minutes, at most `login_window_minutes`), attempts during a
pause are refused without counting, and a successful reset or `trdnav users unlock` clears both
account counters.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from trdnav.platform import audit, ratelimit
from trdnav.platform.audit import Who
from trdnav.platform.settings import Settings
from trdnav.storage.models import RateLimitHit

PASSWORD = "password"
SECOND_FACTOR = "second_factor"
MEMORY = timedelta(hours=24)  # an account's failures are remembered this long
FIRST_PAUSE = timedelta(minutes=1)
# Reset emails: a few per account and per client per hour, whatever the address typed.
RESET_PER_ACCOUNT = ratelimit.RateLimit(limit=3, window=timedelta(hours=1))
RESET_PER_CLIENT = ratelimit.RateLimit(limit=10, window=timedelta(hours=1))
LOCKED_MESSAGE = (
    "Too many failed sign-in attempts. For your security, sign-in is paused for {minutes} "
    "minute{s}. You can reset your password by email, or ask your clinic administrator."
)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:40]


def account_bucket(kind: str, email: str) -> str:
    """The account's counter of one kind, keyed by a hash (no typed address is stored)."""
    prefix = "ws-2fa-acct:" if kind == SECOND_FACTOR else "ws-login-acct:"
    return prefix + _digest(email.strip().lower())


def client_bucket(ip: str | None) -> str | None:
    """The client's failure counter, or None when the address is unknown."""
    return "ws-login-ip:" + ip[:100] if ip else None


def locked_message(wait: timedelta) -> str:
    """The message of a pause, naming how long it lasts (rounded up to whole minutes)."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return LOCKED_MESSAGE.format(minutes=minutes, s="" if minutes == 1 else "s")


def _pause(settings: Settings, failures: int) -> timedelta:
    extra = failures - settings.login_max_failures
    cap = timedelta(minutes=settings.login_window_minutes)
    return cap if extra >= 16 else min(FIRST_PAUSE * 2**extra, cap)


def _account_wait(db: Session, settings: Settings, bucket: str, now: datetime) -> timedelta:
    count, last = db.execute(
        select(func.count(RateLimitHit.id), func.max(RateLimitHit.at)).where(
            RateLimitHit.bucket == bucket, RateLimitHit.at > now - MEMORY
        )
    ).one()
    if count < settings.login_max_failures or last is None:
        return timedelta(0)
    last = last if last.tzinfo else last.replace(tzinfo=now.tzinfo)
    return max(timedelta(0), last + _pause(settings, count) - now)


def _client_wait(db: Session, settings: Settings, bucket: str, now: datetime) -> timedelta:
    window = timedelta(minutes=settings.login_window_minutes)
    count, oldest = db.execute(
        select(func.count(RateLimitHit.id), func.min(RateLimitHit.at)).where(
            RateLimitHit.bucket == bucket, RateLimitHit.at >= now - window
        )
    ).one()
    if count < settings.login_max_failures or oldest is None:
        return timedelta(0)
    oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
    return max(timedelta(seconds=1), oldest + window - now)


def wait(
    db: Session, settings: Settings, kind: str, email: str, ip: str | None, now: datetime
) -> timedelta:
    """How long this account (for this kind of step) or this client must still wait; 0: go."""
    waits = [_account_wait(db, settings, account_bucket(kind, email), now)]
    if (client := client_bucket(ip)) is not None:
        waits.append(_client_wait(db, settings, client, now))
    return max(waits)


def note_failure(
    db: Session, settings: Settings, kind: str, email: str, who: Who, now: datetime
) -> timedelta:
    """Count one failure against the account (of this kind) and the client; the pause it starts."""
    for bucket in (account_bucket(kind, email), client_bucket(who.ip)):
        if bucket is None:
            continue
        # Hits that will never count again are dropped so the table stays small.
        db.execute(
            delete(RateLimitHit).where(
                RateLimitHit.bucket == bucket, RateLimitHit.at < now - MEMORY
            )
        )
        db.add(RateLimitHit(bucket=bucket, at=now))
    db.flush()
    audit.record(db, now, "auth.login_failed", who, outcome="denied", detail={"why": kind})
    paused = wait(db, settings, kind, email, who.ip, now)
    if paused:
        audit.record(db, now, "auth.lockout", who, outcome="denied", detail={"why": kind})
    return paused


def clear(db: Session, email: str, *kinds: str) -> None:
    """Forget the account's failures of these kinds (the client's keep counting)."""
    buckets = [account_bucket(kind, email) for kind in kinds]
    db.execute(delete(RateLimitHit).where(RateLimitHit.bucket.in_(buckets)))


def unlock(db: Session, email: str) -> None:
    """Clear every failure counter of the account (successful reset, `trdnav users unlock`)."""
    clear(db, email, PASSWORD, SECOND_FACTOR)


def reset_mail_allowed(db: Session, secret: str, email: str, ip: str | None, now: datetime) -> bool:
    """Count one reset email for the account and the client; False when either is over its limit."""
    by_client = ratelimit.client_bucket(secret, "ws-reset-ip", ip)
    if not ratelimit.hit(db, by_client, RESET_PER_CLIENT, now).allowed:
        return False
    by_account = "ws-reset-acct:" + _digest(email.strip().lower())
    return ratelimit.hit(db, by_account, RESET_PER_ACCOUNT, now).allowed
