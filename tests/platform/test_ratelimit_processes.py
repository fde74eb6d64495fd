"""Scale-out for real: `trdnav serve --workers 2` shares one rate limit and one idempotency store.

Two uvicorn worker processes answer concurrent requests against the same database (SQLite file,
and PostgreSQL when configured); nothing is kept in process memory, so the limit and the
idempotency keys hold whichever process answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.features.consultations.test_consultation_api import VALID
from tests.support import free_port, wait_until_up
from trdnav.features.consultations.service import LIMIT
from trdnav.storage.db import make_engine, session_factory
from trdnav.storage.models import ConsultationRequest


@pytest.fixture
def two_workers(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A real server with two worker processes; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "TRDNAV_ENVIRONMENT": "test",
        "TRDNAV_BASE_URL": base,
        "TRDNAV_SMTP_PORT": str(free_port()),  # no mail server: notices fail, requests stay
        "TRDNAV_LOG_LEVEL": "warning",
    }
    cmd = [sys.executable, "-m", "trdnav.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with (tmp_path / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [*cmd, "--workers", "2", "--database", database_url], env=env, stdout=log, stderr=log
        )
        try:
            wait_until_up(base, proc)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _post(base: str, key: str) -> int:
    request = urllib.request.Request(
        base + "/api/v1/consultation-requests",
        data=json.dumps(VALID).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _rows(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as db:
            return int(db.scalar(select(func.count()).select_from(ConsultationRequest)) or 0)
    finally:
        engine.dispose()


def test_two_worker_processes_share_the_limit_and_the_keys(
    two_workers: str, database_url: str
) -> None:
    assert _post(two_workers, "same") == 201
    with ThreadPoolExecutor(max_workers=8) as pool:
        retries = list(pool.map(lambda _: _post(two_workers, "same"), range(5)))
        distinct = list(pool.map(lambda i: _post(two_workers, f"k{i}"), range(LIMIT.limit + 4)))

    assert retries == [201] * 5  # answered with the first response, not counted, not stored
    # One window for both processes: the first request plus limit - 1 more get through.
    assert sorted(distinct) == [201] * (LIMIT.limit - 1) + [429] * 5
    assert _rows(database_url) == LIMIT.limit
