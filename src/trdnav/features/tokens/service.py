"""Staff API tokens. A token acts as one staff member with their role in one clinic; only its
SHA-256 is stored; it expires (90 days by default) and can be revoked. Every change is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import ApiToken, Clinic, Membership, User

PREFIX = "trdnav_"
DEFAULT_DAYS = 90
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is refreshed at most this often


class TokenError(ValueError):
    """A token command cannot be done; the message names the argument at fault."""


def token_hash(token: str) -> str:
    """SHA-256 of a token; only this is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    db: Session,
    email: str,
    clinic_slug: str,
    name: str,
    now: datetime,
    days: int = DEFAULT_DAYS,
    who: audit.Who | None = None,
) -> tuple[ApiToken, str]:
    """A new token for a member of a clinic; returns the row and the token (shown once)."""
    if not 1 <= days <= 366:
        raise TokenError("--expires-days: between 1 and 366")
    name = name.strip()
    if not name or len(name) > 100:
        raise TokenError("--name: 1 to 100 characters")
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    clinic = db.scalar(select(Clinic).where(Clinic.slug == clinic_slug))
    if clinic is None:
        raise TokenError(f"--clinic: no clinic with slug {clinic_slug!r}")
    member = user and db.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.clinic_id == clinic.id)
    )
    if user is None or not member or not user.is_active:
        raise TokenError(f"EMAIL: no active member {email!r} in {clinic_slug}")
    raw = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        token_hash=token_hash(raw),
        user_id=user.id,
        clinic_id=clinic.id,
        name=name,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        now,
        "tokens.create",
        who or audit.Who(clinic_id=clinic.id),
        target=f"token:{row.id}",
        detail={"user_id": user.id, "expires_at": row.expires_at.isoformat()},
    )
    return row, raw


def clinic_slug(db: Session, clinic_id: int) -> str:
    """The slug of a clinic."""
    slug = db.scalar(select(Clinic.slug).where(Clinic.id == clinic_id))
    if slug is None:
        raise TokenError(f"no clinic {clinic_id}")
    return slug


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    email: str
    clinic: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def state(self, now: datetime) -> str:
        """active, expired or revoked."""
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"


def list_tokens(db: Session, clinic_id: int | None = None) -> list[TokenView]:
    """Tokens (never their value), newest first."""
    stmt = (
        select(ApiToken, User.email, Clinic.slug)
        .join(User, User.id == ApiToken.user_id)
        .join(Clinic, Clinic.id == ApiToken.clinic_id)
        .order_by(ApiToken.id.desc())
    )
    if clinic_id is not None:
        stmt = stmt.where(ApiToken.clinic_id == clinic_id)
    return [
        TokenView(
            t.id, t.name, email, slug, t.created_at, t.expires_at, t.revoked_at, t.last_used_at
        )
        for t, email, slug in db.execute(stmt)
    ]


def revoke_token(
    db: Session, token_id: int, now: datetime, who: audit.Who | None = None
) -> ApiToken:
    """Revoke a token at once."""
    row = db.get(ApiToken, token_id)
    if row is None:
        raise TokenError(f"ID: no token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(
            db,
            now,
            "tokens.revoke",
            who or audit.Who(clinic_id=row.clinic_id),
            target=f"token:{row.id}",
        )
    return row


def authenticate(db: Session, raw: str, now: datetime, ip: str | None) -> Actor | None:
    """The staff member a token acts as, or None (unknown, revoked, expired, disabled, left)."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(raw)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = db.get(User, row.user_id)
    member = db.scalar(
        select(Membership).where(
            Membership.user_id == row.user_id, Membership.clinic_id == row.clinic_id
        )
    )
    if user is None or not user.is_active or member is None:
        return None
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        row.last_used_at = now
    # login_id 0: no workspace login stands behind this actor.
    return Actor(user.id, user.email, user.display_name, member.role, row.clinic_id, 0, ip)
