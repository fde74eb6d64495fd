"""Issue 14 item 4: single-use credentials stay single-use when fired at once.

Eight threads (eight browsers of one attacker who knows the password) send the same TOTP code,
the same recovery code, or the same reset link at the same moment; exactly one may win. Each
thread has its own unit of work, as separate web workers would. Most telling on PostgreSQL,
where the rows used to be read by everyone before anyone wrote.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pyotp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.cast import PASSWORD, add_user
from trdnav.features.accounts import auth, credentials
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import Login, ResetToken, User

THREADS = 8


def _now() -> datetime:
    return datetime.now(UTC)


def _race(runtime: Runtime, attempt: Callable[[Session, int], bool]) -> int:
    """Run `attempt` in THREADS threads released together; how many succeeded."""
    barrier = threading.Barrier(THREADS)
    wins: list[bool] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            with runtime.db() as db:
                barrier.wait(timeout=30)
                ok = attempt(db, i)
                db.commit()
                wins.append(ok)
        except BaseException as exc:  # a crash must fail the test, not pass silently
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(wins) == THREADS
    return sum(wins)


def _pending_logins(runtime: Runtime, user_id: int) -> list[int]:
    """One password-only login per attacking browser."""
    ids = []
    with runtime.db.begin() as db:
        user = db.get(User, user_id)
        assert user is not None
        for _ in range(THREADS):
            token = auth.open_login(db, runtime.settings, user, _now(), mfa_done=False)
            login = db.scalar(select(Login).where(Login.token_hash == auth.token_hash(token)))
            assert login is not None
            ids.append(login.id)
    return ids


def _full_logins(runtime: Runtime, user_id: int) -> int:
    with runtime.db() as db:
        stmt = select(func.count(Login.id)).where(
            Login.user_id == user_id, Login.mfa_done.is_(True), Login.revoked_at.is_(None)
        )
        return db.scalar(stmt) or 0


def test_one_totp_code_opens_one_login(runtime: Runtime) -> None:
    user_id, _, secret = add_user(runtime, "tess", "prescriber", runtime.clinic.slug)
    pending = _pending_logins(runtime, user_id)
    code = pyotp.TOTP(secret).now()

    def attempt(db: Session, i: int) -> bool:
        login = db.get(Login, pending[i])
        assert login is not None
        step = credentials.finish_second_factor(db, runtime.settings, login, code, None, _now())
        return step.token is not None

    assert _race(runtime, attempt) == 1
    assert _full_logins(runtime, user_id) == 1


def test_one_recovery_code_opens_one_login(runtime: Runtime) -> None:
    user_id, _, _ = add_user(runtime, "rory", "prescriber", runtime.clinic.slug)
    with runtime.db.begin() as db:
        user = db.get(User, user_id)
        assert user is not None
        code = auth.new_recovery_codes(db, user)[0]
    pending = _pending_logins(runtime, user_id)

    def attempt(db: Session, i: int) -> bool:
        login = db.get(Login, pending[i])
        assert login is not None
        step = credentials.finish_second_factor(db, runtime.settings, login, code, None, _now())
        return step.token is not None

    assert _race(runtime, attempt) == 1
    assert _full_logins(runtime, user_id) == 1
    with runtime.db() as db:
        assert auth.remaining_recovery_codes(db, user_id) == 9


def test_one_pending_login_is_promoted_once(runtime: Runtime) -> None:
    """Different valid recovery codes on the same pending login still give one login."""
    user_id, _, _ = add_user(runtime, "pia", "prescriber", runtime.clinic.slug)
    with runtime.db.begin() as db:
        user = db.get(User, user_id)
        assert user is not None
        codes = auth.new_recovery_codes(db, user)[:THREADS]
    pending = _pending_logins(runtime, user_id)[0]

    def attempt(db: Session, i: int) -> bool:
        login = db.get(Login, pending)
        assert login is not None
        step = credentials.finish_second_factor(db, runtime.settings, login, codes[i], None, _now())
        return step.token is not None

    assert _race(runtime, attempt) == 1
    assert _full_logins(runtime, user_id) == 1


def test_one_reset_link_resets_once(runtime: Runtime) -> None:
    user_id, email, _ = add_user(runtime, "remy", "prescriber", runtime.clinic.slug)
    with runtime.db.begin() as db:
        sent = credentials.request_reset(db, runtime.settings, email, None, _now())
    assert sent is not None
    token = sent[1].rsplit("/", 1)[1]

    def attempt(db: Session, i: int) -> bool:
        new = f"{PASSWORD} number {i} of eight"
        return credentials.complete_reset(db, token, new, None, _now()).error is None

    assert _race(runtime, attempt) == 1
    with runtime.db() as db:
        row = db.scalar(select(ResetToken).where(ResetToken.user_id == user_id))
        assert row is not None and row.used_at is not None
