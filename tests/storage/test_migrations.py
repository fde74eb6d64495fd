"""Alembic migrations: one head, a fresh database upgrades to it twice without harm, and the
migrated schema is exactly what the models describe (autogenerate would find nothing)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from trdnav.storage.db import alembic_config, make_engine, upgrade
from trdnav.storage.models import Base


def test_there_is_exactly_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"merge the heads {heads} into one"


def test_fresh_database_upgrades_to_the_head_idempotently(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine)
        upgrade(engine)  # a second start-up changes nothing
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        (head,) = ScriptDirectory.from_config(alembic_config()).get_heads()
        with engine.connect() as conn:
            applied = [
                row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))
            ]
        assert applied == [head]
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(empty_database_url: str) -> None:
    """Every table the models declare, with the same columns, types, nullability and indexes."""
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_every_model_module_is_imported_for_alembic() -> None:
    """A table defined in a module the models package forgets would be dropped by autogenerate."""
    package = Path(__file__).parents[2] / "src" / "trdnav" / "storage" / "models"
    declared = {
        line.split('"')[1]
        for path in package.glob("*.py")
        for line in path.read_text().splitlines()
        if line.strip().startswith("__tablename__")
    }
    assert declared == set(Base.metadata.tables)


def test_sqlite_runs_in_wal_with_full_sync(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_baselines_become_administrations(empty_database_url: str) -> None:
    """r002 moves each stored baseline PHQ-9 into ws_administrations; nothing is lost."""
    from alembic import command

    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "r001")
            conn.execute(
                text(
                    "INSERT INTO clinics (id, slug, name, time_zone, created_at)"
                    " VALUES (1, 'c', 'C', 'UTC', '2026-01-01 00:00:00')"
                )
            )
            for pid, items, total, source in [
                ("p1", "[3,3,3,3,3,3,3,3,3]", 27, "clinician"),
                ("p2", None, 12, None),
                ("p3", None, None, None),
            ]:
                conn.execute(
                    text(
                        "INSERT INTO ws_patients (id, clinic_id, name, baseline_phq9_items,"
                        " baseline_phq9_total, baseline_phq9_source, age_reported, created_at,"
                        " updated_at) VALUES (:id, 1, 'X', :items, :total, :source, 40,"
                        " '2026-01-01 00:00:00', '2026-02-01 00:00:00')"
                    ),
                    {"id": pid, "items": items, "total": total, "source": source},
                )
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT patient_id, instrument, total, source FROM ws_administrations"
                    " ORDER BY patient_id"
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            ("p1", "phq9", 27, "clinician"),
            ("p2", "phq9", 12, "reported"),
        ]
    finally:
        engine.dispose()
