"""Under concurrency, against a real server with two worker processes (SQLite file, and
PostgreSQL when configured): many clients book whole courses at once, for the same chairs and
the same hours. Every course is booked whole or refused whole; no resource and no patient ever
holds two overlapping sessions."""

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
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.cast import PASSWORD, now
from tests.support import free_port, wait_until_up
from trdnav.features.accounts.users import clinic_by_slug, create_user
from trdnav.features.tokens.service import create_token
from trdnav.platform.runtime import build_runtime
from trdnav.platform.settings import Settings
from trdnav.storage.models import Course, CourseSession

CLIENTS = 16
PATIENTS = 24


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL, a coordinator's token) of `trdnav serve --workers 2`."""
    rt = build_runtime(Settings(environment="test", database_url=database_url, _env_file=None))  # type: ignore[call-arg]
    with rt.db.begin() as db:
        create_user(
            db, "cora@demo.example", "coordinator", clinic_by_slug(db, "demo"), PASSWORD, now()
        )
        _, token = create_token(db, "cora@demo.example", "demo", "load", now())
    rt.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "TRDNAV_ENVIRONMENT": "test",
        "TRDNAV_BASE_URL": base,
        "TRDNAV_LOG_LEVEL": "warning",
    }
    cmd = [sys.executable, "-m", "trdnav.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with (tmp_path / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [*cmd, "--workers", "2", "--database", database_url], env=env, stdout=log, stderr=log
        )
        try:
            wait_until_up(base, proc)
            yield base, token
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def call(base: str, token: str, path: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), json.loads(exc.read())


def overlaps(database_url: str) -> int:
    from trdnav.storage.db import make_engine, session_factory

    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as db:
            rows = list(
                db.scalars(
                    select(CourseSession).where(CourseSession.status.in_(("booked", "delivered")))
                )
            )
            courses = db.scalar(select(func.count()).select_from(Course))
            sizes = list(
                db.execute(
                    select(CourseSession.course_id, func.count()).group_by(CourseSession.course_id)
                )
            )
    finally:
        engine.dispose()
    count = 0
    for key in ("resource_id", "patient_id"):
        groups: dict[Any, list[CourseSession]] = {}
        for r in rows:
            groups.setdefault(getattr(r, key), []).append(r)
        for items in groups.values():
            items.sort(key=lambda r: r.starts_at)
            reach = None
            for r in items:
                if reach is not None and r.starts_at < reach:
                    count += 1
                reach = max(reach, r.ends_at) if reach else r.ends_at
    assert courses == len(sizes)
    return count


def test_many_concurrent_bookings_never_double_book(
    server: tuple[str, str], database_url: str
) -> None:
    base, token = server
    patients = []
    for i in range(PATIENTS):
        status, body = call(
            base,
            token,
            "/api/v1/patients",
            {"given_name": f"P{i}", "family_name": "Load", "birth_date": "1980-01-01"},
        )
        assert status == 201, body
        patients.append(body["id"])
    # Everyone wants the same two TMS chairs at 09:00 from the same Monday; half of them also
    # race for exactly the same hand-placed sessions; one patient books twice at once.
    probe_status, probe = call(
        base,
        token,
        f"/api/v1/patients/{patients[0]}/courses",
        {"option": "rtms", "start_on": "2027-06-07", "preferred_time": "09:00"},
    )
    assert probe_status == 201
    hand = [
        {"starts_at": s["starts_at"], "resource_id": s["resource_id"]} for s in probe["sessions"]
    ]
    status, _ = call(
        base, token, f"/api/v1/courses/{probe['id']}/status", {"status": "discontinued"}
    )
    assert status == 200

    jobs = []
    for i, pid in enumerate(patients[1:]):
        if i % 2:
            body = {"option": "rtms", "start_on": "2027-06-07", "sessions": hand}
        else:
            body = {"option": "rtms", "start_on": "2027-06-07", "preferred_time": "09:00"}
        jobs.append((pid, body))
    jobs.append(
        (patients[1], {"option": "rtms", "start_on": "2027-06-07", "preferred_time": "09:00"})
    )

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(
            pool.map(lambda j: call(base, token, f"/api/v1/patients/{j[0]}/courses", j[1]), jobs)
        )

    statuses = sorted(s for s, _ in results)
    assert set(statuses) <= {201, 409}, statuses
    hand_won = sum(
        1
        for (pid, body), (s, _) in zip(jobs, results, strict=True)
        if "sessions" in body and s == 201
    )
    assert hand_won <= 1  # the same sessions can be booked once
    assert statuses.count(201) >= PATIENTS // 2 - 1
    for s, out in results:
        if s == 201:
            assert len(out["sessions"]) == 36
        else:
            assert out["title"] == "Conflict" and out["errors"][0]["field"] == "sessions"
    assert overlaps(database_url) == 0
