"""TOTP seeds are sealed at rest: the database alone never holds a usable second factor."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select, text

from tests.cast import add_user
from trdnav.platform.runtime import Runtime
from trdnav.storage import sealed
from trdnav.storage.models import User


def test_totp_seed_is_encrypted_in_the_database_and_plain_in_python(runtime: Runtime) -> None:
    seed = pyotp.random_base32()
    user_id, _email, enrolled = add_user(runtime, "sam", "nurse", "demo")
    with runtime.db() as s:  # the enrolled seed reads back as written
        assert s.scalars(select(User.totp_secret).where(User.id == user_id)).one() == enrolled
    with runtime.db.begin() as s:
        user = s.get(User, user_id)
        assert user is not None
        user.totp_secret = seed
    with runtime.db() as s:
        stored = s.execute(text("SELECT totp_secret FROM ws_users WHERE id = :i"), {"i": user_id})
        raw = stored.scalar_one()
        assert seed not in raw and raw.startswith("gAAAAA")
        assert s.get(User, user_id).totp_secret == seed  # type: ignore[union-attr]


def test_a_different_secret_key_cannot_open_sealed_seeds(runtime: Runtime) -> None:
    token = sealed.SealedString().process_bind_param("JBSWY3DPEHPK3PXP", runtime.database.dialect)
    sealed.configure("another-secret-key-of-enough-length-000")
    try:
        with pytest.raises(sealed.SealingError, match="does not open"):
            sealed.SealedString().process_result_value(token, runtime.database.dialect)
    finally:
        sealed.configure(runtime.settings.secret_key.get_secret_value())


def test_values_written_before_sealing_still_read(runtime: Runtime) -> None:
    assert sealed.SealedString().process_result_value(
        "JBSWY3DPEHPK3PXP", runtime.database.dialect
    ) == ("JBSWY3DPEHPK3PXP")
