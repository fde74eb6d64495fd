"""Aid sessions live in the database (both backends), expire when idle, and can be deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.features.aid.aid_data import DANA
from trdnav.features.aid import drafts
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AidDraft

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _fill(runtime: Runtime, token: str, now: datetime = T0) -> None:
    with runtime.db() as s:
        for step, raw in DANA.items():
            drafts.save_step(s, token, step, raw, now)


def test_answers_round_trip_and_map_to_the_contract(runtime: Runtime) -> None:
    token = drafts.new_token()
    _fill(runtime, token)
    with runtime.db() as s:
        assert drafts.load(s, token, T0) == DANA
        request = drafts.current_answers(s, token, T0 + timedelta(minutes=5))
    assert request is not None and request.age == 42


def test_only_a_hash_of_the_token_is_stored(runtime: Runtime) -> None:
    token = drafts.new_token()
    _fill(runtime, token)
    with runtime.db() as s:
        keys = s.scalars(select(AidDraft.token_hash)).all()
    assert keys and token not in keys and all(len(k) == 64 for k in keys)


def test_idle_sessions_expire_and_are_purged(runtime: Runtime) -> None:
    token = drafts.new_token()
    _fill(runtime, token)
    later = T0 + drafts.IDLE + timedelta(seconds=1)
    with runtime.db() as s:
        assert drafts.current_answers(s, token, later) is None
        assert drafts.purge_expired(s, later) == 1
        assert s.scalars(select(AidDraft)).all() == []


def test_saving_into_an_expired_session_starts_afresh(runtime: Runtime) -> None:
    token = drafts.new_token()
    _fill(runtime, token)
    later = T0 + drafts.IDLE + timedelta(minutes=1)
    with runtime.db() as s:
        drafts.save_step(s, token, "about", {"age": "50", "pregnancy": "no"}, later)
        assert drafts.load(s, token, later) == {"about": {"age": "50", "pregnancy": "no"}}


def test_forget_deletes_now(runtime: Runtime) -> None:
    token = drafts.new_token()
    _fill(runtime, token)
    with runtime.db() as s:
        drafts.forget(s, token)
        assert drafts.load(s, token, T0) is None


def test_unknown_or_missing_tokens_give_nothing(runtime: Runtime) -> None:
    with runtime.db() as s:
        assert drafts.current_answers(s, None, T0) is None
        assert drafts.current_answers(s, "nope", T0) is None
        assert drafts.current_answers(s, "x" * 500, T0) is None
