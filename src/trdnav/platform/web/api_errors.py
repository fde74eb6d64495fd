"""HTTP errors on the API (unknown path, wrong method) are problem documents like every other
error there; a 405 names every method the path accepts. Pages keep FastAPI's own answers."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException
from starlette.responses import Response

from trdnav.platform.web.openapi import allowed_methods, is_api
from trdnav.platform.web.problems import problem


async def on_http_error(request: Request, exc: Exception) -> Response:
    """A problem document for API paths; FastAPI's default answer elsewhere."""
    assert isinstance(exc, HTTPException)
    path = request.scope["path"]
    if not is_api(path):
        return await http_exception_handler(request, exc)
    title = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else f"{title}."
    response = problem(exc.status_code, title, detail)
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request.app, path))
    return response
