"""Issue 14 item 12: CSRF tokens bound to the sign-in and rotated with it; `__Host-` cookies,
Secure and HSTS unless plain HTTP was explicitly chosen for development on loopback.

The cast: Ted (technician) signs in over HTTPS; Mallory has her own account in the same
deployment and tries to make Ted's browser use a CSRF token she obtained.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from tests.cast import PASSWORD, add_user
from tests.features.aid.aid_data import DANA
from trdnav.app import create_app
from trdnav.cli import app as cli
from trdnav.platform.runtime import Runtime
from trdnav.platform.settings import Settings

CSRF = "__Host-trdnav_csrf"
LOGIN = "__Host-trdnav_ws"


@pytest.fixture
def https(runtime: Runtime) -> Iterator[TestClient]:
    """The app as deployed: Secure cookies (no plain-HTTP development switch), over https."""
    runtime.settings = runtime.settings.model_copy(
        update={"plain_http": False, "base_url": "https://clinic.example"}
    )
    with TestClient(create_app(runtime.settings, runtime), base_url="https://testserver") as c:
        yield c


def _post(client: TestClient, url: str, data: dict[str, str], token: str | None = None):  # type: ignore[no-untyped-def]
    token = token if token is not None else client.cookies[CSRF]
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def _set_cookies(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    out = {}
    for header in response.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0]
        out[name] = header
    return out


def _sign_in(runtime: Runtime, client: TestClient, name: str) -> None:
    _, email, secret = add_user(runtime, name, "technician", runtime.clinic.slug)
    client.get("/workspace/login")
    first = _post(client, "/workspace/login", {"email": email, "password": PASSWORD})
    assert first.status_code == 303, first.text
    client.get(first.headers["location"])
    second = _post(client, "/workspace/login/second-factor", {"code": pyotp.TOTP(secret).now()})
    assert second.status_code == 303, second.text


def test_cookies_are_host_prefixed_secure_and_pages_send_hsts(
    runtime: Runtime, https: TestClient
) -> None:
    page = https.get("/workspace/login")
    assert page.headers["strict-transport-security"].startswith("max-age=")
    _sign_in(runtime, https, "ted")
    https.get("/aid")
    step = https.post(
        "/aid/step/about",
        data={**DANA["about"], "csrf_token": https.cookies[CSRF], "nav": "next"},
        follow_redirects=False,
    )
    assert step.status_code == 303, step.text
    names = set(https.cookies.keys())
    assert {CSRF, LOGIN, "__Host-trdnav_aid"} <= names
    assert all(n.startswith("__Host-") for n in names), names
    response = _post(https, "/workspace/logout", {})
    for name, header in _set_cookies(response).items():
        assert name.startswith("__Host-"), header
        assert "Secure" in header and "Path=/;" in header + ";" and "Domain" not in header


def test_the_csrf_token_rotates_at_sign_in_and_a_pre_sign_in_token_fails(
    runtime: Runtime, https: TestClient
) -> None:
    https.get("/workspace/login")
    before = https.cookies[CSRF]
    _sign_in(runtime, https, "ted")
    after = https.cookies[CSRF]
    assert after != before
    # A token from before sign-in (a page left open, or one an attacker planted) is refused.
    https.cookies.set(CSRF, before, domain="testserver.local", path="/")
    stale = _post(https, "/workspace/logout", {}, token=before)
    assert stale.status_code == 403
    https.cookies.set(CSRF, after, domain="testserver.local", path="/")
    fresh = _post(https, "/workspace/logout", {}, token=after)
    assert fresh.status_code == 303
    # Signing out rotates it again: the signed-in token is no longer good for anything.
    assert CSRF in _set_cookies(fresh)
    https.cookies.set(CSRF, after, domain="testserver.local", path="/")
    https.get("/workspace/login")  # the middleware replaces the stale token on the next page
    assert https.cookies[CSRF] != after


def test_a_token_bound_to_another_login_is_refused(runtime: Runtime, https: TestClient) -> None:
    mallory = TestClient(https.app, base_url="https://testserver")
    _sign_in(runtime, mallory, "mallory")
    stolen = mallory.cookies[CSRF]
    _sign_in(runtime, https, "ted")
    # Mallory plants her own (validly signed) token in Ted's browser and posts it.
    https.cookies.set(CSRF, stolen, domain="testserver.local", path="/")
    assert _post(https, "/workspace/logout", {}, token=stolen).status_code == 403


def test_plain_http_is_refused_in_production_and_off_loopback(database_url: str) -> None:
    with pytest.raises(ValidationError, match="PLAIN_HTTP"):
        Settings(  # type: ignore[call-arg]
            environment="production",
            secret_key="s" * 40,
            plain_http=True,
            database_url=database_url,
            _env_file=None,
        )
    result = CliRunner().invoke(
        cli,
        ["serve", "--host", "0.0.0.0", "--port", "9", "--database", database_url],
        env={"TRDNAV_PLAIN_HTTP": "1"},
    )
    assert result.exit_code == 2 and "loopback" in result.output
