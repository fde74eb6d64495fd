"""Shared fixtures: a real database per test (SQLite file, and PostgreSQL when configured).

Set TRDNAV_TEST_POSTGRES_URL (CI does) to run every database test on PostgreSQL as well. Each
test gets its own freshly migrated database, so parallel runs never share state.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from trdnav.app import create_app
from trdnav.platform.runtime import Runtime, build_runtime
from trdnav.platform.settings import Settings
from trdnav.storage.db import normalize_url

POSTGRES_URL = os.environ.get("TRDNAV_TEST_POSTGRES_URL")
# Commands run in-process (CliRunner) read their settings from the environment: the test
# environment keeps them on the same fixed test secret as the fixtures' runtime.
os.environ.setdefault("TRDNAV_ENVIRONMENT", "test")
# TestClient speaks plain HTTP to "testserver": cookies without Secure (tests of the Secure
# `__Host-` cookies build their own settings with plain_http=False and an https client).
os.environ.setdefault("TRDNAV_PLAIN_HTTP", "1")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _fresh_postgres(admin_url: str) -> tuple[str, str]:
    name = f"trdnav_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(normalize_url(admin_url)).set(database=name)
    return url.render_as_string(hide_password=False), name


def _drop_postgres(admin_url: str, name: str) -> None:
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of each configured backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'trdnav.db'}"
        return
    assert POSTGRES_URL is not None
    url, name = _fresh_postgres(POSTGRES_URL)
    try:
        yield url
    finally:
        _drop_postgres(POSTGRES_URL, name)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    """A migrated database with the demo clinic registered."""
    rt = build_runtime(settings)
    try:
        yield rt
    finally:
        rt.close()


@pytest.fixture
def client(settings: Settings, runtime: Runtime) -> Iterator[TestClient]:
    """An in-process HTTP client for the app on a real database."""
    with TestClient(create_app(settings, runtime)) as c:
        yield c


pytest_plugins = ["tests.cast"]


@pytest.fixture
def connect_attempts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every outgoing socket connection is refused and recorded: the list should stay empty."""
    import socket

    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network use in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts
