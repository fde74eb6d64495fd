"""Sign-in (OWASP ASVS L2): argon2id, password policy, TOTP with replay protection, recovery
codes, throttling and lockout, server-side sessions (idle, absolute, revocation), reset."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.cast import PASSWORD, Member, add_user, now
from trdnav.features.accounts.guard import COOKIE
from trdnav.features.accounts.passwords import WeakPassword, check_policy, hash_password
from trdnav.platform.runtime import Runtime
from trdnav.platform.web.csrf import COOKIE as CSRF_COOKIE
from trdnav.storage.models import AuditEvent, Login, User


class Browser:
    """A fresh, signed-out browser."""

    def __init__(self, app: FastAPI) -> None:
        self.client = TestClient(app)
        self.client.get("/workspace/login")

    def post(self, url: str, data: dict[str, str]) -> object:
        headers = {"X-CSRF-Token": self.client.cookies[CSRF_COOKIE]}
        return self.client.post(url, data=data, headers=headers, follow_redirects=False)

    def get(self, url: str) -> object:
        return self.client.get(url, follow_redirects=False)


def code_at(secret: str, offset_steps: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(now()) + offset_steps)


def actions(runtime: Runtime) -> list[str]:
    with runtime.db() as s:
        return list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_argon2id_parameters_meet_owasp_minimum() -> None:
    stored = hash_password("a long enough passphrase")
    assert stored.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in stored


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "at least 12"),
        ("password1234", "too common"),
        ("qwertyuiop!!", "too common"),
        ("aaaaaaaaaaaaaaa", "too common"),
        ("alice-was-here-2026", "email"),
    ],
)
def test_password_policy_rejects(password: str, message: str) -> None:
    with pytest.raises(WeakPassword, match=message):
        check_policy(password, email="alice@demo.example")


def test_password_policy_has_no_composition_rules() -> None:
    check_policy("all lower case words here", email="alice@demo.example")


def test_enrollment_then_sign_in_with_totp(app: FastAPI, runtime: Runtime) -> None:
    with runtime.db.begin() as s:
        from trdnav.features.accounts.users import clinic_by_slug, create_user

        create_user(s, "new@demo.example", "nurse", clinic_by_slug(s, "demo"), PASSWORD, now())
    browser = Browser(app)
    first = browser.post("/workspace/login", {"email": "New@Demo.example ", "password": PASSWORD})
    assert first.status_code == 303 and first.headers["location"] == "/workspace/enroll"
    # A password alone reaches no health data.
    assert browser.get("/workspace/patients").headers["location"].endswith("/second-factor")
    page = browser.get("/workspace/enroll")
    assert page.status_code == 200 and "<svg" in page.text and 'id="totp-secret"' in page.text
    with runtime.db() as s:
        secret = s.scalars(select(User.totp_secret).where(User.email == "new@demo.example")).one()
    assert secret is not None and " ".join(re.findall(".{1,4}", secret)) in page.text
    wrong = browser.post("/workspace/enroll", {"code": "000000"})
    assert wrong.status_code == 401
    first_code = code_at(secret)
    done = browser.post("/workspace/enroll", {"code": first_code})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", done.text)
    assert len(codes) == 10
    assert browser.get("/workspace/patients").status_code == 200
    # Sign out; sign in again with the next time-step's code; the same code cannot be replayed.
    assert browser.post("/workspace/logout", {}).status_code == 303
    assert browser.get("/workspace/patients").headers["location"].startswith("/workspace/login")
    again = browser.post("/workspace/login", {"email": "new@demo.example", "password": PASSWORD})
    assert again.headers["location"] == "/workspace/login/second-factor"
    replay = browser.post("/workspace/login/second-factor", {"code": first_code})
    assert replay.status_code == 401
    ok = browser.post("/workspace/login/second-factor", {"code": code_at(secret, 1)})
    assert ok.status_code == 303 and ok.headers["location"] == "/workspace"
    # A recovery code works once.
    browser.post("/workspace/logout", {})
    browser.post("/workspace/login", {"email": "new@demo.example", "password": PASSWORD})
    assert browser.post("/workspace/login/second-factor", {"code": codes[0]}).status_code == 303
    browser.post("/workspace/logout", {})
    browser.post("/workspace/login", {"email": "new@demo.example", "password": PASSWORD})
    assert browser.post("/workspace/login/second-factor", {"code": codes[0]}).status_code == 401
    assert {"auth.totp_enrolled", "auth.login", "auth.logout"} <= set(actions(runtime))


def test_session_id_rotates_at_second_factor(cast: dict[str, Member], app: FastAPI) -> None:
    priya = cast["priya"]
    browser = Browser(app)
    browser.post("/workspace/login", {"email": priya.email, "password": PASSWORD})
    pending = browser.client.cookies[COOKIE]
    browser.post("/workspace/login/second-factor", {"code": code_at(priya.totp)})
    assert browser.client.cookies[COOKIE] != pending


def test_cookie_flags(cast: dict[str, Member], app: FastAPI) -> None:
    browser = Browser(app)
    response = browser.post("/workspace/login", {"email": cast["nina"].email, "password": PASSWORD})
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/;" in cookie
    assert "Secure" not in cookie  # explicit plain HTTP in tests; otherwise Secure (next test)


def test_https_sets_secure_cookie_and_hsts(runtime: Runtime, settings: object) -> None:
    from trdnav.app import create_app

    https = runtime.settings.model_copy(
        update={"base_url": "https://clinic.example", "plain_http": False}
    )
    runtime.settings = https
    add_user(runtime, "sam", "nurse", "demo")
    with TestClient(create_app(https, runtime), base_url="https://testserver") as client:
        client.get("/workspace/login")
        token = client.cookies["__Host-" + CSRF_COOKIE]
        response = client.post(
            "/workspace/login",
            data={"email": "sam@demo.example", "password": PASSWORD},
            headers={"X-CSRF-Token": token},
            follow_redirects=False,
        )
    assert response.headers["strict-transport-security"].startswith("max-age=")
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("__Host-" + COOKIE)
    )
    assert "Secure" in cookie and "Path=/;" in cookie and "Domain" not in cookie


def test_wrong_password_and_unknown_email_look_the_same(
    cast: dict[str, Member], app: FastAPI
) -> None:
    browser = Browser(app)
    wrong = browser.post("/workspace/login", {"email": cast["ted"].email, "password": "x" * 12})
    unknown = browser.post("/workspace/login", {"email": "nobody@demo.example", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match an active account" in wrong.text
    assert "do not match an active account" in unknown.text
    empty = browser.post("/workspace/login", {"email": "", "password": ""})
    assert empty.status_code == 422 and "Enter your email address" in empty.text


def test_lockout_after_ten_failures_per_account(
    cast: dict[str, Member], app: FastAPI, runtime: Runtime
) -> None:
    ted = cast["ted"]
    for _ in range(9):
        assert (
            Browser(app)
            .post("/workspace/login", {"email": ted.email, "password": "wrong password!"})
            .status_code
            == 401
        )
    tenth = Browser(app).post("/workspace/login", {"email": ted.email, "password": "nope nope!"})
    assert tenth.status_code == 429 and "sign-in is paused for" in tenth.text
    # Even the right password is refused now, with the same clear message.
    right = Browser(app).post("/workspace/login", {"email": ted.email, "password": PASSWORD})
    assert right.status_code == 429 and "sign-in is paused for" in right.text
    assert "auth.lockout" in actions(runtime)
    assert "auth.login_refused" in actions(runtime)


def test_lockout_per_client_across_accounts(app: FastAPI, runtime: Runtime) -> None:
    browser = Browser(app)
    for i in range(10):
        browser.post("/workspace/login", {"email": f"guess{i}@demo.example", "password": "x"})
    blocked = browser.post("/workspace/login", {"email": "other@demo.example", "password": "y"})
    assert blocked.status_code == 429


def test_idle_timeout_and_absolute_lifetime(cast: dict[str, Member], runtime: Runtime) -> None:
    nina, ted = cast["nina"], cast["ted"]
    assert nina.get("/workspace/patients").status_code == 200
    with runtime.db.begin() as s:
        s.execute(
            update(Login)
            .where(Login.user_id == nina.user_id)
            .values(last_seen_at=now() - timedelta(minutes=16))
        )
        s.execute(
            update(Login)
            .where(Login.user_id == ted.user_id)
            .values(expires_at=now() - timedelta(seconds=1))
        )
    assert nina.get("/workspace/patients").headers["location"].startswith("/workspace/login")
    assert ted.get("/workspace/patients").headers["location"].startswith("/workspace/login")


def test_password_change_revokes_other_sessions(
    cast: dict[str, Member], app: FastAPI, runtime: Runtime
) -> None:
    cora = cast["cora"]
    other = Browser(app)
    from tests.cast import sign_in

    sign_in(runtime, other.client, cora.user_id)
    assert other.get("/workspace/consultations").status_code == 200
    weak = cora.post(
        "/workspace/account/password",
        {"current_password": PASSWORD, "new_password": "password1234"},
    )
    assert weak.status_code == 422 and "too common" in weak.text
    bad = cora.post(
        "/workspace/account/password",
        {"current_password": "not my password", "new_password": "a brand new passphrase"},
    )
    assert bad.status_code == 422 and "does not match" in bad.text
    ok = cora.post(
        "/workspace/account/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert ok.status_code == 200 and "was changed" in ok.text
    assert other.get("/workspace/consultations").headers["location"].startswith("/workspace/login")
    assert cora.get("/workspace/consultations").status_code == 200


def test_disabled_account_cannot_sign_in(
    cast: dict[str, Member], app: FastAPI, runtime: Runtime
) -> None:
    from trdnav.features.accounts.users import disable_user

    with runtime.db.begin() as s:
        disable_user(s, cast["ted"].email, now())
    assert cast["ted"].get("/workspace/patients").headers["location"].startswith("/workspace/login")
    response = Browser(app).post(
        "/workspace/login", {"email": cast["ted"].email, "password": PASSWORD}
    )
    assert response.status_code == 401


def test_state_changing_request_without_csrf_is_refused(cast: dict[str, Member]) -> None:
    response = cast["cora"].client.post(
        "/workspace/consultations", data={"q": "x"}, follow_redirects=False
    )
    assert response.status_code == 403


def test_emailed_link_returns_to_the_request_after_sign_in(
    cast: dict[str, Member], app: FastAPI, runtime: Runtime
) -> None:
    from tests.cast import make_request

    rid = make_request(runtime)
    priya = cast["priya"]
    browser = Browser(app)
    first = browser.get(f"/workspace/consultations/{rid}")
    assert first.headers["location"] == f"/workspace/login?next=/workspace/consultations/{rid}"
    login = browser.post(
        "/workspace/login",
        {"email": priya.email, "password": PASSWORD, "next": f"/workspace/consultations/{rid}"},
    )
    assert login.headers["location"] == (
        f"/workspace/login/second-factor?next=/workspace/consultations/{rid}"
    )
    page = browser.get(login.headers["location"])
    assert f'value="/workspace/consultations/{rid}"' in page.text
    done = browser.post(
        "/workspace/login/second-factor",
        {"code": code_at(priya.totp), "next": f"/workspace/consultations/{rid}"},
    )
    assert done.headers["location"] == f"/workspace/consultations/{rid}"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/workspace/../api", "/elsewhere"]
)
def test_next_never_leaves_the_workspace(
    cast: dict[str, Member], app: FastAPI, target: str
) -> None:
    priya = cast["priya"]
    browser = Browser(app)
    browser.post("/workspace/login", {"email": priya.email, "password": PASSWORD})
    done = browser.post(
        "/workspace/login/second-factor", {"code": code_at(priya.totp), "next": target}
    )
    assert done.headers["location"] == "/workspace"
