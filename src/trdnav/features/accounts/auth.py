"""Staff authentication: password sign-in with throttling, TOTP two-factor, server-side logins.

All functions are blocking (argon2 and the database): the web layer calls them from sync
routes, which FastAPI runs in its thread pool, never on the event loop. State lives in the
database only, so any worker on any host can continue any sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

import pyotp
import segno
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from trdnav.features.accounts import single_use, throttle
from trdnav.features.accounts.passwords import verify_password
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.audit import Who
from trdnav.platform.settings import Settings
from trdnav.storage.models import Clinic, Login, Membership, RecoveryCode, User

ISSUER = "TRD Navigator"
RECOVERY_CODES = 10
PENDING_MINUTES = 10  # a password-only login may only finish two-factor, for this long


def token_hash(token: str) -> str:
    """SHA-256 of a random token; only this is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def audit_identifier(settings: Settings, email: str, user: User | None) -> str:
    """What the audit trail records for a typed sign-in identifier.

    A known account's address; for anything else (a typo, or a password typed into the email
    box) a keyed hash: attempts on the same identifier still group together, but the trail never
    holds what was typed.
    """
    if user is not None:
        return user.email
    key = settings.secret_key.get_secret_value().encode()
    digest = hmac.new(key, normalize_email(email).encode(), hashlib.sha256).hexdigest()
    return f"unknown:{digest[:24]}"


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


# --- password step ----------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    """The result of a sign-in step: a new login token, or a message for the form."""

    token: str | None = None
    error: str | None = None
    locked: bool = False
    enrolled: bool = False  # two-factor is set up (else the next step is enrollment)


GENERIC_FAILURE = "That email and password do not match an active account."


def sign_in_password(
    db: Session, settings: Settings, email: str, password: str, ip: str | None, now: datetime
) -> SignIn:
    """Check the password; on success open a pending login that may only finish two-factor."""
    email = normalize_email(email)
    user = db.scalar(select(User).where(User.email == email))
    paused = throttle.wait(db, settings, throttle.PASSWORD, email, ip, now)
    if paused:
        # Refused without counting: a pause never grows while it lasts.
        who = Who(user.id if user else None, audit_identifier(settings, email, user), ip=ip)
        audit.record(db, now, "auth.login_refused", who, outcome="denied")
        return SignIn(error=throttle.locked_message(paused), locked=True)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active or not _memberships(db, user.id):
        who = Who(user.id if user else None, audit_identifier(settings, email, user), ip=ip)
        paused = throttle.note_failure(db, settings, throttle.PASSWORD, email, who, now)
        if paused:
            return SignIn(error=throttle.locked_message(paused), locked=True)
        return SignIn(error=GENERIC_FAILURE)
    # Only the password counter: second-factor failures are never cleared by a password.
    throttle.clear(db, email, throttle.PASSWORD)
    token = open_login(db, settings, user, now, mfa_done=False)
    audit.record(db, now, "auth.password_ok", Who(user.id, user.email, ip=ip))
    return SignIn(token=token, enrolled=user.totp_enabled)


def _memberships(db: Session, user_id: int) -> list[Membership]:
    stmt = select(Membership).where(Membership.user_id == user_id).order_by(Membership.id)
    return list(db.scalars(stmt))


# --- logins ---------------------------------------------------------------------------


def open_login(
    db: Session,
    settings: Settings,
    user: User,
    now: datetime,
    *,
    mfa_done: bool,
    clinic_id: int | None = None,
) -> str:
    """A fresh random login token for the user (rotated at every privilege change)."""
    # Ended logins of this user are kept a day for the record, then dropped.
    db.execute(
        delete(Login).where(Login.user_id == user.id, Login.expires_at < now - timedelta(days=1))
    )
    token = secrets.token_urlsafe(32)
    lifetime = (
        timedelta(hours=settings.login_absolute_hours)
        if mfa_done
        else timedelta(minutes=PENDING_MINUTES)
    )
    if clinic_id is None:
        memberships = _memberships(db, user.id)
        clinic_id = memberships[0].clinic_id if memberships else None
    db.add(
        Login(
            token_hash=token_hash(token),
            user_id=user.id,
            clinic_id=clinic_id,
            mfa_done=mfa_done,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    db.flush()
    return token


def resolve_login(
    db: Session, settings: Settings, token: str | None, now: datetime
) -> Login | None:
    """The live login for a cookie token, touched; None when absent, revoked, idle or expired."""
    if not token:
        return None
    row = db.scalar(select(Login).where(Login.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    idle = timedelta(minutes=settings.login_idle_minutes)
    if now >= row.expires_at or now - row.last_seen_at >= idle:
        row.revoked_at = now
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    row.last_seen_at = now
    return row


def revoke_login(db: Session, row: Login, now: datetime) -> None:
    """End one login (sign-out or rotation)."""
    row.revoked_at = now


def revoke_all(db: Session, user_id: int, now: datetime) -> None:
    """End every login of a user (password change, reset, account disabled)."""
    db.execute(
        update(Login)
        .where(Login.user_id == user_id, Login.revoked_at.is_(None))
        .values(revoked_at=now)
    )


# --- TOTP -------------------------------------------------------------------------------


def start_enrollment(db: Session, user: User) -> str:
    """The secret being enrolled (kept until confirmed, so a reload shows the same QR)."""
    if user.totp_secret is None or not user.totp_enabled:
        user.totp_secret = user.totp_secret or pyotp.random_base32()
        db.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    assert user.totp_secret is not None
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG, generated here (never by a remote service)."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff")
    return svg


def _recovery_hash(code: str) -> str:
    # Codes carry 60 random bits, so a plain SHA-256 suffices (unlike human passwords).
    return token_hash("".join(code.lower().split()).replace("-", ""))


def new_recovery_codes(db: Session, user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; the plain codes are shown once."""
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
        db.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(raw)))
    db.flush()
    return codes


def use_recovery_code(db: Session, user: User, code: str, now: datetime) -> bool:
    """Spend one unused recovery code (atomically: one winner under concurrency)."""
    return single_use.consume_recovery_code(db, user.id, _recovery_hash(code), now)


def remaining_recovery_codes(db: Session, user_id: int) -> int:
    """How many recovery codes are still unused."""
    stmt = select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
    )
    return db.scalar(stmt) or 0


# --- the signed-in member ----------------------------------------------------------------


def login_user(db: Session, login: Login) -> User | None:
    """The account a login belongs to."""
    return db.get(User, login.user_id)


def actor_for(db: Session, login: Login, ip: str | None) -> tuple[Actor, str] | None:
    """The acting member of a full login, with their clinic's time zone; None if no longer one."""
    user = db.get(User, login.user_id)
    row = db.execute(
        select(Membership, Clinic)
        .join(Clinic, Clinic.id == Membership.clinic_id)
        .where(Membership.user_id == login.user_id, Membership.clinic_id == login.clinic_id)
    ).first()
    if user is None or row is None:
        return None
    membership, clinic = row
    actor = Actor(user.id, user.email, user.display_name, membership.role, clinic.id, login.id, ip)
    return actor, clinic.time_zone


class ClinicChoice(NamedTuple):
    slug: str
    name: str
    id: int


def member_clinics(db: Session, user_id: int) -> list[ClinicChoice]:
    """Every clinic the user belongs to, by name."""
    rows = db.execute(
        select(Clinic.slug, Clinic.name, Clinic.id)
        .join(Membership, Membership.clinic_id == Clinic.id)
        .where(Membership.user_id == user_id)
        .order_by(Clinic.name)
    ).all()
    return [ClinicChoice(slug, name, cid) for slug, name, cid in rows]


def sign_out(db: Session, login: Login, ip: str | None, now: datetime) -> None:
    """End a login (audited)."""
    user = db.get(User, login.user_id)
    revoke_login(db, login, now)
    audit.record(db, now, "auth.logout", Who(login.user_id, user.email if user else None, ip=ip))


def switch_clinic(
    db: Session, settings: Settings, actor: Actor, slug: str, now: datetime
) -> str | None:
    """A new login acting in another clinic the member belongs to; None when they do not."""
    clinic = db.scalar(select(Clinic).where(Clinic.slug == slug))
    member = clinic and db.scalar(
        select(Membership).where(
            Membership.user_id == actor.user_id, Membership.clinic_id == clinic.id
        )
    )
    login, user = db.get(Login, actor.login_id), db.get(User, actor.user_id)
    if clinic is None or not member or login is None or user is None:
        return None
    revoke_login(db, login, now)
    token = open_login(db, settings, user, now, mfa_done=True, clinic_id=clinic.id)
    audit.record(db, now, "auth.switch_clinic", actor.who, detail={"to_clinic_id": clinic.id})
    return token
