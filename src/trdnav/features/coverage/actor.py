"""The API door's actor, and problem documents for the coverage API.

`current_actor` is the ONE dependency the coverage API authenticates with. For now it reads the
workspace login (the same server-side login as the pages: a full, two-factor login), so an
API client must send the workspace cookie. When staff API tokens land (issue 8, a bearer
dependency producing the same `platform.access.Actor`), replace the body of `current_actor` by
that dependency; nothing else in the coverage API changes.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Depends, Request, Response, Security
from fastapi.routing import APIRoute
from fastapi.security import APIKeyCookie
from sqlalchemy.orm import Session

from trdnav.features.accounts import auth
from trdnav.features.accounts.guard import COOKIE, client_ip, utcnow
from trdnav.platform.access import Actor, Forbidden, authorize
from trdnav.platform.web.deps import runtime, unit_of_work
from trdnav.platform.web.problems import problem

_login = APIKeyCookie(
    name=COOKIE,
    auto_error=False,
    scheme_name="workspace_login",
    description="The workspace login cookie (until staff API tokens replace it).",
)

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or bad credentials", **_PROBLEM},
    403: {"description": "Your role may not do this", **_PROBLEM},
    404: {"description": "Unknown id, or an id of another clinic", **_PROBLEM},
    422: {"description": "Invalid input: a problem document naming each field", **_PROBLEM},
}


class ApiProblem(Exception):
    """Answer with a problem document (the coverage API's routes turn it into a response)."""

    def __init__(
        self, status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(f"{status} {title}")
        self.status, self.title, self.detail, self.errors = status, title, detail, errors


def current_actor(
    request: Request,
    token: str | None = Security(_login),
    db: Session = Depends(unit_of_work),  # noqa: B008 - FastAPI's dependency idiom
) -> Actor:
    """The signed-in staff member acting in one clinic, or 401."""
    row = auth.resolve_login(db, runtime(request).settings, token, utcnow())
    db.commit()
    found = auth.actor_for(db, row, client_ip(request)) if row and row.mfa_done else None
    if found is None:
        raise ApiProblem(401, "Not signed in", "Send valid staff credentials.")
    actor, tz = found
    request.state.actor, request.state.clinic_tz = actor, tz
    return actor


def need(actor: Actor, permission: str) -> None:
    """403 unless the actor's role grants the permission."""
    try:
        authorize(actor, permission)
    except Forbidden as exc:
        raise ApiProblem(
            403, "Not allowed", "Your role in this clinic does not allow this."
        ) from exc


class ProblemRoute(APIRoute):
    """API routes whose ApiProblem (from the route or a dependency) becomes a problem document;
    health data in responses is never cached."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def wrapped(request: Request) -> Response:
            try:
                response = await handler(request)
            except ApiProblem as exc:
                response = problem(exc.status, exc.title, exc.detail, exc.errors)
            response.headers["Cache-Control"] = "no-store"
            return response

        return wrapped
