"""The OpenAPI document publishes the API only, and tells the truth about it.

Pages (the workspace, the decision aid) are not API: every route outside `API_PREFIXES` is left
out of the schema here, once, so a new page route is excluded without anyone remembering to.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from trdnav.domain.text import no_control_pattern
from trdnav.platform.web.problems import Problem, problem_response

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


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route accepts at `path` (for a truthful `Allow` on 405)."""
    methods: set[str] = set()
    for route in _routes(app.routes):
        if route.path_regex.match(path):
            methods |= route.methods or set()
    return sorted(methods)


def document(app: FastAPI) -> None:
    """Make the OpenAPI document tell the truth about every operation's error answers."""
    default = app.openapi
    done: list[bool] = []

    def openapi() -> dict[str, Any]:
        schema = default()
        if not done:
            truthful(schema)
            done.append(True)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def truthful(schema: dict[str, Any]) -> None:
    """Declare the problem documents every operation may answer with, as the app sends them.

    A JSON body can be too large (413), not JSON (415) or invalid (422); parameters can be
    invalid (422); a staff token can be missing (401) or lack the role (403); a path id can be
    unknown (404). Every error is `application/problem+json` with the Problem schema.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components["Problem"] = problem_schema
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method in _METHODS:
                _declare_errors(operation)
    text = json.dumps(schema["paths"])
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{unused}" not in text:
            components.pop(unused, None)


def _declare_errors(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    params = operation.get("parameters", [])
    for param in params:  # paths and queries refuse control characters (text_guard)
        no_control_pattern(param.get("schema", {}))
    body = operation.get("requestBody", {}).get("content", {})
    wanted: set[int] = set()
    if any(media.endswith("json") for media in body):
        wanted |= {413, 415, 422}
    if params:
        wanted.add(422)
    if operation.get("security"):
        wanted |= {401, 403}
        if any(p.get("in") == "path" for p in params):
            wanted.add(404)
    for status in wanted:
        responses.setdefault(str(status), problem_response(status))
    if rules := operation.get("x-domain-rules"):
        responses["422"]["description"] += ". Also when a rule beyond the schema fails: " + (
            "; ".join(rules)
        )
    for key, declared in responses.items():
        if key.isdigit() and int(key) >= 400:
            fresh = problem_response(int(key), declared.get("description"))
            declared["content"] = fresh["content"]
            if "headers" in fresh:
                declared.setdefault("headers", {}).update(fresh["headers"])


def domain_rules(*rules: str) -> dict[str, Any]:
    """`openapi_extra` of an operation that also checks rules a JSON Schema cannot state (422)."""
    return {"x-domain-rules": list(rules)}


def link(path: str, method: str, **parameters: str) -> dict[str, Any]:
    """An OpenAPI link to the operation at `method path`, its parameters taken from this answer
    (e.g. `patient_id="$response.body#/id"`): what a client, and schemathesis, may call next."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {"operationRef": f"#/paths/{pointer}/{method.lower()}", "parameters": parameters}
