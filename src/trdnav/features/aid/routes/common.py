"""Shared helpers of the patient pages: the draft cookie, page context, rendering."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from trdnav.features.aid import drafts
from trdnav.features.aid.answers import crisis_alert
from trdnav.features.aid.steps import Raw
from trdnav.platform.web.cookies import cookie_name, secure
from trdnav.platform.web.deps import runtime
from trdnav.platform.web.templating import templates


def now() -> datetime:
    """The current time in UTC (the web layer owns the clock; domain code is passed `now`)."""
    return datetime.now(UTC)


def token_of(request: Request) -> str | None:
    """The draft token from the cookie, if any."""
    return request.cookies.get(cookie_name(runtime(request).settings, drafts.AID_COOKIE))


def answers_of(request: Request, db: Session) -> dict[str, Raw]:
    """This browser's saved raw answers (empty when there is no live draft)."""
    return drafts.load(db, token_of(request), now()) or {}


def set_token_cookie(request: Request, response: Response, token: str) -> None:
    """Hand the browser its draft token: HttpOnly, SameSite=Lax, Secure and `__Host-`."""
    settings = runtime(request).settings
    response.set_cookie(
        cookie_name(settings, drafts.AID_COOKIE),
        token,
        max_age=int(drafts.IDLE.total_seconds()),
        path=drafts.COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=secure(settings),
    )


def page_context(request: Request, answers: dict[str, Raw]) -> dict[str, Any]:
    """What every patient page and the take-away PDF need: the clinic and the crisis line."""
    clinic = runtime(request).clinic
    return {"clinic": clinic, "clinic_name": clinic.name, "crisis": crisis_alert(answers)}


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    answers: dict[str, Raw] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a patient template with the context every page needs (clinic, crisis panel)."""
    ctx = page_context(request, answers or {})
    ctx.update(context or {})
    response = templates.TemplateResponse(request, template, ctx, status_code=status_code)
    # Pages may show health answers: never keep them in shared or browser caches.
    response.headers["Cache-Control"] = "no-store"
    return response
