"""CSRF protection for every state-changing browser request: a signed token bound to the login.

`CsrfCookieMiddleware` gives each browser a random token in a cookie (`__Host-trdnav_csrf`
unless plain HTTP for development), signed with the secret key over the token AND a hash of
the browser's login cookie: a token issued before sign-in (or to another login) is not valid
after it. Whenever a response sets or clears the login cookie (sign-in, two-factor, clinic
switch, sign-out), the same response carries a fresh token bound to the new login, so the token
rotates with the sign-in. Templates put the token in a hidden field (`csrf_field()`) or htmx
sends it in the `X-CSRF-Token` header (`hx-headers` on <body>). Routers that take form posts
depend on `require_csrf`. JSON APIs that use no cookies (/api/v1) do not need it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "trdnav_csrf"  # the base name; on the wire `__Host-trdnav_csrf` when Secure
FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Cookie-less machine endpoints: no browser form ever posts to them, so no token is issued.
EXEMPT_PREFIXES = ("/api/", "/healthz", "/static/", "/openapi.json", "/docs")


def binding_of(login_token: str | None) -> str:
    """What a token is bound to: a hash of the login cookie ('' when signed out)."""
    return hashlib.sha256(login_token.encode()).hexdigest()[:32] if login_token else ""


def _sign(secret: str, token: str, binding: str) -> str:
    message = f"{token}|{binding}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]
    return f"{token}.{mac}"


def _valid(secret: str, value: str | None, binding: str) -> bool:
    if not value or "." not in value:
        return False
    token = value.split(".", 1)[0]
    return hmac.compare_digest(_sign(secret, token, binding), value)


def _cookies(scope: Scope) -> SimpleCookie:
    header = dict(scope.get("headers") or []).get(b"cookie", b"").decode("latin-1")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed cookie header is treated as absent
        jar = SimpleCookie()
    return jar


def _login_set_by(message: Message, login_cookie: str) -> str | None:
    """The login cookie value a response sets ('' when it clears it), or None if untouched."""
    prefix = f"{login_cookie}=".encode("latin-1")
    for name, value in message.get("headers", []):
        if name.lower() == b"set-cookie" and value.startswith(prefix):
            jar: SimpleCookie = SimpleCookie()
            jar.load(value.decode("latin-1"))
            morsel = jar.get(login_cookie)
            if morsel is None or morsel["max-age"] == "0" or not morsel.value.strip('"'):
                return ""
            return morsel.value
    return None


class CsrfCookieMiddleware:
    """Ensure every browser holds a CSRF cookie bound to its login; rotate it with the login."""

    def __init__(
        self,
        app: ASGIApp,
        secret: str,
        secure: bool = True,
        cookie: str = COOKIE,
        login_cookie: str = "",
    ) -> None:
        self.app = app
        self.secret = secret
        self.secure = secure
        self.cookie = cookie
        self.login_cookie = login_cookie

    def _attrs(self, value: str) -> bytes:
        attrs = f"{self.cookie}={value}; Path=/; HttpOnly; SameSite=Lax"
        return (attrs + "; Secure" if self.secure else attrs).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        jar = _cookies(scope)
        current = jar[self.cookie].value if self.cookie in jar else None
        login = jar[self.login_cookie].value if self.login_cookie in jar else None
        binding = binding_of(login)
        fresh = (
            None
            if _valid(self.secret, current, binding)
            else _sign(self.secret, secrets.token_urlsafe(24), binding)
        )
        state = scope.setdefault("state", {})
        state["csrf_token"], state["csrf_binding"] = fresh or current, binding

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                token = fresh
                new_login = _login_set_by(message, self.login_cookie) if self.login_cookie else None
                if new_login is not None:  # signed in, promoted or out: a new token with it
                    token = _sign(self.secret, secrets.token_urlsafe(24), binding_of(new_login))
                if token:
                    message.setdefault("headers", []).append((b"set-cookie", self._attrs(token)))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def csrf_token(request: Request) -> str:
    """The token to embed in forms for this browser."""
    token: str = request.state.csrf_token
    return token


async def require_csrf(request: Request) -> None:
    """Dependency: reject an unsafe request whose form field or header does not match the cookie."""
    if request.method in SAFE_METHODS:
        return
    from trdnav.platform.web.cookies import cookie_name

    settings = request.app.state.runtime.settings
    cookie = request.cookies.get(cookie_name(settings, COOKIE))
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette caches it; the route's Form() params still work
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    secret = settings.secret_key.get_secret_value()
    binding = getattr(request.state, "csrf_binding", "")
    if not (
        cookie and sent and hmac.compare_digest(cookie, sent) and _valid(secret, cookie, binding)
    ):
        raise HTTPException(
            status_code=403,
            detail="This form has expired or came from another site. Reload the page, try again.",
        )
