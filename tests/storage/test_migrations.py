"""Alembic migrations: a fresh database upgrades to every head, twice without harm."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from trdnav.storage.db import alembic_config, make_engine, upgrade


def test_fresh_database_upgrades_to_all_heads_idempotently(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        upgrade(engine)  # a second start-up changes nothing
        tables = set(inspect(engine).get_table_names())
        assert {"clinics", "consultation_requests", "idempotency_keys", "rate_limit_hits"} <= tables
        heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
        with engine.connect() as conn:
            applied = {
                row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))
            }
        assert applied == heads
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_with_full_sync(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
