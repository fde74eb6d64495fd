"""Shared fixtures: a real database per test (SQLite file, and PostgreSQL when configured).

Set TRDNAV_TEST_POSTGRES_URL (CI does) to run every database test on PostgreSQL as well. Each
test gets its own database, a copy of one migrated once per process, so parallel runs never
share state.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from trdnav.app import create_app
from trdnav.platform.runtime import Runtime, build_runtime
from trdnav.platform.settings import Settings
from trdnav.storage.db import make_engine, normalize_url, upgrade

POSTGRES_URL = os.environ.get("TRDNAV_TEST_POSTGRES_URL")
# Commands run in-process (CliRunner) read their settings from the environment: the test
# environment keeps them on the same fixed test secret as the fixtures' runtime.
os.environ.setdefault("TRDNAV_ENVIRONMENT", "test")
# TestClient speaks plain HTTP to "testserver": cookies without Secure (tests of the Secure
# `__Host-` cookies build their own settings with plain_http=False and an https client).
os.environ.setdefault("TRDNAV_PLAIN_HTTP", "1")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _fresh_postgres(admin_url: str, template: str | None = None) -> tuple[str, str]:
    name = f"trdnav_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    url = make_url(normalize_url(admin_url)).set(database=name)
    return url.render_as_string(hide_password=False), name


@contextmanager
def _postgres_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (empty, or a copy of `template`), dropped afterwards."""
    assert POSTGRES_URL is not None
    url, name = _fresh_postgres(POSTGRES_URL, template=template)
    try:
        yield url
    finally:
        _drop_postgres(POSTGRES_URL, name)


def _drop_postgres(admin_url: str, name: str) -> None:
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class _Migrated:
    """One migrated database per backend per test process, copied for each test that asks.

    Migrating afresh for every test cost about 0.4 s on SQLite and 0.9 s on PostgreSQL, over
    nine hundred times a run; a copy costs a file copy or `CREATE DATABASE ... TEMPLATE`.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sqlite: Path | None = None
        self.postgres: str | None = None

    def sqlite_copy(self, target: Path) -> str:
        if self.sqlite is None:
            template = self.root / "migrated.db"
            _migrate(f"sqlite:///{template}")
            self.sqlite = template
        shutil.copyfile(self.sqlite, target)
        return f"sqlite:///{target}"

    def postgres_template(self) -> str:
        """The name of the migrated PostgreSQL database to copy (made on first use)."""
        assert POSTGRES_URL is not None
        if self.postgres is None:
            url, self.postgres = _fresh_postgres(POSTGRES_URL)
            _migrate(url)
        return self.postgres

    def close(self) -> None:
        if self.postgres is not None:
            assert POSTGRES_URL is not None
            _drop_postgres(POSTGRES_URL, self.postgres)


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()  # no connection left: SQLite's WAL is folded in, PostgreSQL may copy


@pytest.fixture(scope="session")
def _migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Migrated]:
    migrated = _Migrated(tmp_path_factory.mktemp("migrated"))
    try:
        yield migrated
    finally:
        migrated.close()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of each configured backend (never migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'trdnav.db'}"
        return
    with _postgres_database() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, _migrated: _Migrated
) -> Iterator[str]:
    """A URL to a database of each configured backend, migrated to the head: what a new install
    has before it first starts (no clinic registered yet)."""
    if request.param == "sqlite":
        yield _migrated.sqlite_copy(tmp_path / "trdnav.db")
        return
    with _postgres_database(template=_migrated.postgres_template()) as url:
        yield url


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
