"""Secrets sealed at rest: columns whose values are encrypted with a key from the secret key.

Used for TOTP seeds: a copy of the database alone must not let anyone mint second-factor codes.
The key is derived (HKDF-SHA256) from TRDNAV_SECRET_KEY when the runtime starts; changing that
key makes sealed values unreadable, so staff would have to enrol two-factor again.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Dialect, String
from sqlalchemy.types import TypeDecorator

_FERNET_PREFIX = "gAAAAA"  # every Fernet token starts with its version byte and timestamp
_fernet: MultiFernet | None = None
_primary: Fernet | None = None


class SealingError(RuntimeError):
    """No key is configured, or a sealed value does not open with the configured key."""


def _derive(secret_key: str) -> Fernet:
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"trdnav sealed columns"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(raw))


def configure(secret_key: str, *older: str) -> None:
    """Derive the sealing key from the application's secret key (once per process start).

    Values sealed with an `older` key still open (and `needs_resealing` finds them); every new
    value is sealed with the current key.
    """
    global _fernet, _primary
    _primary = _derive(secret_key)
    _fernet = MultiFernet([_primary, *(_derive(k) for k in older)])


def needs_resealing(stored: str | None) -> bool:
    """True when a stored value is plain or opens only with an older key."""
    if stored is None or _primary is None:
        return False
    if not stored.startswith(_FERNET_PREFIX):
        return True
    try:
        _primary.decrypt(stored.encode())
    except InvalidToken:
        return True
    return False


def _key() -> MultiFernet:
    if _fernet is None:
        raise SealingError("sealed columns need storage.sealed.configure(secret_key) first")
    return _fernet


class SealedString(TypeDecorator[str]):
    """A string stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256); plain in Python."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else _key().encrypt(value.encode()).decode()

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not str(value).startswith(_FERNET_PREFIX):
            return str(value)  # written before sealing existed; sealed again on the next write
        try:
            return _key().decrypt(str(value).encode()).decode()
        except InvalidToken as exc:
            raise SealingError("a sealed value does not open with TRDNAV_SECRET_KEY") from exc
