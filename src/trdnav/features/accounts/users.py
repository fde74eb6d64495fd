"""Staff accounts and their clinic memberships (used by the CLI and the admin pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from trdnav.features.accounts import auth, throttle
from trdnav.features.accounts.passwords import check_policy, hash_password
from trdnav.platform import audit
from trdnav.platform.access import ROLES
from trdnav.platform.audit import Who
from trdnav.storage.models import Clinic, Membership, RecoveryCode, User


class UserError(ValueError):
    """A user command cannot be done; the message names the field or value at fault."""


@dataclass(frozen=True)
class UserView:
    """A staff account as listed: one row per clinic membership."""

    email: str
    display_name: str
    active: bool
    two_factor: bool
    clinic: str
    role: str


def clinic_by_slug(db: Session, slug: str) -> Clinic:
    """The clinic row for a slug; UserError naming the known slugs when it does not exist."""
    clinic = db.scalar(select(Clinic).where(Clinic.slug == slug))
    if clinic is None:
        known = ", ".join(db.scalars(select(Clinic.slug).order_by(Clinic.slug))) or "none"
        raise UserError(f"--clinic: no clinic with slug {slug!r} (known: {known})")
    return clinic


def valid_email(email: str) -> str:
    """The normalized address; UserError when it is not a valid email address."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise UserError(f"EMAIL: {exc}") from exc


def create_user(
    db: Session,
    email: str,
    role: str,
    clinic: Clinic,
    password: str,
    now: datetime,
    display_name: str | None = None,
    who: Who | None = None,
) -> User:
    """Create an account with one membership, or add a membership to an existing account."""
    if role not in ROLES:
        raise UserError(f"--role: must be one of {', '.join(ROLES)}")
    email = valid_email(email)
    user = db.scalar(select(User).where(User.email == email))
    if user is None:
        check_policy(password, email=email)
        user = User(
            email=email,
            display_name=display_name or email.split("@", 1)[0],
            password_hash=hash_password(password),
            is_active=True,
            totp_enabled=False,
            password_changed_at=now,
            created_at=now,
        )
        db.add(user)
        db.flush()
        audit.record(db, now, "users.create", who or Who(), target=f"user:{user.id}")
    existing = db.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.clinic_id == clinic.id)
    )
    if existing is not None:
        raise UserError(f"EMAIL: {email} is already a member of {clinic.slug}")
    db.add(Membership(user_id=user.id, clinic_id=clinic.id, role=role))
    audit.record(
        db,
        now,
        "users.role_change",
        who or Who(clinic_id=clinic.id),
        target=f"user:{user.id}",
        detail={"clinic_id": clinic.id, "from": None, "to": role},
    )
    db.flush()
    return user


def list_users(db: Session, clinic_id: int | None = None) -> list[UserView]:
    """Every account and membership, optionally of one clinic only."""
    stmt = (
        select(User, Membership, Clinic)
        .join(Membership, Membership.user_id == User.id)
        .join(Clinic, Clinic.id == Membership.clinic_id)
        .order_by(Clinic.slug, User.email)
    )
    if clinic_id is not None:
        stmt = stmt.where(Membership.clinic_id == clinic_id)
    return [
        UserView(u.email, u.display_name, u.is_active, u.totp_enabled, c.slug, m.role)
        for u, m, c in db.execute(stmt)
    ]


def disable_user(db: Session, email: str, now: datetime, who: Who | None = None) -> User:
    """Disable an account: it can no longer sign in and its logins end now."""
    user = db.scalar(select(User).where(User.email == auth.normalize_email(email)))
    if user is None:
        raise UserError(f"EMAIL: no account with email {email!r}")
    user.is_active = False
    auth.revoke_all(db, user.id, now)
    audit.record(db, now, "users.disable", who or Who(), target=f"user:{user.id}")
    return user


def unlock_user(db: Session, email: str, now: datetime, who: Who | None = None) -> User:
    """End the account's sign-in pauses (password and second-factor failures forgotten)."""
    user = db.scalar(select(User).where(User.email == auth.normalize_email(email)))
    if user is None:
        raise UserError(f"EMAIL: no account with email {email!r}")
    throttle.unlock(db, user.email)
    audit.record(db, now, "users.unlock", who or Who(), target=f"user:{user.id}")
    return user


def set_role(
    db: Session, clinic_id: int, email: str, role: str, now: datetime, who: Who
) -> Membership:
    """Change a member's role in one clinic (audited as a role change)."""
    if role not in ROLES:
        raise UserError(f"role: must be one of {', '.join(ROLES)}")
    user = db.scalar(select(User).where(User.email == auth.normalize_email(email)))
    membership = (
        db.scalar(
            select(Membership).where(
                Membership.user_id == user.id, Membership.clinic_id == clinic_id
            )
        )
        if user
        else None
    )
    if user is None or membership is None:
        raise UserError(f"email: no member {email!r} in this clinic")
    before, membership.role = membership.role, role
    audit.record(
        db,
        now,
        "users.role_change",
        who,
        target=f"user:{user.id}",
        detail={"clinic_id": clinic_id, "from": before, "to": role},
    )
    return membership


def reset_two_factor(db: Session, email: str, now: datetime, who: Who | None = None) -> User:
    """Forget a user's authenticator and recovery codes (lost phone): they enroll again."""
    user = db.scalar(select(User).where(User.email == auth.normalize_email(email)))
    if user is None:
        raise UserError(f"EMAIL: no account with email {email!r}")
    user.totp_secret, user.totp_enabled, user.totp_last_step = None, False, None
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    auth.revoke_all(db, user.id, now)
    audit.record(db, now, "users.reset_two_factor", who or Who(), target=f"user:{user.id}")
    return user
