"""The API door: `Authorization: Bearer <token>` becomes the same `Actor` the workspace uses,
so the one access helper (`platform.access`) authorizes both. Errors are problem documents:
401 for no or a bad token, 404 for another clinic's id (before any role check), then 403."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, TypeVar

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from trdnav.features.tokens.service import authenticate
from trdnav.platform.access import Actor, Forbidden, NotFound, authorize, load_for_user
from trdnav.platform.errors import FieldConflict, InvalidRequest
from trdnav.platform.web.deps import unit_of_work
from trdnav.platform.web.problems import invalid, problem
from trdnav.platform.web.problems import problem_responses as problem_responses

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="StaffToken",
    description="A staff API token: `trdnav tokens create EMAIL --clinic SLUG --name NAME`.",
)


class ApiProblem(Exception):
    """Answer with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.errors, self.headers = errors, headers or {}


T = TypeVar("T")


def commit_or_problem(db: Session, action: Callable[[], T], *, forbidden: str | None = None) -> T:
    """Run an API change and commit it; on a refusal roll everything back and answer with a
    problem: 409 naming the conflicting field, 422 for invalid input, and 403 with
    `forbidden` as its detail when the role may not make this change."""
    try:
        result = action()
    except FieldConflict as exc:
        db.rollback()
        raise ApiProblem(
            409, "Conflict", exc.message, [{"field": exc.field, "message": exc.message}]
        ) from exc
    except Forbidden as exc:
        if forbidden is None:
            raise  # the route's own 403 (ApiRoute) answers it
        db.rollback()
        raise ApiProblem(403, "Forbidden", forbidden) from exc
    except InvalidRequest:
        db.rollback()
        raise
    db.commit()
    return result


def api_actor(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    db: Session = Depends(unit_of_work),
) -> Actor:
    """The staff member behind the bearer token; 401 otherwise."""
    ip = request.client.host if request.client else None
    actor = (
        authenticate(db, credentials.credentials, datetime.now(UTC), ip) if credentials else None
    )
    db.commit()
    if actor is None:
        raise ApiProblem(
            401,
            "Unauthorized",
            "Send a valid staff API token: Authorization: Bearer <token>.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return actor


def allowed(actor: Actor, permission: str) -> None:
    """403 unless the actor's role grants the permission."""
    try:
        authorize(actor, permission)
    except Forbidden as exc:
        raise ApiProblem(403, "Forbidden", f"Your role may not do this ({permission}).") from exc


class ApiScoped:
    """Dependency: the record named by path parameter `param` in the actor's clinic (404
    otherwise, whatever the role), then the permission check (403)."""

    def __init__(self, model: type[Any], param: str, permission: str) -> None:
        self.model, self.param, self.permission = model, param, permission

    def __call__(
        self,
        request: Request,
        actor: Actor = Depends(api_actor),
        db: Session = Depends(unit_of_work),
    ) -> tuple[Actor, Any]:
        try:
            record = load_for_user(db, actor, self.model, request.path_params[self.param])
        except NotFound as exc:
            raise ApiProblem(404, "Not found", "No such record in your clinic.") from exc
        allowed(actor, self.permission)
        return actor, record


class ApiRequire:
    """Dependency: the token's actor, whose role grants `permission`."""

    def __init__(self, permission: str) -> None:
        self.permission = permission

    def __call__(self, actor: Actor = Depends(api_actor)) -> Actor:
        allowed(actor, self.permission)
        return actor


class ApiRoute(APIRoute):
    """Routes whose errors are problem documents, never cached."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def wrapped(request: Request) -> Response:
            try:
                response = await handler(request)
            except ApiProblem as exc:
                response = problem(exc.status, exc.title, exc.detail, exc.errors)
                response.headers.update(exc.headers)
            except InvalidRequest as exc:
                response = invalid(exc.errors)
            response.headers["Cache-Control"] = "no-store"
            return response

        return wrapped
