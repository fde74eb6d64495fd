"""The audit chain anchored outside the database: its keys from settings, signed checkpoints.

Whoever can write to the database can delete the newest entries and move the head back; the
chain alone cannot tell. A checkpoint is the head (last entry id and hash) at a moment, signed
with the audit key and appended to a file outside the database (and logged, for a log shipper
to carry off the host). `trdnav audit verify --checkpoint FILE` then proves that every entry a
checkpoint saw is still there, unchanged. `trdnav audit checkpoint` writes one; `trdnav jobs
run` (cron) writes one whenever the head has moved.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from trdnav.platform import audit
from trdnav.platform.settings import Settings
from trdnav.storage.models import AuditEvent, AuditHead

log = logging.getLogger("trdnav.audit.checkpoint")
FILENAME = "audit-checkpoints.jsonl"


def _parse_keys(value: str) -> dict[str, bytes]:
    out = {}
    for part in value.split(","):
        key_id, sep, key = part.strip().partition(":")
        if not sep or not key_id or not key:
            raise ValueError("TRDNAV_AUDIT_PREVIOUS_KEYS: expected id:key[,id:key...]")
        out[key_id] = key.encode()
    return out


def _key_id(key: bytes) -> str:
    return "h" + hashlib.sha256(key).hexdigest()[:12]


def configure_from(settings: Settings) -> None:
    """Configure platform.audit's keys from settings (derived from the secret key if unset).

    The key derived from the secret key stays trusted for the entries it signed after a
    dedicated TRDNAV_AUDIT_KEY is configured; older dedicated keys go in
    TRDNAV_AUDIT_PREVIOUS_KEYS.
    """
    secret = settings.secret_key.get_secret_value().encode()
    derived = hmac.new(secret, b"trdnav audit chain key", hashlib.sha256).digest()
    trusted = {_key_id(derived): derived}
    if settings.audit_previous_keys is not None:
        trusted |= _parse_keys(settings.audit_previous_keys.get_secret_value())
    key = derived
    if settings.audit_key is not None:
        key = settings.audit_key.get_secret_value().encode()
    audit.configure(settings.audit_key_id or _key_id(key), key, trusted)


def checkpoint_path(settings: Settings) -> Path:
    """Where checkpoints are appended: as configured, else beside the SQLite file, else var/."""
    if settings.audit_checkpoint_file is not None:
        return settings.audit_checkpoint_file
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent / FILENAME
    return Path("var").resolve() / FILENAME


@dataclass(frozen=True)
class Checkpoint:
    """The chain head at a moment, signed with the audit key."""

    at: str
    last_id: int
    last_hash: str
    key_id: str
    signature: str = ""

    def _payload(self) -> bytes:
        return f"trdnav-audit-checkpoint|{self.at}|{self.last_id}|{self.last_hash}".encode()

    def signed(self, key: bytes) -> Checkpoint:
        sig = hmac.new(key, self._payload(), hashlib.sha256).hexdigest()
        return Checkpoint(self.at, self.last_id, self.last_hash, self.key_id, sig)

    def valid(self, key: bytes) -> bool:
        return hmac.compare_digest(self.signed(key).signature, self.signature)

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def current(db: Session, now: datetime) -> Checkpoint:
    """A signed checkpoint of the chain head now."""
    head = db.get(AuditHead, 1)
    keys = audit.keys()
    last_id, last_hash = (head.last_id, head.last_hash) if head else (0, audit.GENESIS)
    at = now.astimezone(UTC).isoformat(timespec="seconds")
    return Checkpoint(at, last_id, last_hash, keys.current).signed(keys.by_id[keys.current])


def append(path: Path, point: Checkpoint) -> None:
    """Append a checkpoint line (file mode 0600, flushed to disk) and log it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as out:
        out.write(point.line() + "\n")
        out.flush()
        os.fsync(out.fileno())
    log.info("audit checkpoint %s", point.line())


def last_written(path: Path) -> Checkpoint | None:
    """The newest checkpoint in a file, or None."""
    points = read(path) if path.exists() else []
    return points[-1] if points else None


def read(path: Path) -> list[Checkpoint]:
    """Every checkpoint of a file, oldest first; ValueError naming a malformed line."""
    points = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            points.append(
                Checkpoint(
                    str(data["at"]),
                    int(data["last_id"]),
                    str(data["last_hash"]),
                    str(data["key_id"]),
                    str(data["signature"]),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a checkpoint line") from exc
    return points


def check(db: Session, points: list[Checkpoint]) -> str | None:
    """The first way the database contradicts a checkpoint, or None when all of them hold."""
    trusted = audit.keys().by_id
    for point in points:
        key = trusted.get(point.key_id)
        if key is None:
            return f"checkpoint of {point.at} is signed with key {point.key_id!r}, not configured"
        if not point.valid(key):
            return f"checkpoint of {point.at} has a bad signature (forged checkpoint)"
        if point.last_id == 0:
            continue
        row = db.get(AuditEvent, point.last_id)
        if row is None:
            return (
                f"entry {point.last_id}, seen by the checkpoint of {point.at}, is missing "
                "(the newest entries were deleted)"
            )
        if not hmac.compare_digest(row.hash, point.last_hash):
            return (
                f"entry {point.last_id} differs from the checkpoint of {point.at} "
                "(the chain was rewritten)"
            )
    return None
