"""Authorization in ONE place: roles, what each may do, and clinic-scoped record loading.

Every workspace route names one permission from `PERMISSIONS` and loads records only through
`load_for_user`, which answers "not found" for anything outside the actor's clinic, so a
record's existence never leaks across clinics (404, not 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar

from sqlalchemy.orm import Session

from trdnav.platform.audit import Who

Role = Literal["admin", "prescriber", "coordinator", "technician", "nurse"]
ROLES: Final[tuple[Role, ...]] = ("admin", "prescriber", "coordinator", "technician", "nurse")

_ALL: Final[frozenset[str]] = frozenset(ROLES)
_CARE: Final = frozenset({"admin", "prescriber", "coordinator", "nurse"})
_CLINICAL: Final = frozenset({"prescriber", "nurse"})

# Minimum necessary: technicians deliver sessions, so they read records but do not triage the
# inbox; only prescribers decide candidacy; only admins manage accounts and read the audit trail.
# Coordinators and prescribers work prior authorizations; admins read them.
PERMISSIONS: Final[dict[str, frozenset[str]]] = {
    "workspace.home": _ALL,
    "inbox.view": _CARE,
    "inbox.update": frozenset({"admin", "prescriber", "coordinator"}),
    "inbox.convert": frozenset({"admin", "prescriber", "coordinator"}),
    "patient.view": _ALL,
    "patient.edit": _CARE,
    "patient.clinical": _CLINICAL,
    "patient.merge": frozenset({"admin", "prescriber", "coordinator"}),
    "candidacy.decide": frozenset({"prescriber"}),
    "coverage.view": frozenset({"admin", "prescriber", "coordinator"}),
    "coverage.work": frozenset({"prescriber", "coordinator"}),
    "audit.view": frozenset({"admin"}),
    "audit.export": frozenset({"admin"}),
    "users.manage": frozenset({"admin"}),
    # Scheduling: everyone sees the calendars (technicians deliver the sessions); admins and
    # coordinators book, change and plan the waitlist; admins manage API tokens.
    "schedule.view": _ALL,
    "schedule.book": frozenset({"admin", "coordinator"}),
    "tokens.manage": frozenset({"admin"}),
    # Safety alerts are clinical: the clinic's prescribers and nurses see and close them.
    "alerts.view": _CLINICAL,
    "alerts.close": _CLINICAL,
    # Session records (issue 9): everyone sees the day's board and reads records; prescribers
    # and nurses record sessions, technicians too but only TMS ones (the service checks the
    # kind); the REMS forms are clinical work; billing is read by admins, coordinators and
    # prescribers.
    "sessions.view": _ALL,
    "sessions.record": frozenset({"prescriber", "nurse", "technician"}),
    "rems.view": frozenset({"admin", "prescriber", "nurse"}),
    "rems.work": _CLINICAL,
    "billing.view": frozenset({"admin", "coordinator", "prescriber"}),
    # Measurement-based care: clinicians record and read scores and export FHIR; the outcome
    # dashboard holds no names, so admins read it too.
    "measurement.view": _CLINICAL,
    "measurement.record": _CLINICAL,
    "outcomes.view": frozenset({"admin", "prescriber", "nurse"}),
    "fhir.export": _CLINICAL,
}


class NotFound(LookupError):
    """The record does not exist for this actor (including: it belongs to another clinic)."""


class Forbidden(PermissionError):
    """The actor's role does not allow this action in their clinic."""


@dataclass(frozen=True)
class Actor:
    """A signed-in, two-factor-verified staff member acting in one clinic."""

    user_id: int
    email: str
    display_name: str
    role: str
    clinic_id: int
    login_id: int
    ip: str | None = None

    @property
    def who(self) -> Who:
        """The actor as the audit trail records it."""
        return Who(self.user_id, self.email, self.role, self.clinic_id, self.ip)

    def can(self, permission: str) -> bool:
        """True when the actor's role grants `permission`."""
        return self.role in PERMISSIONS[permission]


def authorize(actor: Actor, permission: str) -> None:
    """Raise Forbidden unless the actor's role grants the permission."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not actor.can(permission):
        raise Forbidden(permission)


M = TypeVar("M")


def load_for_user(db: Session, actor: Actor, model: type[M], record_id: Any) -> M:
    """The record with this id in the actor's clinic; NotFound otherwise (never 'forbidden')."""
    try:
        obj = db.get(model, record_id)
    except (ValueError, TypeError) as exc:  # a malformed id is simply not found
        raise NotFound(model.__name__) from exc
    if obj is None or getattr(obj, "clinic_id", None) != actor.clinic_id:
        raise NotFound(model.__name__)
    return obj


def load_child(
    db: Session, actor: Actor, model: type[M], record_id: Any, parent_field: str, parent: Any
) -> M:
    """A record that must also belong to `parent` (e.g. a diagnosis of this patient)."""
    obj = load_for_user(db, actor, model, record_id)
    if getattr(obj, parent_field) != parent:
        raise NotFound(model.__name__)
    return obj
