"""The audit trail: append-only, hash-chained with a secret key, verifiable.

Each entry stores the previous entry's hash and its own: an HMAC-SHA256, under a key kept
outside the database, over a canonical JSON of its fields (the key's id is stored with the
entry, so keys can be rotated and older entries still verify). Without the key nobody can
recompute the chain after an edit or forge an entry. Entries from before keyed hashing carry no
key id and a plain SHA-256; verify reports them as legacy and refuses an unkeyed entry after a
keyed one. Cutting off the newest entries is caught against signed checkpoints of the head kept
outside the database (platform.audit_anchor).

Appends lock the single chain-head row, so concurrent workers on several hosts never fork the
chain (PostgreSQL: SELECT ... FOR UPDATE; SQLite: BEGIN IMMEDIATE already serializes writers).
Entries carry ids, never names or answers: the trail itself holds no PHI.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from trdnav.storage.models import AuditEvent, AuditHead, Membership

GENESIS = "0" * 64
LEGACY = "unkeyed SHA-256 (written before keyed hashing)"


class AuditKeyError(RuntimeError):
    """No audit key is configured (the runtime configures it from settings at start)."""


@dataclass(frozen=True)
class Keys:
    """The key that signs new entries and every key trusted for verifying, by id."""

    current: str
    by_id: dict[str, bytes]


_keys: Keys | None = None


def configure(current_id: str, current: bytes, previous: dict[str, bytes] | None = None) -> None:
    """Set the signing key (and older keys still trusted); once per process start."""
    global _keys
    _keys = Keys(current_id, {**(previous or {}), current_id: current})


def keys() -> Keys:
    """The configured keys, or AuditKeyError."""
    if _keys is None:
        raise AuditKeyError("the audit chain needs platform.audit.configure(...) first")
    return _keys


@dataclass(frozen=True)
class Who:
    """The actor and where the request came from (a staff member's IP is not patient PHI)."""

    user_id: int | None = None
    email: str | None = None
    role: str | None = None
    clinic_id: int | None = None
    ip: str | None = None


def _canonical(event: AuditEvent) -> bytes:
    fields = {
        "id": event.id,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_user_id": event.actor_user_id,
        "actor_email": event.actor_email,
        "role": event.role,
        "clinic_id": event.clinic_id,
        "patient_id": event.patient_id,
        "action": event.action,
        "target": event.target,
        "outcome": event.outcome,
        "ip": event.ip,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }
    if event.key_id is not None:
        fields["key_id"] = event.key_id
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def entry_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """The hash an entry must carry: HMAC under its key, SHA-256 for a legacy entry."""
    if event.key_id is None:
        return hashlib.sha256(_canonical(event)).hexdigest()
    if key is None:
        key = keys().by_id[event.key_id]
    return hmac.new(key, _canonical(event), hashlib.sha256).hexdigest()


def record(
    db: Session,
    now: datetime,
    action: str,
    who: Who,
    *,
    patient_id: str | None = None,
    target: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry in the caller's transaction; it commits or rolls back with the action."""
    signing = keys()
    head = db.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    event = AuditEvent(
        id=head.last_id + 1,
        # Microsecond precision is what both backends keep, so the hash survives a round trip.
        at=now.astimezone(UTC),
        actor_user_id=who.user_id,
        actor_email=who.email,
        role=who.role,
        clinic_id=who.clinic_id,
        patient_id=patient_id,
        action=action,
        target=target,
        outcome=outcome,
        ip=who.ip,
        detail=json.dumps(detail or {}, sort_keys=True, separators=(",", ":")),
        prev_hash=head.last_hash,
        key_id=signing.current,
    )
    event.hash = entry_hash(event, signing.by_id[signing.current])
    db.add(event)
    head.last_id, head.last_hash = event.id, event.hash
    db.flush()
    return event


@dataclass(frozen=True)
class Verification:
    """The result of walking the chain; `first_bad_id` names the first broken entry."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str | None = None
    legacy: int = 0  # entries from before keyed hashing (plain SHA-256), all at the start
    last_id: int = 0
    last_hash: str = GENESIS


def _walk(db: Session) -> Iterator[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=500)
    yield from db.scalars(stmt)


def _check(event: AuditEvent, trusted: dict[str, bytes], keyed_seen: bool) -> str | None:
    if event.key_id is None:
        if keyed_seen:
            return f"entry {event.id} is unkeyed after keyed entries (forged)"
        return None if entry_hash(event) == event.hash else f"entry {event.id} was altered"
    key = trusted.get(event.key_id)
    if key is None:
        return f"entry {event.id} is signed with key {event.key_id!r}, which is not configured"
    if not hmac.compare_digest(entry_hash(event, key), event.hash):
        return f"entry {event.id} was altered (or forged without the key)"
    return None


def verify(db: Session) -> Verification:
    """Walk the whole chain; report the first altered, forged, deleted or re-ordered entry."""
    trusted = keys().by_id
    expected_id, prev, checked, legacy = 1, GENESIS, 0, 0
    for event in _walk(db):
        if event.id != expected_id:
            return Verification(
                False, checked, expected_id, f"entry {expected_id} is missing (deleted)", legacy
            )
        if event.prev_hash != prev:
            unlinked = f"entry {event.id} does not follow entry {event.id - 1}"
            return Verification(False, checked, event.id, unlinked, legacy)
        if problem := _check(event, trusted, legacy < checked):
            return Verification(False, checked, event.id, problem, legacy)
        legacy += event.key_id is None
        prev, expected_id, checked = event.hash, expected_id + 1, checked + 1
    head = db.get(AuditHead, 1)
    if head is None or head.last_id != expected_id - 1 or head.last_hash != prev:
        last = head.last_id if head else expected_id
        return Verification(
            False,
            checked,
            expected_id,
            f"entries {expected_id}..{last} after the last one found are missing (deleted)",
            legacy,
        )
    return Verification(True, checked, legacy=legacy, last_id=expected_id - 1, last_hash=prev)


@dataclass(frozen=True)
class AuditFilter:
    """Filters of the admin viewer; all optional."""

    clinic_id: int | None = None
    action: str | None = None
    actor_email: str | None = None
    patient_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(stmt: Select[Any], f: AuditFilter) -> Select[Any]:
    if f.clinic_id is not None:
        # Sign-in events happen before a clinic is chosen: they belong to the clinic's members.
        members = select(Membership.user_id).where(Membership.clinic_id == f.clinic_id)
        stmt = stmt.where(
            (AuditEvent.clinic_id == f.clinic_id)
            | (AuditEvent.clinic_id.is_(None) & AuditEvent.actor_user_id.in_(members))
        )
    if f.action:
        stmt = stmt.where(AuditEvent.action.startswith(f.action))
    if f.actor_email:
        stmt = stmt.where(AuditEvent.actor_email == f.actor_email.strip().lower())
    if f.patient_id:
        stmt = stmt.where(AuditEvent.patient_id == f.patient_id.strip())
    if f.since:
        stmt = stmt.where(AuditEvent.at >= f.since)
    if f.until:
        stmt = stmt.where(AuditEvent.at < f.until)
    return stmt


def search(db: Session, f: AuditFilter, limit: int = 200) -> tuple[list[AuditEvent], int]:
    """The newest matching entries (up to `limit`) and how many match in all."""
    total = db.scalar(_filtered(select(func.count(AuditEvent.id)), f)) or 0
    rows = db.scalars(_filtered(select(AuditEvent), f).order_by(AuditEvent.id.desc()).limit(limit))
    return list(rows), total


CSV_COLUMNS = (
    "id",
    "at",
    "actor_user_id",
    "actor_email",
    "role",
    "clinic_id",
    "patient_id",
    "action",
    "target",
    "outcome",
    "ip",
    "detail",
    "prev_hash",
    "hash",
    "key_id",
)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, -, @, tab or CR is quoted with '."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def export_rows(db: Session, f: AuditFilter) -> Iterator[list[str]]:
    """Every matching entry, oldest first, as CSV cells (formulas neutralized)."""
    stmt = _filtered(select(AuditEvent), f).order_by(AuditEvent.id)
    for event in db.scalars(stmt.execution_options(yield_per=500)):
        yield [
            csv_cell(
                "" if (v := getattr(event, c)) is None else (v.isoformat() if c == "at" else str(v))
            )
            for c in CSV_COLUMNS
        ]
