"""Password policy (NIST SP 800-63B / OWASP ASVS L2) and argon2id hashing.

At least 12 characters, no composition rules, common passwords rejected. Hashing is slow on
purpose: web code calls these through `anyio.to_thread.run_sync`, never on the event loop.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common_passwords.txt"

# OWASP's argon2id minimum: m=19 MiB, t=2, p=1.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID)
# Verified when an email is unknown, so a miss costs the same time as a wrong password.
_DUMMY_HASH = HASHER.hash("not-a-real-password-but-same-cost")


class WeakPassword(ValueError):
    """The password breaks the policy; the message says why, in plain words."""


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-case."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def check_policy(password: str, *, email: str | None = None) -> None:
    """Raise WeakPassword when the password is too short, too long, common or guessable."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"must be at most {MAX_LENGTH} characters")
    lowered = password.lower()
    stem = lowered.rstrip(string.digits + string.punctuation + " ")
    common = common_passwords()
    if lowered in common or stem in common or len(set(lowered)) < 4:
        raise WeakPassword("is too common or too easy to guess; try a few unrelated words")
    if email:
        local = email.split("@", 1)[0].lower()
        if len(local) >= 4 and local in lowered:
            raise WeakPassword("must not contain your email address")


def hash_password(password: str) -> str:
    """An argon2id hash (blocking)."""
    return HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when the password matches the hash (blocking); a missing hash costs the same time."""
    try:
        return HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
