"""docs/postgres-app-role.sql: the application's PostgreSQL role reads and appends the audit
trail and can do nothing else to it (issue 14 item 2). Runs the documented SQL as written."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from tests.cast import now
from trdnav.platform import audit
from trdnav.platform.runtime import Runtime, build_runtime
from trdnav.storage.db import normalize_url

SQL = Path(__file__).parents[2] / "docs" / "postgres-app-role.sql"


def test_the_documented_app_role_can_only_read_and_append_the_audit_trail(
    runtime: Runtime, database_url: str
) -> None:
    owner = make_url(normalize_url(database_url))
    with runtime.db.begin() as s:
        audit.record(s, now(), "test.event", audit.Who(user_id=1))
    if owner.get_backend_name() != "postgresql":
        # SQLite has no roles: the file itself is the boundary; the row triggers still hold.
        with pytest.raises(DBAPIError, match="append-only"), runtime.database.begin() as c:
            c.execute(text("UPDATE ws_audit_events SET outcome = 'x'"))
        return
    role = f"trdnav_app_{uuid.uuid4().hex[:8]}"
    script = (
        SQL.read_text()
        .replace("trdnav_app", role)
        .replace("DATABASE trdnav ", f'DATABASE "{owner.database}" ')
    )
    code = "\n".join(ln for ln in script.splitlines() if not ln.strip().startswith("--"))
    with runtime.database.begin() as conn:
        for statement in code.split(";"):
            if statement.strip():
                conn.execute(text(statement))
    app_url = owner.set(username=role, password="change-me")
    try:
        settings = runtime.settings.model_copy(
            update={"database_url": app_url.render_as_string(hide_password=False)}
        )
        app = build_runtime(settings)  # starts (schema at head) as the restricted role
        try:
            with app.db.begin() as s:
                audit.record(s, now(), "test.event", audit.Who(user_id=1))
            for sql in (
                "UPDATE ws_audit_events SET outcome = 'denied'",
                "DELETE FROM ws_audit_events",
                "TRUNCATE ws_audit_events",
                "DELETE FROM ws_audit_head",
            ):
                with (
                    pytest.raises(DBAPIError, match="permission denied"),
                    app.database.begin() as c,
                ):
                    c.execute(text(sql))
            with app.db() as s:
                assert audit.verify(s).ok
        finally:
            app.close()
    finally:
        admin = create_engine(normalize_url(database_url))
        with admin.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()
