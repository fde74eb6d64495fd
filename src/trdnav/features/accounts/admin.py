"""Staff administration in the web (the CLI stays for automation): invite by email, enable or
disable, unlock after failed sign-ins, remove one clinic membership. Every action is audited
with the account id, never a password or a link."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trdnav.features.accounts import auth, throttle, users
from trdnav.features.accounts.passwords import WeakPassword, check_policy, hash_password
from trdnav.platform import audit
from trdnav.platform.access import ROLES, Actor
from trdnav.platform.settings import Settings
from trdnav.storage.models import Clinic, Invitation, Login, Membership, User

INVITE_DAYS = 7


class AdminError(ValueError):
    """An admin action that cannot be done; `field` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class StaffRow:
    """One member of the clinic as the staff page lists them."""

    user: User
    role: str
    locked: bool
    invited: bool  # an open invitation: no password chosen yet


def _member(db: Session, actor: Actor, email: str) -> tuple[User, Membership]:
    user = db.scalar(select(User).where(User.email == auth.normalize_email(email)))
    membership = (
        db.scalar(
            select(Membership).where(
                Membership.user_id == user.id, Membership.clinic_id == actor.clinic_id
            )
        )
        if user
        else None
    )
    if user is None or membership is None:
        raise AdminError("email", "is not a member of this clinic")
    if user.id == actor.user_id:
        raise AdminError("email", "you cannot do this to your own account")
    return user, membership


def is_locked(db: Session, settings: Settings, email: str, now: datetime) -> bool:
    """True while the account's sign-in is paused (password or second-factor failures)."""
    return any(
        throttle.wait(db, settings, kind, email, None, now) > timedelta(0)
        for kind in (throttle.PASSWORD, throttle.SECOND_FACTOR)
    )


def staff(db: Session, settings: Settings, actor: Actor, now: datetime) -> list[StaffRow]:
    """The clinic's members with their state (active, two-factor, locked, invited)."""
    rows = db.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.clinic_id == actor.clinic_id)
        .order_by(User.display_name, User.email)
    ).all()
    open_invites = set(
        db.scalars(
            select(Invitation.user_id).where(
                Invitation.clinic_id == actor.clinic_id,
                Invitation.used_at.is_(None),
                Invitation.expires_at > now,
            )
        )
    )
    return [
        StaffRow(u, role, is_locked(db, settings, u.email, now), u.id in open_invites)
        for u, role in rows
    ]


def invite(
    db: Session,
    settings: Settings,
    actor: Actor,
    email: str,
    name: str,
    role: str,
    now: datetime,
) -> tuple[User, str, bool]:
    """Invite someone into this clinic; returns the account, the link to email them and whether
    the account is new.

    A new account has no usable password until the link is used. An existing account (someone
    working in another clinic) only gains the membership: the link is the sign-in page, so an
    invitation never becomes a way to replace someone's password."""
    if role not in ROLES:
        raise AdminError("role", "must be one of " + ", ".join(ROLES))
    try:
        address = users.valid_email(email)
    except users.UserError as exc:
        raise AdminError("email", "is not a valid email address") from exc
    name = " ".join(name.split())[:200]
    if not name:
        raise AdminError("display_name", "is required")
    user = db.scalar(select(User).where(User.email == address))
    new = user is None
    if user is None:
        user = User(
            email=address,
            display_name=name,
            # Nobody knows this password: the account is unusable until the link sets one.
            password_hash=hash_password(secrets.token_urlsafe(32)),
            is_active=True,
            totp_enabled=False,
            password_changed_at=now,
            created_at=now,
        )
        db.add(user)
        db.flush()
        audit.record(db, now, "users.create", actor.who, target=f"user:{user.id}")
    elif db.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id, Membership.clinic_id == actor.clinic_id
        )
    ):
        raise AdminError("email", "is already a member of this clinic")
    db.add(Membership(user_id=user.id, clinic_id=actor.clinic_id, role=role))
    base = settings.base_url.rstrip("/")
    link = _new_link(db, settings, actor, user, now) if new else f"{base}/workspace/login"
    audit.record(
        db,
        now,
        "users.invite",
        actor.who,
        target=f"user:{user.id}",
        detail={"clinic_id": actor.clinic_id, "role": role, "new_account": new},
    )
    return user, link, new


def _new_link(db: Session, settings: Settings, actor: Actor, user: User, now: datetime) -> str:
    # One open invitation per account and clinic: a new one replaces the old.
    db.execute(
        update(Invitation)
        .where(
            Invitation.user_id == user.id,
            Invitation.clinic_id == actor.clinic_id,
            Invitation.used_at.is_(None),
        )
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.add(
        Invitation(
            user_id=user.id,
            clinic_id=actor.clinic_id,
            token_hash=auth.token_hash(token),
            invited_by=actor.user_id,
            created_at=now,
            expires_at=now + timedelta(days=INVITE_DAYS),
        )
    )
    return f"{settings.base_url.rstrip('/')}/workspace/invite/{token}"


def resend(
    db: Session, settings: Settings, actor: Actor, email: str, now: datetime
) -> tuple[User, str]:
    """A fresh invitation link for a member who has not used theirs."""
    user, _ = _member(db, actor, email)
    if not db.scalar(
        select(Invitation.id).where(
            Invitation.user_id == user.id,
            Invitation.clinic_id == actor.clinic_id,
            Invitation.used_at.is_(None),
        )
    ):
        raise AdminError("email", "has no open invitation (they have signed in already)")
    link = _new_link(db, settings, actor, user, now)
    audit.record(db, now, "users.invite_resent", actor.who, target=f"user:{user.id}")
    return user, link


def invite_mail(clinic: str, inviter: str, link: str, new: bool = True) -> tuple[str, str]:
    """Subject and body of the invitation: a link only, nothing about any patient."""
    if not new:
        body = (
            f"{inviter} gave your TRD Navigator account access to {clinic}.\n\n"
            f"Sign in as usual and switch to it:\n{link}\n"
        )
        return f"You now have access to {clinic} in TRD Navigator", body
    body = (
        f"{inviter} invited you to the TRD Navigator workspace of {clinic}.\n\n"
        f"Open this link within {INVITE_DAYS} days to choose your password and set up "
        f"two-factor sign-in with an authenticator app:\n{link}\n\n"
        "The link works once. If you did not expect this, ignore this message.\n"
    )
    return f"Your TRD Navigator workspace invitation ({clinic})", body


def find_invitation(db: Session, token: str, now: datetime) -> Invitation | None:
    """The open invitation of a link, or None (unknown, used or expired)."""
    row = db.scalar(select(Invitation).where(Invitation.token_hash == auth.token_hash(token)))
    if row is None or row.used_at is not None or now >= row.expires_at:
        return None
    return row


def accept(
    db: Session, settings: Settings, token: str, password: str, ip: str | None, now: datetime
) -> str:
    """Use an invitation: set the password and open a login that must enrol two-factor next.

    Returns the login token for the cookie; AdminError naming the field otherwise."""
    row = find_invitation(db, token, now)
    if row is None:
        raise AdminError("token", "This invitation has expired or was already used.")
    user = db.get(User, row.user_id)
    if user is None or not user.is_active:
        raise AdminError("token", "This invitation has expired or was already used.")
    try:
        check_policy(password, email=user.email)
    except WeakPassword as exc:
        raise AdminError("new_password", str(exc)) from exc
    row.used_at = now
    user.password_hash, user.password_changed_at = hash_password(password), now
    auth.revoke_all(db, user.id, now)
    audit.record(
        db,
        now,
        "users.invite_accepted",
        audit.Who(user.id, user.email, ip=ip),
        target=f"user:{user.id}",
    )
    return auth.open_login(db, settings, user, now, mfa_done=False, clinic_id=row.clinic_id)


def set_active(db: Session, actor: Actor, email: str, active: bool, now: datetime) -> User:
    """Disable (all logins end) or re-enable an account of this clinic."""
    user, _ = _member(db, actor, email)
    if user.is_active == active:
        return user
    user.is_active = active
    if not active:
        auth.revoke_all(db, user.id, now)
    action = "users.enable" if active else "users.disable"
    audit.record(db, now, action, actor.who, target=f"user:{user.id}")
    return user


def unlock(db: Session, actor: Actor, email: str, now: datetime) -> User:
    """End the account's sign-in pauses (the client's own limit still counts)."""
    user, _ = _member(db, actor, email)
    throttle.unlock(db, user.email)
    audit.record(db, now, "users.unlock", actor.who, target=f"user:{user.id}")
    return user


def remove_membership(db: Session, actor: Actor, email: str, now: datetime) -> User:
    """Take someone out of this clinic only (their other clinics stay); their logins here end."""
    user, membership = _member(db, actor, email)
    role = membership.role
    db.delete(membership)
    db.execute(
        update(Login)
        .where(
            Login.user_id == user.id,
            Login.clinic_id == actor.clinic_id,
            Login.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    db.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.clinic_id == actor.clinic_id)
        .values(expires_at=now)
    )
    audit.record(
        db,
        now,
        "users.remove_membership",
        actor.who,
        target=f"user:{user.id}",
        detail={"clinic_id": actor.clinic_id, "role": role},
    )
    return user


def clinic_name(db: Session, clinic_id: int) -> str:
    """The clinic's display name."""
    return db.get_one(Clinic, clinic_id).name
