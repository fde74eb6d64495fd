"""The install's own secret key, generated on first run when none is configured.

The secret signs CSRF tokens, keys client hashes and seals TOTP seeds. A public default would
let anyone holding a copy of the database open those seeds, so an install without
TRDNAV_SECRET_KEY(_FILE) gets a random one: 48 random bytes in a file beside the SQLite database
(mode 0600, created atomically so that several workers agree on one), or in `var/` otherwise.
Production refuses to start without a configured secret (platform.settings).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import secrets
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy.engine import make_url

from trdnav.platform.settings import DEV_SECRET, Settings

log = logging.getLogger(__name__)
FILENAME = "trdnav.secret"
WARNING = (
    "WARNING: TRD Navigator is listening on {host}, reachable from other machines, but no "
    "secret key is configured (TRDNAV_SECRET_KEY or TRDNAV_SECRET_KEY_FILE). It uses the key "
    "generated for this install in {path}; anyone who can read that file or copy the database "
    "next to it can forge sign-in tokens and open TOTP seeds. Configure a secret (32+ random "
    "characters) from a secret store, and set TRDNAV_ENVIRONMENT=production."
)


def configured(settings: Settings) -> bool:
    """True when an operator set the secret (not generated for this install)."""
    return settings.secret_key.get_secret_value() != DEV_SECRET and not settings._generated_secret


def secret_path(settings: Settings) -> Path:
    """Where this install's generated secret lives: beside the SQLite file, else in var/."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent / FILENAME
    return Path("var").resolve() / FILENAME


def _read_or_create(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{FILENAME}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # atomic: exactly one process's secret wins
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def ensure_secret(settings: Settings) -> Settings:
    """Give settings without a configured secret this install's generated one (idempotent)."""
    if settings.environment == "test" or configured(settings):
        return settings
    if settings._generated_secret is not None:
        return settings
    path = secret_path(settings)
    settings.secret_key = SecretStr(_read_or_create(path))
    settings._generated_secret = path
    return settings


def generated_path(settings: Settings) -> Path | None:
    """The file of the generated secret in use, or None when the secret was configured."""
    return settings._generated_secret


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(settings: Settings, host: str) -> str | None:
    """The loud warning for a non-loopback bind without a configured secret, or None."""
    if is_loopback(host) or configured(settings):
        return None
    return WARNING.format(host=host, path=generated_path(settings) or secret_path(settings))
