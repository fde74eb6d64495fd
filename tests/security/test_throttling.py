"""Issue 14 items 3, 7 and 9: sign-in throttling that limits guessing without locking anyone out
for good, and password-reset links that cannot be sprayed.

The cast: Ted, a technician of the demo clinic (tests/cast.py accounts), and Mallory, who knows
Ted's password (or just his address) and sends requests from ever-changing addresses.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.cast import PASSWORD, add_user
from tests.support import smtp_inbox
from trdnav.cli import app as cli
from trdnav.features.accounts import auth, credentials, throttle
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent, Login, ResetToken

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
NEW_PASSWORD = "a brand new passphrase for ted"


def _password(rt: Runtime, email: str, password: str, at: datetime, ip: str | None = None):  # type: ignore[no-untyped-def]
    with rt.db.begin() as db:
        return auth.sign_in_password(db, rt.settings, email, password, ip, at)


def _code(rt: Runtime, token: str, code: str, at: datetime, ip: str | None = None) -> str | None:
    """The second-factor step on the pending login of `token`; the error, or None on success."""
    with rt.db.begin() as db:
        login = db.scalar(select(Login).where(Login.token_hash == auth.token_hash(token)))
        assert login is not None
        return credentials.finish_second_factor(db, rt.settings, login, code, ip, at).error


def test_second_factor_failures_are_not_reset_by_a_correct_password(runtime: Runtime) -> None:
    """'Password, then nine wrong codes', over and over from new addresses, is stopped."""
    _, email, secret = add_user(runtime, "ted", "technician", runtime.clinic.slug)
    at, wrong = T0, 0
    for round_ in range(3):
        ip = f"198.51.100.{round_}"  # a new address each round: the client limit never trips
        signed = _password(runtime, email, PASSWORD, at, ip)
        assert signed.token is not None, signed.error
        for _ in range(4):
            at += timedelta(seconds=5)
            error = _code(runtime, signed.token, "000000", at, ip)
            wrong += 1
            assert error is not None
            if wrong >= 10:
                assert "paused" in error
    # Twelve wrong codes in all: now even the right code waits, though the password is right.
    signed = _password(runtime, email, PASSWORD, at + timedelta(seconds=1), "203.0.113.9")
    assert signed.token is not None
    right = pyotp.TOTP(secret).at(at + timedelta(seconds=2))
    error = _code(runtime, signed.token, right, at + timedelta(seconds=2), "203.0.113.9")
    assert error is not None and "paused" in error


def test_pauses_grow_and_end_instead_of_a_permanent_lockout(runtime: Runtime) -> None:
    _, email, _ = add_user(runtime, "tia", "technician", runtime.clinic.slug)
    at = T0
    for _ in range(10):
        at += timedelta(seconds=1)
        result = _password(runtime, email, "wrong password!", at)
    assert result.locked and "paused for 1 minute." in (result.error or "")
    # During the pause even the right password waits, and the refusals do not count.
    for _ in range(20):
        refused = _password(runtime, email, "wrong again!!", at + timedelta(seconds=30))
        assert refused.locked
    # After the pause: one more failure, and the next pause is twice as long.
    at += timedelta(seconds=61)
    again = _password(runtime, email, "still wrong!!", at)
    assert again.locked and "paused for 2 minutes" in (again.error or "")
    assert _password(runtime, email, PASSWORD, at + timedelta(seconds=119)).locked
    # Pauses grow to the configured window and no further.
    for _ in range(10):
        at += timedelta(minutes=runtime.settings.login_window_minutes, seconds=1)
        last = _password(runtime, email, "wrong!!wrong!!", at)
    assert "paused for 15 minutes" in (last.error or "")
    later = at + timedelta(minutes=runtime.settings.login_window_minutes, seconds=1)
    assert _password(runtime, email, PASSWORD, later).token is not None


def test_a_successful_reset_unlocks_and_spends_every_other_link(runtime: Runtime) -> None:
    user_id, email, _ = add_user(runtime, "tom", "technician", runtime.clinic.slug)
    now = datetime.now(UTC)
    for _ in range(10):
        _password(runtime, email, "wrong password!", now)
    assert _password(runtime, email, PASSWORD, now).locked
    with runtime.db.begin() as db:
        first = credentials.request_reset(db, runtime.settings, email, "192.0.2.1", now)
        second = credentials.request_reset(db, runtime.settings, email, "192.0.2.1", now)
    assert first is not None and second is not None
    with runtime.db.begin() as db:
        done = credentials.complete_reset(db, second[1].rsplit("/", 1)[1], NEW_PASSWORD, None, now)
    assert done.error is None
    with runtime.db() as db:
        open_links = db.scalar(
            select(func.count(ResetToken.id)).where(
                ResetToken.user_id == user_id, ResetToken.used_at.is_(None)
            )
        )
        assert open_links == 0
        assert credentials.find_reset(db, first[1].rsplit("/", 1)[1], now) is None
    assert _password(runtime, email, NEW_PASSWORD, now).token is not None


def test_users_unlock_from_the_command_line(runtime: Runtime, database_url: str) -> None:
    _, email, _ = add_user(runtime, "tab", "technician", runtime.clinic.slug)
    now = datetime.now(UTC)
    for _ in range(10):
        _password(runtime, email, "wrong password!", now)
    assert _password(runtime, email, PASSWORD, now).locked
    result = CliRunner().invoke(cli, ["users", "unlock", email, "--database", database_url])
    assert result.exit_code == 0, result.output
    assert _password(runtime, email, PASSWORD, now).token is not None
    with runtime.db() as db:
        assert "users.unlock" in set(db.scalars(select(AuditEvent.action)))
    missing = CliRunner().invoke(
        cli, ["users", "unlock", "nobody@x.example", "--database", database_url]
    )
    assert missing.exit_code != 0


def test_reset_emails_are_limited_per_account_and_per_client(
    app: FastAPI, runtime: Runtime
) -> None:
    _, email, _ = add_user(runtime, "tess", "technician", runtime.clinic.slug)
    with smtp_inbox() as box:
        runtime.settings = runtime.settings.model_copy(update={"smtp_port": box.port})
        browser = TestClient(app)
        browser.get("/workspace/reset")
        token = next(v for k, v in browser.cookies.items() if k.endswith("csrf"))
        answers = []
        for _ in range(5):
            answer = browser.post("/workspace/reset", data={"email": email, "csrf_token": token})
            answers.append((answer.status_code, "sent" in answer.text.lower()))
        # Ten more addresses from the same client: only the client's limit is left.
        for i in range(10):
            browser.post(
                "/workspace/reset", data={"email": f"guess{i}@demo.example", "csrf_token": token}
            )
    assert len({a for a in answers}) == 1  # the same answer every time
    assert len(box.messages) == throttle.RESET_PER_ACCOUNT.limit
    with runtime.db() as db:
        outcomes = list(
            db.scalars(
                select(AuditEvent.outcome).where(AuditEvent.action == "auth.reset_requested")
            )
        )
    assert outcomes.count("ok") == 3 and outcomes.count("throttled") >= 2
    assert outcomes.count("unknown_account") == throttle.RESET_PER_CLIENT.limit - 5
