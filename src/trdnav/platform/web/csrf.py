"""CSRF protection for every state-changing browser request: signed double-submit token.

`CsrfCookieMiddleware` gives each browser a random token in a cookie, signed with the secret
key; templates put the same token in a hidden field (`csrf_field()`) or htmx sends it in the
`X-CSRF-Token` header (`hx-headers` on <body>). Routers that take form posts depend on
`require_csrf`. JSON APIs that use no cookies (/api/v1) do not need it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "trdnav_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Cookie-less machine endpoints: no browser form ever posts to them, so no token is issued.
EXEMPT_PREFIXES = ("/api/", "/healthz", "/static/", "/openapi.json", "/docs")


def _sign(secret: str, token: str) -> str:
    mac = hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{token}.{mac}"


def _valid(secret: str, value: str | None) -> bool:
    if not value or "." not in value:
        return False
    token = value.split(".", 1)[0]
    return hmac.compare_digest(_sign(secret, token), value)


class CsrfCookieMiddleware:
    """Ensure every browser holds a signed CSRF cookie; expose it as scope state `csrf_token`."""

    def __init__(self, app: ASGIApp, secret: str, secure: bool = False) -> None:
        self.app = app
        self.secret = secret
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        cookie_header = dict(scope.get("headers") or []).get(b"cookie", b"").decode("latin-1")
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(cookie_header)
        except Exception:  # a malformed cookie header is treated as absent
            jar = SimpleCookie()
        current = jar[COOKIE].value if COOKIE in jar else None
        fresh = (
            None if _valid(self.secret, current) else _sign(self.secret, secrets.token_urlsafe(24))
        )
        scope.setdefault("state", {})["csrf_token"] = fresh or current

        async def send_with_cookie(message: Message) -> None:
            if fresh and message["type"] == "http.response.start":
                attrs = f"{COOKIE}={fresh}; Path=/; HttpOnly; SameSite=Lax"
                if self.secure:
                    attrs += "; Secure"
                message.setdefault("headers", []).append((b"set-cookie", attrs.encode()))
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
    cookie = request.cookies.get(COOKIE)
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette caches it; the route's Form() params still work
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    secret = request.app.state.runtime.settings.secret_key.get_secret_value()
    if not (cookie and sent and hmac.compare_digest(cookie, sent) and _valid(secret, cookie)):
        raise HTTPException(
            status_code=403,
            detail="This form has expired or came from another site. Reload the page, try again.",
        )
