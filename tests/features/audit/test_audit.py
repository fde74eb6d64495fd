"""The audit trail: hash chain, append-only, tamper detection through `trdnav audit verify`."""

from __future__ import annotations

import csv
import io
import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from tests.cast import Member, make_request, now
from trdnav.cli import app as cli
from trdnav.platform import audit
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent

runner = CliRunner()


def _fill(runtime: Runtime, n: int = 5) -> None:
    with runtime.db.begin() as s:
        for i in range(n):
            audit.record(s, now(), "test.event", audit.Who(user_id=i), detail={"i": i})


def _verify_cli(database_url: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["audit", "verify", "--database", database_url])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def _without_guard(runtime: Runtime, sql: str) -> None:
    """Tamper as someone with direct database access would: drop the guard triggers first."""
    with runtime.database.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE ws_audit_events DISABLE TRIGGER USER"))
            conn.execute(text(sql))
            conn.execute(text("ALTER TABLE ws_audit_events ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER ws_audit_events_no_update"))
            conn.execute(text("DROP TRIGGER ws_audit_events_no_delete"))
            conn.execute(text(sql))


def test_chain_verifies(runtime: Runtime, database_url: str) -> None:
    _fill(runtime)
    code, output = _verify_cli(database_url)
    assert code == 0, output
    assert "audit chain OK: 5 entries" in output


def test_database_refuses_update_and_delete(runtime: Runtime) -> None:
    _fill(runtime, 2)
    for sql in ("UPDATE ws_audit_events SET action = 'x'", "DELETE FROM ws_audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), runtime.database.begin() as conn:
            conn.execute(text(sql))


@pytest.mark.parametrize(
    ("sql", "bad_id", "words"),
    [
        ("UPDATE ws_audit_events SET outcome = 'denied' WHERE id = 3", 3, "was altered"),
        ("UPDATE ws_audit_events SET patient_id = 'p-2' WHERE id = 2", 2, "was altered"),
        ("DELETE FROM ws_audit_events WHERE id = 2", 2, "missing (deleted)"),
        ("DELETE FROM ws_audit_events WHERE id = 5", 5, "missing (deleted)"),
        (
            "UPDATE ws_audit_events SET prev_hash = hash WHERE id = 4",
            4,
            "does not follow entry 3",
        ),
    ],
)
def test_tampering_is_detected_and_named(
    runtime: Runtime, database_url: str, sql: str, bad_id: int, words: str
) -> None:
    _fill(runtime)
    _without_guard(runtime, sql)
    code, output = _verify_cli(database_url)
    assert code == 1
    assert f"BROKEN at entry {bad_id}" in output and words in output


def test_recomputed_hash_on_altered_row_still_breaks_the_next_link(runtime: Runtime) -> None:
    _fill(runtime)
    with runtime.db() as s:
        row = s.get(AuditEvent, 2)
        assert row is not None
        row.action = "forged"
        forged = audit.entry_hash(row)
        s.rollback()
    _without_guard(
        runtime, f"UPDATE ws_audit_events SET action = 'forged', hash = '{forged}' WHERE id = 2"
    )
    with runtime.db() as s:
        result = audit.verify(s)
    assert not result.ok and result.first_bad_id == 3


def test_concurrent_appends_never_fork_the_chain(runtime: Runtime) -> None:
    def worker(k: int) -> None:
        for i in range(10):
            with runtime.db.begin() as s:
                audit.record(s, now(), "test.concurrent", audit.Who(user_id=k), detail={"i": i})

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with runtime.db() as s:
        result = audit.verify(s)
        assert result.ok and result.checked == 40


def test_health_data_reads_and_writes_are_audited_without_phi(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    rid = make_request(runtime)
    cora, priya = cast["cora"], cast["priya"]
    cora.get(f"/workspace/consultations/{rid}")
    patient_url = cora.post(f"/workspace/consultations/{rid}/convert").headers["location"]
    patient_id = patient_url.rsplit("/", 1)[1]
    priya.get(patient_url)
    with runtime.db() as s:
        rows = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    views = [r for r in rows if r.action == "patient.view"]
    assert views and views[-1].patient_id == patient_id
    last = views[-1]
    assert (last.actor_email, last.role, last.clinic_id) == (
        priya.email,
        "prescriber",
        runtime.clinic_id,
    )
    assert last.ip and last.at is not None
    assert any(r.action == "inbox.convert" and r.patient_id == patient_id for r in rows)
    assert any(r.action == "inbox.view" and r.target == f"consultation:{rid}" for r in rows)
    blob = " ".join(f"{r.detail} {r.target} {r.patient_id}" for r in rows)
    assert "Ana Diaz" not in blob and "ana@example.org" not in blob and "sertraline" not in blob


def test_admin_viewer_filters_and_exports_csv(cast: dict[str, Member], runtime: Runtime) -> None:
    alice = cast["alice"]
    cast["oscar"].get("/workspace/patients")  # clinic B's activity
    cast["priya"].get("/workspace/patients")
    page = alice.get("/workspace/audit?action=patient.list")
    assert page.status_code == 200
    assert cast["priya"].email in page.text
    assert cast["oscar"].email not in page.text  # another clinic's trail stays there
    export = alice.get("/workspace/audit/export.csv?action=patient.")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0][:3] == ["id", "at", "actor_user_id"]
    assert {r[7] for r in rows[1:]} == {"patient.list"}
    with runtime.db() as s:
        exported = s.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export"))
        assert exported.first() is not None


def test_cli_export_writes_csv(runtime: Runtime, database_url: str) -> None:
    _fill(runtime, 2)
    result = runner.invoke(cli, ["audit", "export", "--database", database_url])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][0] == "id" and len(rows) == 4  # header, 2 events, the export itself
