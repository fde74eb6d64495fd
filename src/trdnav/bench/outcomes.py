"""The outcomes dashboard at scale: a synthetic clinic with ~1,000,000 PHQ-9 administrations on
PostgreSQL (TRDNAV_BENCH_POSTGRES_URL or TRDNAV_TEST_POSTGRES_URL; SQLite otherwise), then the
dashboard's server time: the query alone, and the whole `GET /api/v1/outcomes` request. Target:
under 300 ms."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime
from typing import Any

from trdnav.bench.scheduling import _database, _drop
from trdnav.platform.settings import get_settings

TARGET_MS = 300.0


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def bench_dashboard(administrations: int, runs: int = 30) -> dict[str, Any]:
    """Seed, then time the dashboard `runs` times (after one warm-up)."""
    from fastapi.testclient import TestClient

    from trdnav.app import create_app
    from trdnav.features.accounts.users import create_user
    from trdnav.features.measurement import outcomes
    from trdnav.features.measurement.seed import seed_outcomes
    from trdnav.features.tokens.service import create_token
    from trdnav.platform.runtime import build_runtime
    from trdnav.storage.models import Clinic

    url, backend, admin = _database()
    try:
        settings = get_settings().model_copy(update={"database_url": url})
        rt = build_runtime(settings)
        seeded = seed_outcomes(rt.db, rt.clinic_id, administrations)
        evidence = rt.engine.evidence
        query: list[float] = []
        for i in range(runs + 1):
            with rt.db() as db:
                t0 = time.perf_counter()
                rows = outcomes.dashboard(db, rt.clinic_id, evidence)
                elapsed = (time.perf_counter() - t0) * 1000
            if i:
                query.append(elapsed)
        measured = sum(r.courses for r in rows)
        now = datetime.now(UTC)
        with rt.db.begin() as db:
            clinic = db.query(Clinic).filter_by(id=rt.clinic_id).one()
            create_user(
                db, "bench@demo.example", "prescriber", clinic, "quiet harbor lantern 42", now
            )
            _, token = create_token(db, "bench@demo.example", clinic.slug, "bench", now)
        request: list[float] = []
        with TestClient(create_app(settings, rt)) as client:
            headers = {"Authorization": f"Bearer {token}"}
            for i in range(runs + 1):
                t0 = time.perf_counter()
                response = client.get("/api/v1/outcomes", headers=headers)
                elapsed = (time.perf_counter() - t0) * 1000
                assert response.status_code == 200, response.text
                if i:
                    request.append(elapsed)
        rt.close()
    finally:
        _drop(admin, url)
    q, r = _ms(query), _ms(request)
    return {
        "backend": backend,
        "administrations": seeded.administrations,
        "courses": seeded.courses,
        "courses_measured": measured,
        "seed_seconds": round(seeded.seconds, 1),
        "query": q,
        "request": r,
        "target_ms": TARGET_MS,
        "within_target": r["p95_ms"] < TARGET_MS,
    }


def run(quick: bool) -> dict[str, Any]:
    """The dashboard over 1,000,000 administrations (100,000 when quick)."""
    return bench_dashboard(100_000 if quick else 1_000_000, runs=10 if quick else 30)


def summary(report: dict[str, Any]) -> list[str]:
    """Readable lines."""
    return [
        f"outcomes dashboard ({report['backend']}, {report['administrations']} administrations, "
        f"{report['courses']} courses): query median {report['query']['median_ms']} ms, "
        f"p95 {report['query']['p95_ms']} ms; GET /api/v1/outcomes median "
        f"{report['request']['median_ms']} ms, p95 {report['request']['p95_ms']} ms "
        f"(target < {report['target_ms']:.0f} ms: {'met' if report['within_target'] else 'MISSED'})"
    ]
