"""Workspace request plumbing: the login cookie, the signed-in actor, permission checks.

`Require(permission)` is the one door into every protected workspace route: it resolves the
server-side login, insists on two-factor, finds the member's role in the active clinic and
asks `services.access` whether that role may act. `Scoped(Model, param)` loads a record from a
path parameter through `access.load_for_user`, so another clinic's record is a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Depends, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from trdnav.features.accounts import auth
from trdnav.platform.access import Actor, Forbidden, NotFound, authorize, load_for_user
from trdnav.platform.web.cookies import cookie_name, secure
from trdnav.platform.web.deps import runtime, unit_of_work
from trdnav.platform.web.templating import templates
from trdnav.storage.models import Login

COOKIE = "trdnav_ws"
LOGIN = "/workspace/login"


def utcnow() -> datetime:
    """The request's clock (the only place the workspace reads it)."""
    return datetime.now(UTC)


def client_ip(request: Request) -> str | None:
    """Where the request came from, for throttling and the audit trail."""
    return request.client.host if request.client else None


def safe_next(value: object) -> str:
    """A workspace path to return to after sign-in; anything else becomes the start page."""
    path = str(value or "")
    ok = path.startswith("/workspace/") and "//" not in path and ".." not in path
    return path if ok and all(c.isalnum() or c in "/-_." for c in path) else "/workspace"


def redirect_exc(location: str) -> HTTPException:
    """An exception that sends the browser elsewhere (303 See Other)."""
    return HTTPException(status_code=303, headers={"Location": location})


def login_cookie(request: Request) -> str:
    """The login cookie's name (`__Host-trdnav_ws` unless plain HTTP for development)."""
    return cookie_name(runtime(request).settings, COOKIE)


def set_login_cookie(request: Request, response: Response, token: str) -> None:
    """HttpOnly, SameSite=Lax, Secure and `__Host-` (Path=/, no Domain) unless plain HTTP."""
    settings = runtime(request).settings
    response.set_cookie(
        login_cookie(request),
        token,
        httponly=True,
        samesite="lax",
        secure=secure(settings),
        path="/",
    )


def clear_login_cookie(request: Request, response: Response) -> None:
    """Forget the login cookie in this browser."""
    settings = runtime(request).settings
    response.delete_cookie(
        login_cookie(request), path="/", secure=secure(settings), httponly=True, samesite="lax"
    )


def live_login(request: Request, db: Session) -> Login | None:
    """The request's login (touched and committed), or None."""
    settings = runtime(request).settings
    row = auth.resolve_login(db, settings, request.cookies.get(login_cookie(request)), utcnow())
    db.commit()
    return row


def pending_login(request: Request, db: Session = Depends(unit_of_work)) -> Login:
    """A login that passed the password step and must still pass two-factor."""
    row = live_login(request, db)
    if row is None:
        raise redirect_exc(LOGIN)
    if row.mfa_done:
        raise redirect_exc("/workspace")
    return row


class Require:
    """Dependency: the signed-in, two-factor-verified actor whose role grants `permission`."""

    def __init__(self, permission: str) -> None:
        self.permission = permission

    def __call__(self, request: Request, db: Session = Depends(unit_of_work)) -> Actor:
        actor = signed_in_actor(request, db)
        _authorize(actor, self.permission)
        return actor


def _authorize(actor: Actor, permission: str) -> None:
    try:
        authorize(actor, permission)
    except Forbidden as exc:
        raise HTTPException(status_code=403) from exc


def signed_in_actor(request: Request, db: Session) -> Actor:
    """The actor of a full (two-factor) login, or a redirect to sign in."""
    row = live_login(request, db)
    if row is None:
        # Come back here after signing in (the emailed link to a consultation request).
        back = f"?next={quote(request.url.path)}" if request.method == "GET" else ""
        raise redirect_exc(LOGIN + back)
    if not row.mfa_done:
        raise redirect_exc(f"{LOGIN}/second-factor")
    found = auth.actor_for(db, row, client_ip(request))
    if found is None:
        raise redirect_exc(LOGIN)
    actor, tz = found
    request.state.actor, request.state.clinic_tz = actor, tz
    return actor


class Scoped:
    """Dependency: the record named by path parameter `param`, in the actor's clinic, or 404."""

    def __init__(self, model: type[Any], param: str, permission: str) -> None:
        self.model, self.param, self.permission = model, param, permission

    def __call__(self, request: Request, db: Session = Depends(unit_of_work)) -> tuple[Actor, Any]:
        actor = signed_in_actor(request, db)
        # Load before checking the role: whoever is outside the clinic gets 404, never 403.
        try:
            record = load_for_user(db, actor, self.model, request.path_params[self.param])
        except NotFound as exc:
            raise HTTPException(status_code=404) from exc
        _authorize(actor, self.permission)
        return actor, record


def local_time(value: datetime | None, tz: str = "UTC") -> str:
    """A UTC time shown in the clinic's time zone."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z")


templates.env.filters["ws_local"] = local_time

_ERRORS = {
    403: ("Not allowed", "Your role in this clinic does not allow this page or action."),
    404: ("Not found", "There is no such page or record in your clinic."),
}


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> Response:
    """A workspace page; the clinic's time zone and the actor go into every template."""
    ctx = dict(context or {})
    actor: Actor | None = getattr(request.state, "actor", None)
    ctx.setdefault("actor", actor)
    ctx.setdefault("tz", _clinic_tz(request, actor))
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def _clinic_tz(request: Request, actor: Actor | None) -> str:
    # Read in the request's own unit of work by `signed_in_actor`: a second one here would
    # wait on the SQLite write lock the request already holds.
    tz: str | None = getattr(request.state, "clinic_tz", None)
    return tz or runtime(request).clinic.time_zone


class WorkspaceRoute(APIRoute):
    """Routes that answer 403/404 with an HTML page and never let pages be cached."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def wrapped(request: Request) -> Response:
            try:
                response = await handler(request)
            except HTTPException as exc:
                if exc.status_code == 303 and exc.headers:
                    return RedirectResponse(exc.headers["Location"], status_code=303)
                if exc.status_code not in _ERRORS:
                    raise
                title, text = _ERRORS[exc.status_code]
                response = render(
                    request,
                    "layout/workspace_error.html",
                    {"title": title, "text": text},
                    status=exc.status_code,
                )
            # Pages hold health data: no browser or proxy cache may keep them.
            response.headers["Cache-Control"] = "no-store"
            return response

        return wrapped
