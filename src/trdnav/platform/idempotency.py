"""Idempotency keys: a retried request (same key, same body, within 24 h) gets the first response.

The stored response is written in the same transaction as the thing it describes, so either both
exist or neither does. A concurrent duplicate either waits (SQLite's single writer; PostgreSQL's
primary-key lock) and then finds the first response, or fails on the primary key and looks again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from trdnav.platform.errors import InvalidRequest
from trdnav.storage.models import IdempotencyKey

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as the IETF draft suggests


@dataclass(frozen=True)
class StoredResponse:
    """The first response given for a key."""

    status_code: int
    body: str


def check_key(value: str | None) -> str | None:
    """The header value if usable; raises InvalidRequest naming the header otherwise."""
    if value is None:
        return None
    if not _KEY.match(value):
        raise InvalidRequest(
            [{"field": HEADER, "message": "must be 1 to 255 visible ASCII characters"}]
        )
    return value


def request_hash(data: Any) -> str:
    """A fingerprint of a parsed JSON body that ignores key order and whitespace."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def lookup(
    db: Session, scope: str, key: str, fingerprint: str, now: datetime
) -> StoredResponse | None:
    """The first response for (scope, key) if still fresh; raises when the body differs."""
    row = db.get(IdempotencyKey, (scope, key))
    if row is None or row.created_at <= now - TTL:
        return None
    if row.request_hash != fingerprint:
        raise InvalidRequest(
            [
                {
                    "field": HEADER,
                    "message": "was already used with a different request body; "
                    "send a new key for a new request",
                }
            ]
        )
    return StoredResponse(row.status_code, row.response_body)


def remember(
    db: Session,
    scope: str,
    key: str,
    fingerprint: str,
    response: StoredResponse,
    now: datetime,
) -> None:
    """Store the response for (scope, key) in the caller's transaction; drops expired keys."""
    db.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at <= now - TTL))
    db.add(
        IdempotencyKey(
            scope=scope,
            key=key,
            request_hash=fingerprint,
            status_code=response.status_code,
            response_body=response.body,
            created_at=now,
        )
    )
