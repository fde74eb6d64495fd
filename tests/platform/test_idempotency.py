"""Idempotency keys through the consultation use case: retries, expiry, concurrent duplicates."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from trdnav.features.consultations import service as consultations
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.idempotency import request_hash
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import ConsultationRequest, IdempotencyKey

T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
BODY = {"name": "Ana Diaz", "email": "ana@example.org", "consent_to_contact": True}


def _receive(runtime: Runtime, key: str | None, now: datetime = T0, body: object = BODY) -> str:
    receipt = consultations.receive(runtime, body, surface="api", client="c", key=key, now=now)
    return receipt.view.id


def _rows(runtime: Runtime) -> int:
    with runtime.db() as db:
        return int(db.scalar(select(func.count()).select_from(ConsultationRequest)) or 0)


def test_the_fingerprint_ignores_key_order_and_whitespace() -> None:
    assert request_hash({"a": 1, "b": [1, 2]}) == request_hash({"b": [1, 2], "a": 1})
    assert request_hash({"a": 1}) != request_hash({"a": 2})


def test_a_key_is_remembered_for_24_hours_and_then_may_be_reused(runtime: Runtime) -> None:
    first = _receive(runtime, "k")

    assert _receive(runtime, "k", T0 + timedelta(hours=23, minutes=59)) == first
    assert _rows(runtime) == 1

    later = _receive(runtime, "k", T0 + timedelta(hours=24, seconds=1))
    assert later != first
    assert _rows(runtime) == 2
    with runtime.db() as db:  # the expired entry was replaced, not duplicated
        assert db.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_a_different_body_with_a_fresh_key_is_refused(runtime: Runtime) -> None:
    _receive(runtime, "k")

    with pytest.raises(InvalidRequest) as caught:
        _receive(runtime, "k", body={**BODY, "email": "other@example.org"})

    assert caught.value.errors[0]["field"] == "Idempotency-Key"
    assert _rows(runtime) == 1


def test_concurrent_retries_of_one_key_store_one_request(runtime: Runtime) -> None:
    # A phone on a bad network sends the same request several times at once.
    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(lambda _: _receive(runtime, "same-key"), range(6)))

    assert len(set(ids)) == 1
    assert _rows(runtime) == 1


def test_keys_are_scoped_per_surface(runtime: Runtime) -> None:
    api = _receive(runtime, "k")
    form = consultations.receive(runtime, BODY, surface="form", client="c", key="k", now=T0)

    assert form.view.id != api
    assert _rows(runtime) == 2
