"""The admin changes roles in their own clinic only; every change is audited."""

from __future__ import annotations

from sqlalchemy import select

from tests.cast import Member
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent, Membership


def test_admin_changes_a_role_and_it_is_audited(cast: dict[str, Member], runtime: Runtime) -> None:
    alice, ted = cast["alice"], cast["ted"]
    page = alice.get("/workspace/staff")
    assert page.status_code == 200 and ted.email in page.text
    assert cast["oscar"].email not in page.text
    assert ted.get("/workspace/patients").status_code == 200
    assert ted.get("/workspace/consultations").status_code == 403
    done = alice.post("/workspace/staff/role", {"email": ted.email, "role": "coordinator"})
    assert done.status_code == 303
    # The new role applies on the very next request of the open session.
    assert ted.get("/workspace/consultations").status_code == 200
    with runtime.db() as s:
        event = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "users.role_change")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event is not None and '"from":"technician"' in event.detail
        assert event.actor_email == alice.email


def test_no_role_change_outside_the_clinic_or_for_oneself(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    alice = cast["alice"]
    other = alice.post("/workspace/staff/role", {"email": cast["oscar"].email, "role": "admin"})
    assert other.status_code == 422 and "no member" in other.text
    own = alice.post("/workspace/staff/role", {"email": alice.email, "role": "nurse"})
    assert own.status_code == 422 and "your own role" in own.text
    bad = alice.post("/workspace/staff/role", {"email": cast["ted"].email, "role": "chef"})
    assert bad.status_code == 422 and "must be one of" in bad.text
    with runtime.db() as s:
        roles = {m.user_id: m.role for m in s.scalars(select(Membership))}
    assert roles[cast["oscar"].user_id] == "prescriber" and roles[alice.user_id] == "admin"
