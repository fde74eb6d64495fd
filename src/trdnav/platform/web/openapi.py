"""The OpenAPI document publishes the API only, and tells the truth about it.

Pages (the workspace, the decision aid) are not API: every route outside `API_PREFIXES` is left
out of the schema here, once, so a new page route is excluded without anyone remembering to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

API_PREFIXES = ("/api/", "/fhir/")
API_PATHS = ("/healthz", "/fhir")


def is_api(path: str) -> bool:
    """Whether a route path belongs to the published API."""
    return path in API_PATHS or path.startswith(API_PREFIXES)


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    # FastAPI includes routers lazily (wrapped); walk down to the routes that were declared.
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _routes(route.original_router.routes)
        elif hasattr(route, "routes") and not hasattr(route, "app"):
            yield from _routes(route.routes)


def api_only(app: FastAPI) -> None:
    """Leave every route that is not API out of the OpenAPI document."""
    for route in _routes(app.routes):
        if not is_api(route.path):
            route.include_in_schema = False
