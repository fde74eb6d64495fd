"""The OpenAPI document publishes the API and nothing else (issue 13)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import api_routes
from trdnav.app import create_app
from trdnav.platform.settings import Settings
from trdnav.platform.web.openapi import is_api


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """The app without its runtime: the schema needs no database."""
    path: Path = tmp_path_factory.mktemp("openapi") / "unused.db"
    settings = Settings(environment="test", database_url=f"sqlite:///{path}", _env_file=None)  # type: ignore[call-arg]
    return TestClient(create_app(settings))


@pytest.fixture(scope="module")
def spec(app_client: TestClient) -> dict[str, Any]:
    response = app_client.get("/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def test_only_api_paths_are_published(spec: dict[str, Any]) -> None:
    paths = list(spec["paths"])
    assert paths, "the API is published"
    outside = [p for p in paths if not p.startswith(("/api/", "/fhir/", "/healthz"))]
    assert outside == [], f"pages in the API schema: {outside}"


def test_every_api_route_is_published_and_no_page_is(
    app_client: TestClient, spec: dict[str, Any]
) -> None:
    routes = api_routes(app_client.app)  # type: ignore[arg-type]
    pages = {r.path for r in routes if not is_api(r.path)}
    api = {r.path for r in routes if is_api(r.path)}
    assert "/workspace/login" in pages and "/api/v1/assessments" in api
    assert pages.isdisjoint(spec["paths"])
    # Options preflights are not operations a client calls; every other API route is documented.
    documented = {r.path for r in routes if is_api(r.path) and r.methods != {"OPTIONS"}}
    assert documented <= set(spec["paths"])


def test_is_api_draws_the_line_at_the_prefix() -> None:
    assert is_api("/api/v1/patients") and is_api("/fhir/Patient") and is_api("/healthz")
    assert not is_api("/apiary") and not is_api("/workspace/patients") and not is_api("/")
    assert not is_api("/healthzz")


def test_pages_are_still_served(app_client: TestClient) -> None:
    # Left out of the schema, not out of the app.
    assert app_client.get("/docs").status_code == 200
    assert app_client.get("/static/swagger/swagger-ui.css").status_code == 200


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    methods = {"get", "put", "post", "delete", "patch"}
    return [
        (method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in methods
    ]


def test_every_error_is_a_declared_problem_document(spec: dict[str, Any]) -> None:
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for method, path, op in _operations(spec):
        for code, response in op["responses"].items():
            if int(code) >= 400:
                assert response["content"] == {"application/problem+json": problem}, (
                    method,
                    path,
                    code,
                )
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_json_bodies_parameters_and_tokens_declare_their_errors(spec: dict[str, Any]) -> None:
    for method, path, op in _operations(spec):
        declared = set(op["responses"])
        where = f"{method} {path}"
        if "application/json" in op.get("requestBody", {}).get("content", {}):
            assert {"413", "415", "422"} <= declared, where
        if op.get("parameters"):
            assert "422" in declared, where
        if op.get("security"):
            assert op["security"] == [{"StaffToken": []}], where
            assert {"401", "403"} <= declared, where
            if "{" in path:
                assert "404" in declared, where
    scheme = spec["components"]["securitySchemes"]["StaffToken"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    # The clinic API is token-only; the public endpoints are not.
    ops = {(m, p): op for m, p, op in _operations(spec)}
    assert ops[("POST", "/api/v1/patients")].get("security")
    assert not ops[("POST", "/api/v1/assessments")].get("security")


def test_the_rate_limit_answer_is_declared_with_retry_after(spec: dict[str, Any]) -> None:
    response = spec["paths"]["/api/v1/consultation-requests"]["post"]["responses"]["429"]
    assert response["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert "application/problem+json" in response["content"]


def _examples(node: Any, schema: dict[str, Any] | None = None) -> list[tuple[Any, Any]]:
    """Every (example, schema) pair: examples inside schemas and beside media-type schemas."""
    found: list[tuple[Any, Any]] = []
    if isinstance(node, dict):
        if "schema" in node and isinstance(node["schema"], dict):
            if "example" in node:
                found.append((node["example"], node["schema"]))
            for example in node.get("examples", {}).values():
                found.append((example.get("value"), node["schema"]))
        if "type" in node or "$ref" in node or "properties" in node:
            for example in (
                node.get("examples", []) if isinstance(node.get("examples"), list) else []
            ):
                found.append((example, node))
            if "example" in node and "schema" not in node:
                found.append((node["example"], node))
        for key, value in node.items():
            if key not in ("examples", "example"):
                found += _examples(value)
    elif isinstance(node, list):
        for value in node:
            found += _examples(value)
    return found


def test_every_documented_example_validates_against_its_schema(spec: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    found = _examples(spec)
    assert found, "the document shows examples"
    checked = 0
    for example, schema in found:
        root = {**schema, "components": spec["components"]}
        errors = list(Draft202012Validator(root).iter_errors(example))
        assert errors == [], (example, [e.message for e in errors])
        checked += 1
    assert checked >= 3


def test_api_errors_outside_the_routes_are_problem_documents(app_client: TestClient) -> None:
    missing = app_client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["status"] == 404
    wrong = app_client.put("/api/v1/patients/p1/prior-authorizations")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET, POST"
    assert wrong.headers["content-type"] == "application/problem+json"
    # Pages keep their own answers.
    assert (
        app_client.get("/workspace/no-such-page")
        .headers["content-type"]
        .startswith("application/json")
    )


def test_rules_beyond_the_schema_are_listed_with_the_422(spec: dict[str, Any]) -> None:
    post = spec["paths"]["/api/v1/patients/{patient_id}/prior-authorizations"]["post"]
    rules = post["x-domain-rules"]
    assert rules and all(isinstance(rule, str) for rule in rules)
    assert rules[0] in post["responses"]["422"]["description"]
    # An operation without such rules accepts every body its schema allows.
    assert "x-domain-rules" not in spec["paths"]["/api/v1/assessments"]["post"]


def test_every_link_leads_to_an_operation_and_fills_its_path(spec: dict[str, Any]) -> None:
    links = [
        (path, name, target)
        for path, item in spec["paths"].items()
        for op in item.values()
        if isinstance(op, dict)
        for response in op.get("responses", {}).values()
        for name, target in response.get("links", {}).items()
    ]
    assert len(links) >= 8, "creates lead to reads (stateful tests follow them)"
    for source, name, target in links:
        pointer = target["operationRef"].removeprefix("#/paths/")
        path, method = pointer.rsplit("/", 1)
        path = path.replace("~1", "/").replace("~0", "~")
        assert method in spec["paths"][path], (source, name)
        wanted = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        assert set(target["parameters"]) == wanted, (source, name)
