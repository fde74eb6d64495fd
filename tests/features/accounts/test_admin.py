"""Administration in the web: an admin invites staff (an email link through a real SMTP server
to set a password, then two-factor enrolment), changes roles, disables and re-enables,
unlocks, removes one clinic membership; all audited; admins only."""

from __future__ import annotations

import re

from fastapi import FastAPI
from sqlalchemy import func, select

from tests.cast import PASSWORD, Member, now
from tests.features.accounts.test_auth import Browser, code_at
from tests.support import refused_port, smtp_inbox
from trdnav.features.accounts import throttle
from trdnav.platform.audit import Who
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent, Invitation, Login, Membership, RateLimitHit, User


def _actions(runtime: Runtime) -> list[str]:
    with runtime.db() as s:
        return list(s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("users.%"))))


def test_an_invitation_link_leads_to_a_password_and_two_factor(
    app: FastAPI, cast: dict[str, Member], runtime: Runtime
) -> None:
    alice = cast["alice"]
    with smtp_inbox() as box:
        runtime.settings = runtime.settings.model_copy(update={"smtp_port": box.port})
        sent = alice.post(
            "/workspace/staff/invite",
            {"email": "Sam@Demo.example", "display_name": "Sam Ortiz", "role": "nurse"},
        )
    assert sent.status_code == 200 and "Invitation sent to sam@demo.example" in sent.text
    assert "invited" in sent.text
    (message,) = box.messages
    assert message["To"] == "sam@demo.example"
    body = message.get_payload(decode=True).decode()
    link = re.search(r"http\S+/workspace/invite/(\S+)", body)
    assert link is not None
    token = link.group(1)
    with runtime.db() as s:
        stored = s.scalars(select(Invitation.token_hash)).one()
        assert token not in stored  # only the hash is kept
    browser = Browser(app)
    assert "Choose your password" in browser.get(f"/workspace/invite/{token}").text
    weak = browser.post(f"/workspace/invite/{token}", {"new_password": "short"})
    assert weak.status_code == 422
    done = browser.post(f"/workspace/invite/{token}", {"new_password": PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/workspace/enroll"
    # No health data before two-factor is enrolled.
    assert browser.get("/workspace/patients").status_code == 303
    assert 'id="totp-secret"' in browser.get("/workspace/enroll").text
    with runtime.db() as s:
        secret = s.scalars(select(User.totp_secret).where(User.email == "sam@demo.example")).one()
    assert secret is not None
    assert browser.post("/workspace/enroll", {"code": code_at(secret)}).status_code == 200
    assert browser.get("/workspace/patients").status_code == 200
    # The link works once.
    again = browser.post(f"/workspace/invite/{token}", {"new_password": PASSWORD + "x"})
    assert again.status_code == 410 and "expired or was already used" in again.text
    assert {"users.create", "users.invite", "users.invite_accepted"} <= set(_actions(runtime))


def test_an_invitation_survives_a_mail_server_that_is_down(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    alice = cast["alice"]
    with refused_port() as down:
        runtime.settings = runtime.settings.model_copy(update={"smtp_port": down})
        page = alice.post(
            "/workspace/staff/invite",
            {"email": "kim@demo.example", "display_name": "Kim", "role": "technician"},
        )
    assert page.status_code == 200 and "could not be sent: use Resend" in page.text
    with smtp_inbox() as box:
        runtime.settings = runtime.settings.model_copy(update={"smtp_port": box.port})
        resent = alice.post(
            "/workspace/staff/access", {"email": "kim@demo.example", "action": "resend"}
        )
    assert resent.status_code == 200 and "Invitation sent again" in resent.text
    assert (
        len(box.messages) == 1
        and "/workspace/invite/" in box.messages[0].get_payload(decode=True).decode()
    )
    with runtime.db() as s:
        live = s.scalar(
            select(func.count()).select_from(Invitation).where(Invitation.expires_at > now())
        )
    assert live == 1  # the first link was replaced by the second


def test_invitation_input_is_checked(cast: dict[str, Member]) -> None:
    alice = cast["alice"]
    bad = alice.post(
        "/workspace/staff/invite", {"email": "nope", "display_name": "X", "role": "nurse"}
    )
    assert bad.status_code == 422 and "not a valid email address" in bad.text
    assert 'value="nope"' in bad.text  # what was typed stays
    role = alice.post(
        "/workspace/staff/invite", {"email": "a@b.example", "display_name": "X", "role": "chef"}
    )
    assert role.status_code == 422 and "must be one of" in role.text
    member = alice.post(
        "/workspace/staff/invite",
        {"email": cast["ted"].email, "display_name": "T", "role": "nurse"},
    )
    assert member.status_code == 422 and "already a member" in member.text


def test_disable_enable_unlock_and_remove_membership(
    cast: dict[str, Member], runtime: Runtime, clinic_b: int
) -> None:
    alice, ted = cast["alice"], cast["ted"]
    assert (
        alice.post("/workspace/staff/access", {"email": ted.email, "action": "disable"}).status_code
        == 303
    )
    assert ted.get("/workspace/patients").status_code == 303  # signed out: logins ended
    with runtime.db() as s:
        assert s.scalars(select(User.is_active).where(User.id == ted.user_id)).one() is False
    assert "disabled" in alice.get("/workspace/staff").text
    assert (
        alice.post("/workspace/staff/access", {"email": ted.email, "action": "enable"}).status_code
        == 303
    )
    # Five failed sign-ins lock Nina's account; the admin unlocks it.
    nina = cast["nina"]
    with runtime.db.begin() as s:
        for _ in range(runtime.settings.login_max_failures):
            throttle.note_failure(s, runtime.settings, throttle.PASSWORD, nina.email, Who(), now())
    assert "locked" in alice.get("/workspace/staff").text
    unlocked = alice.post("/workspace/staff/access", {"email": nina.email, "action": "unlock"})
    assert unlocked.status_code == 303
    with runtime.db() as s:
        left = s.scalar(select(func.count()).select_from(RateLimitHit))
    assert left == 0
    assert "locked" not in alice.get("/workspace/staff").text.split("<tbody>")[1]
    # Removing a membership of this clinic only: Cora also works at Northside.
    cora = cast["cora"]
    with runtime.db.begin() as s:
        s.add(Membership(user_id=cora.user_id, clinic_id=clinic_b, role="coordinator"))
    removed = alice.post("/workspace/staff/access", {"email": cora.email, "action": "remove"})
    assert removed.status_code == 303
    with runtime.db() as s:
        clinics = set(
            s.scalars(select(Membership.clinic_id).where(Membership.user_id == cora.user_id))
        )
        assert clinics == {clinic_b}
        live = s.scalars(
            select(Login).where(
                Login.user_id == cora.user_id,
                Login.clinic_id == runtime.clinic_id,
                Login.revoked_at.is_(None),
            )
        ).all()
        assert live == []
    assert cora.email not in alice.get("/workspace/staff").text
    # Not oneself, not another clinic's member, not an unknown action; admins only.
    own = alice.post("/workspace/staff/access", {"email": alice.email, "action": "disable"})
    assert own.status_code == 422 and "your own account" in own.text
    other = alice.post(
        "/workspace/staff/access", {"email": cast["oscar"].email, "action": "disable"}
    )
    assert other.status_code == 422 and "not a member of this clinic" in other.text
    odd = alice.post("/workspace/staff/access", {"email": ted.email, "action": "explode"})
    assert odd.status_code == 422
    assert (
        cast["priya"]
        .post("/workspace/staff/access", {"email": ted.email, "action": "disable"})
        .status_code
        == 403
    )
    assert {"users.disable", "users.enable", "users.unlock", "users.remove_membership"} <= set(
        _actions(runtime)
    )
