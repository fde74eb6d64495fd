"""`make bench`, scheduling: booking throughput with 16 concurrent clients against a real
two-worker server (PostgreSQL when TRDNAV_BENCH_POSTGRES_URL or TRDNAV_TEST_POSTGRES_URL is
set, else SQLite) with the double bookings counted afterwards, and the waitlist planner on
generated tight instances against the greedy baseline.

Loopback only, bounded in count and time; every database it creates it drops."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from trdnav.domain.scheduling.planner import Instance, check_plan, plan
from trdnav.storage.db import make_engine, normalize_url, session_factory

CLIENTS = 16
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


# --- booking throughput -------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _call(base: str, token: str, path: str, body: Any) -> tuple[int, Any]:
    req = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(req, timeout=120) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), json.loads(exc.read())


def _database() -> tuple[str, str, str | None]:
    """(URL, backend, admin URL to drop it with)."""
    admin = os.environ.get("TRDNAV_BENCH_POSTGRES_URL") or os.environ.get(
        "TRDNAV_TEST_POSTGRES_URL"
    )
    if not admin:
        path = Path(tempfile.mkdtemp()) / "bench.db"
        return f"sqlite:///{path}", "sqlite", None
    name = f"trdnav_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(normalize_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    url = make_url(normalize_url(admin)).set(database=name).render_as_string(hide_password=False)
    return url, "postgresql", admin


def _drop(admin: str | None, url: str) -> None:
    if admin is None:
        return
    name = make_url(url).database
    engine = create_engine(normalize_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _double_bookings(url: str) -> int:
    from trdnav.storage.models import CourseSession

    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            rows = list(db.scalars(select(CourseSession).where(CourseSession.status == "booked")))
    finally:
        engine.dispose()
    count = 0
    for key in ("resource_id", "patient_id"):
        groups: dict[Any, list[Any]] = {}
        for r in rows:
            groups.setdefault(getattr(r, key), []).append(r)
        for items in groups.values():
            items.sort(key=lambda r: r.starts_at)
            reach = None
            for r in items:
                if reach is not None and r.starts_at < reach:
                    count += 1
                reach = r.ends_at if reach is None else max(reach, r.ends_at)
    return count


def bench_booking(courses: int) -> dict[str, Any]:
    """Courses booked per second by 16 concurrent clients, and the double bookings after."""
    from trdnav.features.accounts.users import clinic_by_slug, create_user
    from trdnav.features.tokens.service import create_token
    from trdnav.platform.runtime import build_runtime
    from trdnav.platform.settings import Settings

    url, backend, admin = _database()
    proc = None
    try:
        rt = build_runtime(Settings(environment="test", database_url=url, _env_file=None))  # type: ignore[call-arg]
        now = datetime.now(UTC)
        with rt.db.begin() as db:
            create_user(
                db,
                "bench@demo.example",
                "coordinator",
                clinic_by_slug(db, "demo"),
                "harbor light load test passphrase",
                now,
            )
            _, token = create_token(db, "bench@demo.example", "demo", "bench", now)
        rt.close()
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "TRDNAV_ENVIRONMENT": "test", "TRDNAV_LOG_LEVEL": "warning"}
        cmd = [sys.executable, "-m", "trdnav.cli", "serve", "--port", str(port), "--workers", "2"]
        proc = subprocess.Popen(
            [*cmd, "--database", url], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.1)
        patients = []
        for i in range(courses):
            status, body = _call(
                base,
                token,
                "/api/v1/patients",
                {"given_name": f"B{i}", "family_name": "Bench", "birth_date": "1980-01-01"},
            )
            assert status == 201, body
            patients.append(body["id"])
        rnd = random.Random(7)
        first = date(2030, 1, 7)
        jobs = []
        for i, pid in enumerate(patients):
            option = ["rtms", "iv_ketamine", "esketamine", "deep_tms"][i % 4]
            start = first + timedelta(days=7 * rnd.randrange(52))
            at = f"{rnd.choice([8, 9, 10, 11, 13, 14]):02d}:00"
            jobs.append(
                (pid, {"option": option, "start_on": start.isoformat(), "preferred_time": at})
            )
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            results = list(
                pool.map(
                    lambda j: _call(base, token, f"/api/v1/patients/{j[0]}/courses", j[1]), jobs
                )
            )
        elapsed = time.perf_counter() - t0
        booked = sum(1 for s, _ in results if s == 201)
        refused = sum(1 for s, _ in results if s == 409)
        sessions = sum(len(b["sessions"]) for s, b in results if s == 201)
        return {
            "backend": backend,
            "clients": CLIENTS,
            "attempts": len(jobs),
            "booked": booked,
            "refused_409": refused,
            "other": len(jobs) - booked - refused,
            "sessions": sessions,
            "seconds": round(elapsed, 2),
            "courses_per_s": round(booked / elapsed, 2),
            "attempts_per_s": round(len(jobs) / elapsed, 2),
            "double_bookings": _double_bookings(url),
        }
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        _drop(admin, url)


# --- planner ------------------------------------------------------------------------------


def tight_instance(seed: int, patients: int, resources: int, weeks: int) -> Instance:
    """A clinic with more people waiting than its chairs can start in the horizon."""
    rnd = random.Random(seed)
    kinds = [
        (["rtms", "deep_tms"], ["08:00", "18:00"]),
        (["iv_ketamine", "esketamine"], ["09:00", "17:00"]),
        (["rtms"], ["08:00", "13:00"]),
    ]
    res = []
    for i in range(resources):
        options, hours = kinds[i % len(kinds)]
        days = WEEKDAYS if rnd.random() < 0.7 else rnd.sample(WEEKDAYS, 3)
        res.append({"id": f"r{i}", "options": options, "hours": {d: hours for d in days}})
    served = sorted({o for r in res for o in r["options"]})
    start = date(2027, 1, 4)
    booked = []
    for _ in range(resources * weeks * 2):  # what is already booked
        r = rnd.choice(res)
        day = start + timedelta(days=rnd.randrange(weeks * 7))
        h = rnd.randrange(9, 15)
        booked.append(
            {"resource": r["id"], "start": f"{day}T{h:02d}:00", "end": f"{day}T{h:02d}:40"}
        )
    people = []
    for i in range(patients):
        person: dict[str, Any] = {
            "id": f"p{i}",
            "option": rnd.choice(served),
            "earliest_start": str(start + timedelta(days=rnd.randrange(28))),
            "priority": rnd.choice([1, 1, 1, 2, 2, 3]),
        }
        if rnd.random() < 0.3:
            days = rnd.sample(WEEKDAYS, rnd.choice([3, 4, 5]))
            person["available"] = {
                d: ["08:00", "12:00"] if rnd.random() < 0.5 else ["12:00", "18:00"] for d in days
            }
        people.append(person)
    return Instance.model_validate(
        {
            "start": str(start),
            "horizon_days": weeks * 7,
            "closed_dates": [str(start + timedelta(days=14))],
            "resources": res,
            "booked": booked,
            "patients": people,
        }
    )


def bench_planner(quick: bool) -> list[dict[str, Any]]:
    """Greedy vs CP-SAT on generated tight instances: starts, total wait, solve time."""
    sizes = [(60, 3, 12), (100, 4, 14), (150, 6, 16)]
    if quick:
        sizes = [(60, 3, 12)]
    limit = 3.0 if quick else 10.0
    rows = []
    for seed, (n, r, w) in enumerate(sizes):
        instance = tight_instance(seed, n, r, w)
        t0 = time.perf_counter()
        greedy = plan(instance, solver="greedy")
        tg = time.perf_counter() - t0
        t0 = time.perf_counter()
        best = plan(instance, time_limit=limit)
        tc = time.perf_counter() - t0
        assert check_plan(instance, best) == [] and check_plan(instance, greedy) == []
        rows.append(
            {
                "patients": n,
                "resources": r,
                "weeks": w,
                "greedy_started": greedy.metrics.scheduled,
                "greedy_weighted": greedy.metrics.weighted_scheduled,
                "greedy_wait_days": greedy.metrics.total_wait_days,
                "greedy_s": round(tg, 2),
                "cpsat_started": best.metrics.scheduled,
                "cpsat_weighted": best.metrics.weighted_scheduled,
                "cpsat_wait_days": best.metrics.total_wait_days,
                "cpsat_s": round(tc, 2),
                "time_limit_s": limit,
                "solver": best.solver,
            }
        )
    return rows


def run(quick: bool) -> dict[str, Any]:
    """The scheduling benchmarks: the planner against greedy, then booking under concurrency."""
    return {"planner": bench_planner(quick), "booking": bench_booking(32 if quick else 160)}


def summary(report: dict[str, Any]) -> list[str]:
    """Readable lines for the scheduling benchmarks."""
    lines = [f"planner: {json.dumps(row)}" for row in report["planner"]]
    return [*lines, f"booking: {json.dumps(report['booking'])}"]
