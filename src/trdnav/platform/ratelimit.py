"""Rate limits counted in the database, so every worker on every host sees the same count.

A bucket names who is limited for what ("consult-api:<client hash>"); each allowed event is one
row in `rate_limit_hits`, and the sliding window is a COUNT in SQL. Client identifiers are keyed
hashes of the network address: no raw IP address is ever stored next to health data.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from trdnav.storage.models import RateLimitHit


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` events per bucket in any `window`."""

    limit: int
    window: timedelta


@dataclass(frozen=True)
class Decision:
    """Whether the event may proceed; if not, how many seconds until it may (Retry-After)."""

    allowed: bool
    retry_after: int = 0


def client_bucket(secret: str, purpose: str, client: str | None) -> str:
    """A bucket name for one client: a keyed hash of its address, never the address itself."""
    digest = hmac.new(secret.encode(), (client or "unknown").encode(), hashlib.sha256)
    return f"{purpose}:{digest.hexdigest()[:32]}"


def _serialize(db: Session, bucket: str) -> None:
    # Two workers counting the same bucket at once could both see "limit - 1" and both pass.
    # PostgreSQL: a transaction-scoped advisory lock per bucket. SQLite: the transaction already
    # began with BEGIN IMMEDIATE (storage.db), which holds the database's single write lock.
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(hashtext(:b))"), {"b": bucket})


def hit(db: Session, bucket: str, policy: RateLimit, now: datetime) -> Decision:
    """Count one event for `bucket` at `now` unless the window is full. The caller commits."""
    _serialize(db, bucket)
    since = now - policy.window
    # Old hits of this bucket are no longer needed; dropping them keeps the table small.
    db.execute(delete(RateLimitHit).where(RateLimitHit.bucket == bucket, RateLimitHit.at <= since))
    count, oldest = db.execute(
        select(func.count(), func.min(RateLimitHit.at)).where(
            RateLimitHit.bucket == bucket, RateLimitHit.at > since
        )
    ).one()
    if count >= policy.limit:
        oldest_at = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
        wait = (oldest_at + policy.window - now).total_seconds()
        return Decision(allowed=False, retry_after=max(1, math.ceil(wait)))
    db.add(RateLimitHit(bucket=bucket, at=now))
    return Decision(allowed=True)


def prune(db: Session, older_than: datetime, prefix: str = "") -> int:
    """Delete hits before `older_than` in buckets starting with `prefix`; returns how many."""
    query = delete(RateLimitHit).where(RateLimitHit.at < older_than)
    if prefix:
        query = query.where(RateLimitHit.bucket.startswith(prefix, autoescape=True))
    result = db.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)
