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
