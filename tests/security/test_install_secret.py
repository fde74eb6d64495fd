"""Issue 14 item 5: no public development secret. An install without a configured secret gets
its own random one on first run (a 0600 file beside the SQLite database); binding to a
non-loopback address without a configured secret prints a loud warning.

The cast: Dev, who runs `make run` on a laptop with no configuration, and Eve, who obtained a
copy of Dev's database and knows the old public development key.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import String, cast, select

from tests.support import free_port, wait_until_up
from trdnav.features.accounts.users import clinic_by_slug, create_user
from trdnav.platform.install_secret import FILENAME, exposure_warning, is_loopback
from trdnav.platform.runtime import build_runtime
from trdnav.platform.settings import DEV_SECRET, Settings
from trdnav.storage import sealed
from trdnav.storage.models import User

PASSWORD = "correct horse battery staple"


def _dev(db: Path, **extra: object) -> Settings:
    return Settings(  # type: ignore[call-arg]
        environment="development", database_url=f"sqlite:///{db}", _env_file=None, **extra
    )


def _raw_seed(settings: Settings) -> str:
    rt = build_runtime(settings)
    try:
        with rt.db() as s:
            raw = s.scalar(select(cast(User.totp_secret, String)))
        assert raw is not None
        return raw
    finally:
        rt.close()


def test_first_run_generates_a_private_secret_beside_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRDNAV_SECRET_KEY", raising=False)
    settings = _dev(tmp_path / "trdnav.db")
    rt = build_runtime(settings)
    rt.close()
    secret_file = tmp_path / FILENAME
    assert secret_file.exists()
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    key = settings.secret_key.get_secret_value()
    assert key != DEV_SECRET and len(key) >= 32 and key == secret_file.read_text().strip()
    # The next start (another process, another worker) uses the same secret.
    again = _dev(tmp_path / "trdnav.db")
    build_runtime(again).close()
    assert again.secret_key.get_secret_value() == key


def test_a_configured_secret_writes_no_file(tmp_path: Path) -> None:
    settings = _dev(tmp_path / "trdnav.db", secret_key="x" * 40)
    build_runtime(settings).close()
    assert not (tmp_path / FILENAME).exists()
    assert settings.secret_key.get_secret_value() == "x" * 40


def test_a_copy_of_the_database_does_not_open_with_the_public_key(tmp_path: Path) -> None:
    settings = _dev(tmp_path / "trdnav.db")
    rt = build_runtime(settings)
    try:
        with rt.db.begin() as s:
            user = create_user(
                s, "dev@demo.example", "admin", clinic_by_slug(s, "demo"), PASSWORD, now()
            )
            user.totp_secret = "JBSWY3DPEHPK3PXP"
    finally:
        rt.close()
    raw = _raw_seed(_dev(tmp_path / "trdnav.db"))
    sealed.configure(DEV_SECRET)  # Eve's attempt
    with pytest.raises((InvalidToken, sealed.SealingError)):
        sealed.SealedString().process_result_value(raw, None)  # type: ignore[arg-type]


def test_seeds_sealed_with_the_old_public_key_are_sealed_again(tmp_path: Path) -> None:
    """An install from before keeps working: its seeds open once and are re-sealed."""
    old = _dev(tmp_path / "trdnav.db", secret_key=DEV_SECRET)
    old.environment = "test"  # the old behaviour: the public key, no generated file
    rt = build_runtime(old)
    try:
        with rt.db.begin() as s:
            user = create_user(
                s, "dev@demo.example", "admin", clinic_by_slug(s, "demo"), PASSWORD, now()
            )
            user.totp_secret = "JBSWY3DPEHPK3PXP"
    finally:
        rt.close()
    fresh = _dev(tmp_path / "trdnav.db")
    raw = _raw_seed(fresh)  # build_runtime with the generated key re-seals
    rt = build_runtime(fresh)
    try:
        with rt.db() as s:
            assert s.scalars(select(User.totp_secret)).one() == "JBSWY3DPEHPK3PXP"
    finally:
        rt.close()
    assert not sealed.needs_resealing(raw)
    sealed.configure(DEV_SECRET)
    with pytest.raises((InvalidToken, sealed.SealingError)):
        sealed.SealedString().process_result_value(raw, None)  # type: ignore[arg-type]


def now() -> datetime:
    return datetime.now(UTC)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("clinic.example", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_warning_names_the_missing_secret(tmp_path: Path) -> None:
    generated = _dev(tmp_path / "trdnav.db")
    build_runtime(generated).close()
    assert exposure_warning(generated, "127.0.0.1") is None
    warning = exposure_warning(generated, "0.0.0.0")
    assert warning is not None and "TRDNAV_SECRET_KEY" in warning and FILENAME in warning
    assert exposure_warning(_dev(tmp_path / "t.db", secret_key="y" * 40), "0.0.0.0") is None


def test_serve_on_all_interfaces_without_a_secret_warns_loudly(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRDNAV_")}
    env["TRDNAV_DATABASE_URL"] = f"sqlite:///{tmp_path / 'trdnav.db'}"
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "trdnav"),
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", proc)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    text = err.decode()
    assert "WARNING" in text and "no secret key is configured" in text
    assert (tmp_path / FILENAME).exists()
