"""The database-backed rate limit: a sliding window counted in SQL, shared by every process."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from trdnav.features.consultations import service as consultations
from trdnav.platform.ratelimit import RateLimit, client_bucket, hit, prune
from trdnav.platform.runtime import Runtime, build_runtime
from trdnav.platform.settings import Settings
from trdnav.storage.models import RateLimitHit

T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TWO_PER_TEN = RateLimit(limit=2, window=timedelta(minutes=10))


def _hit(runtime: Runtime, bucket: str, at: datetime, policy: RateLimit = TWO_PER_TEN) -> int:
    """0 when allowed, else the Retry-After seconds."""
    with runtime.db.begin() as db:
        decision = hit(db, bucket, policy, at)
    return 0 if decision.allowed else decision.retry_after


def test_the_window_slides_and_retry_after_says_when_the_oldest_hit_leaves_it(
    runtime: Runtime,
) -> None:
    assert _hit(runtime, "b", T0) == 0
    assert _hit(runtime, "b", T0 + timedelta(minutes=1)) == 0

    assert _hit(runtime, "b", T0 + timedelta(minutes=2)) == 8 * 60  # T0's hit leaves at T0+10
    assert _hit(runtime, "b", T0 + timedelta(minutes=9, seconds=59)) == 1
    assert _hit(runtime, "b", T0 + timedelta(minutes=10)) == 0  # T0 is out of the window
    assert _hit(runtime, "b", T0 + timedelta(minutes=10, seconds=30)) == 30


def test_a_refused_attempt_is_not_counted(runtime: Runtime) -> None:
    for minute in (0, 1):
        _hit(runtime, "b", T0 + timedelta(minutes=minute))
    for second in range(5):  # a client hammering while blocked does not extend its own ban
        assert _hit(runtime, "b", T0 + timedelta(minutes=5, seconds=second)) > 0
    assert _hit(runtime, "b", T0 + timedelta(minutes=10)) == 0


def test_buckets_are_counted_separately(runtime: Runtime) -> None:
    for _ in range(2):
        _hit(runtime, "one", T0)
    assert _hit(runtime, "one", T0) > 0
    assert _hit(runtime, "two", T0) == 0


def test_two_processes_share_one_count(settings: Settings, runtime: Runtime) -> None:
    other_worker = build_runtime(settings)  # its own engine and connection pool, same database
    try:
        assert _hit(runtime, "b", T0) == 0
        assert _hit(other_worker, "b", T0 + timedelta(seconds=1)) == 0
        assert _hit(runtime, "b", T0 + timedelta(seconds=2)) > 0
        assert _hit(other_worker, "b", T0 + timedelta(seconds=3)) > 0
    finally:
        other_worker.close()


def test_concurrent_hits_never_exceed_the_limit(runtime: Runtime) -> None:
    policy = RateLimit(limit=3, window=timedelta(minutes=10))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: _hit(runtime, "race", T0, policy), range(12)))

    assert results.count(0) == 3
    with runtime.db() as db:
        assert len(db.scalars(select(RateLimitHit)).all()) == 3


def test_the_bucket_is_a_keyed_hash_never_the_address() -> None:
    bucket = client_bucket("secret-a", "consult-api", "203.0.113.7")

    assert "203.0.113.7" not in bucket
    assert bucket.startswith("consult-api:")
    assert bucket == client_bucket("secret-a", "consult-api", "203.0.113.7")
    assert bucket != client_bucket("secret-b", "consult-api", "203.0.113.7")
    assert bucket != client_bucket("secret-a", "consult-api", "203.0.113.8")


def test_old_hits_are_pruned(runtime: Runtime) -> None:
    _hit(runtime, "a", T0)
    _hit(runtime, "b", T0 + timedelta(hours=2))
    with runtime.db.begin() as db:
        assert prune(db, T0 + timedelta(hours=1)) == 1
    with runtime.db() as db:
        assert [h.bucket for h in db.scalars(select(RateLimitHit))] == ["b"]


def test_pruning_can_be_limited_to_one_purpose(runtime: Runtime) -> None:
    _hit(runtime, "consult-api:x", T0)
    _hit(runtime, "login:x", T0)
    with runtime.db.begin() as db:
        assert prune(db, T0 + timedelta(days=2), prefix="consult-") == 1
    with runtime.db() as db:
        assert [h.bucket for h in db.scalars(select(RateLimitHit))] == ["login:x"]


def test_the_limit_applies_per_surface_through_the_use_case(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consultations, "LIMIT", RateLimit(limit=1, window=timedelta(hours=1)))
    body = {"name": "Ana", "phone": "+1 907 555 0100", "consent_to_contact": True}

    def send(surface: str) -> str:
        try:
            consultations.receive(
                runtime, body, surface=surface, client="198.51.100.4", key=None, now=T0
            )
        except consultations.RateLimited as exc:
            return f"429 after {exc.retry_after}"
        return "201"

    assert [send("api"), send("api"), send("form"), send("form")] == [
        "201",
        "429 after 3600",
        "201",
        "429 after 3600",
    ]
