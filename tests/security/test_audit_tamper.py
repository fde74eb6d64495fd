"""Issue 14 item 2: the audit chain is tamper-evident for real.

Mallory has full access to the database (she can drop triggers) but not to the audit key, which
lives outside it, nor to the checkpoint file, which is shipped elsewhere. Each attack from the
issue: TRUNCATE, a forged entry with a correct plain hash and a moved head, the newest entries
cut off with the head rewritten, the chain recomputed after an edit; plus key rotation and the
entries written before keyed hashing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from tests.cast import now
from trdnav.cli import app as cli
from trdnav.platform import audit, audit_anchor
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent, AuditHead

runner = CliRunner()


def _fill(runtime: Runtime, n: int = 5) -> None:
    with runtime.db.begin() as s:
        for i in range(n):
            audit.record(s, now(), "test.event", audit.Who(user_id=i), detail={"i": i})


def _as_mallory(runtime: Runtime, *sql: str, params: dict[str, object] | None = None) -> None:
    """Run SQL with the append-only triggers out of the way, as a database owner could."""
    with runtime.database.begin() as conn:
        pg = conn.dialect.name == "postgresql"
        if pg:
            conn.execute(text("ALTER TABLE ws_audit_events DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS ws_audit_events_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS ws_audit_events_no_delete"))
        for statement in sql:
            conn.execute(text(statement), params or {})
        if pg:
            conn.execute(text("ALTER TABLE ws_audit_events ENABLE TRIGGER USER"))


def _verify(database_url: str, checkpoint: Path | None = None) -> tuple[int, str]:
    args = ["audit", "verify", "--database", database_url]
    if checkpoint is not None:
        args += ["--checkpoint", str(checkpoint)]
    result = runner.invoke(cli, args)
    return result.exit_code, result.output


def _checkpoint(database_url: str, path: Path) -> None:
    result = runner.invoke(
        cli, ["audit", "checkpoint", "--database", database_url, "--file", str(path)]
    )
    assert result.exit_code == 0, result.output


def _rows(runtime: Runtime) -> list[AuditEvent]:
    with runtime.db() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _plain_hash(fields: dict[str, object]) -> str:
    """What Mallory can compute: the old unkeyed SHA-256 over the canonical fields."""
    return hashlib.sha256(
        json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def test_truncate_and_delete_are_refused(runtime: Runtime) -> None:
    _fill(runtime, 2)
    with runtime.database.connect() as conn:
        pg = conn.dialect.name == "postgresql"
    statements = ["DELETE FROM ws_audit_events"]
    if pg:
        statements += ["TRUNCATE ws_audit_events", "TRUNCATE ws_audit_head, ws_audit_events"]
    for sql in statements:
        with pytest.raises(DBAPIError, match="append-only"), runtime.database.begin() as conn:
            conn.execute(text(sql))
    assert len(_rows(runtime)) == 2


def test_a_forged_entry_with_a_correct_plain_hash_is_caught(
    runtime: Runtime, database_url: str
) -> None:
    _fill(runtime)
    last = _rows(runtime)[-1]
    forged = {
        "id": 6,
        "at": now().isoformat(timespec="microseconds"),
        "actor_user_id": 1,
        "actor_email": None,
        "role": None,
        "clinic_id": None,
        "patient_id": None,
        "action": "patient.view",
        "target": None,
        "outcome": "ok",
        "ip": None,
        "detail": "{}",
        "prev_hash": last.hash,
    }
    for key_id in (None, last.key_id):  # as a legacy entry, or claiming the real key's id
        digest = _plain_hash({**forged, **({"key_id": key_id} if key_id else {})})
        _as_mallory(
            runtime,
            "DELETE FROM ws_audit_events WHERE id = 6",
            "INSERT INTO ws_audit_events (id, at, actor_user_id, action, outcome, detail,"
            " prev_hash, hash, key_id) VALUES (6, :at, 1, 'patient.view', 'ok', '{}', :prev,"
            " :hash, :key_id)",
            "UPDATE ws_audit_head SET last_id = 6, last_hash = :hash",
            params={"at": now(), "prev": last.hash, "hash": digest, "key_id": key_id},
        )
        code, output = _verify(database_url)
        assert code == 1 and "BROKEN at entry 6" in output, output


def test_cutting_off_the_newest_entries_is_caught_by_a_checkpoint(
    runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    _fill(runtime)
    points = tmp_path / "checkpoints.jsonl"
    _checkpoint(database_url, points)
    third = _rows(runtime)[2]
    _as_mallory(
        runtime,
        "DELETE FROM ws_audit_events WHERE id > 3",
        "UPDATE ws_audit_head SET last_id = 3, last_hash = :hash",
        params={"hash": third.hash},
    )
    # The chain alone is consistent again: only an anchor outside the database can tell.
    assert _verify(database_url)[0] == 0
    code, output = _verify(database_url, points)
    assert code == 1 and "entry 5" in output and "deleted" in output, output


def test_recomputing_the_chain_after_an_edit_is_caught(
    runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    _fill(runtime)
    points = tmp_path / "checkpoints.jsonl"
    _checkpoint(database_url, points)
    # Mallory edits entry 2, then recomputes every hash after it the only way she can: unkeyed,
    # or with a key of her own under the real key's id.
    rows = _rows(runtime)
    prev = rows[0].hash
    statements, params = [], {}
    for row in rows[1:]:
        fields = json.loads(audit._canonical(row))
        fields["prev_hash"] = prev
        if row.id == 2:
            fields["outcome"] = "denied"
        fields.pop("key_id", None)
        digest = _plain_hash(fields)
        statements.append(
            f"UPDATE ws_audit_events SET outcome = :o{row.id}, prev_hash = :p{row.id},"
            f" hash = :h{row.id}, key_id = NULL WHERE id = {row.id}"
        )
        params |= {f"o{row.id}": fields["outcome"], f"p{row.id}": prev, f"h{row.id}": digest}
        prev = digest
    statements.append("UPDATE ws_audit_head SET last_hash = :head")
    params["head"] = prev
    _as_mallory(runtime, *statements, params=params)
    code, output = _verify(database_url)
    assert code == 1 and "entry 2 is unkeyed after keyed entries" in output, output
    # Even rewriting entry 1 as well (a wholly "legacy" chain) fails against the checkpoint.
    first = json.loads(audit._canonical(rows[0]))
    first.pop("key_id", None)
    _as_mallory(
        runtime,
        "UPDATE ws_audit_events SET key_id = NULL, hash = :h WHERE id = 1",
        params={"h": _plain_hash(first)},
    )
    code, output = _verify(database_url, points)
    assert code == 1, output


def test_a_forged_checkpoint_is_refused(
    runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    _fill(runtime)
    points = tmp_path / "checkpoints.jsonl"
    _checkpoint(database_url, points)
    line = json.loads(points.read_text())
    line["last_id"] = 3
    points.write_text(json.dumps(line) + "\n")
    code, output = _verify(database_url, points)
    assert code == 1 and "bad signature" in output


def test_keys_rotate_and_older_entries_still_verify(runtime: Runtime) -> None:
    def verify() -> audit.Verification:
        with runtime.db() as s:
            return audit.verify(s)

    _fill(runtime, 3)  # signed with the key derived from the secret key
    first = runtime.settings.model_copy(
        update={"audit_key": SecretStr("dedicated audit key one"), "audit_key_id": "2026-11"}
    )
    audit_anchor.configure_from(first)
    _fill(runtime, 2)
    assert verify().ok
    second = runtime.settings.model_copy(
        update={
            "audit_key": SecretStr("dedicated audit key two"),
            "audit_key_id": "2027-01",
            "audit_previous_keys": SecretStr("2026-11:dedicated audit key one"),
        }
    )
    audit_anchor.configure_from(second)
    _fill(runtime, 1)
    result = verify()
    assert result.ok and result.checked == 6
    ids = [r.key_id for r in _rows(runtime)]
    assert ids[3:] == ["2026-11", "2026-11", "2027-01"] and len(set(ids[:3])) == 1
    # A key dropped too early: its entries are named, not silently accepted.
    audit_anchor.configure_from(second.model_copy(update={"audit_previous_keys": None}))
    result = verify()
    assert not result.ok and result.first_bad_id == 4 and "not configured" in (result.problem or "")
    # A wrong key under the right id: every entry it signed reads as altered.
    wrong = second.model_copy(
        update={"audit_previous_keys": SecretStr("2026-11:a guess by mallory")}
    )
    audit_anchor.configure_from(wrong)
    assert verify().first_bad_id == 4
    audit_anchor.configure_from(runtime.settings)


def test_entries_from_before_keyed_hashing_verify_as_legacy(
    runtime: Runtime, database_url: str
) -> None:
    """Rows written by the old code (plain SHA-256, no key id) are kept and named honestly."""
    with runtime.db.begin() as s:
        head = s.get(AuditHead, 1)
        assert head is not None
        for i in range(3):
            event = AuditEvent(
                id=head.last_id + 1,
                at=now(),
                actor_user_id=i,
                action="old.event",
                outcome="ok",
                detail="{}",
                prev_hash=head.last_hash,
                key_id=None,
            )
            event.hash = audit.entry_hash(event)
            s.add(event)
            head.last_id, head.last_hash = event.id, event.hash
    _fill(runtime, 2)
    code, output = _verify(database_url)
    assert code == 0, output
    assert "audit chain OK: 5 entries" in output and "entries 1..3 are unkeyed" in output


def test_jobs_run_writes_a_checkpoint_when_the_head_moved(
    runtime: Runtime, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    points = tmp_path / "anchor.jsonl"
    monkeypatch.setenv("TRDNAV_AUDIT_CHECKPOINT_FILE", str(points))
    from trdnav.platform.settings import get_settings

    get_settings.cache_clear()
    try:
        _fill(runtime, 2)
        assert runner.invoke(cli, ["jobs", "run", "--database", database_url]).exit_code == 0
        assert runner.invoke(cli, ["jobs", "run", "--database", database_url]).exit_code == 0
        assert len(audit_anchor.read(points)) == 1  # nothing new: no second line
        _fill(runtime, 1)
        assert runner.invoke(cli, ["jobs", "run", "--database", database_url]).exit_code == 0
        assert [p.last_id for p in audit_anchor.read(points)] == [2, 3]
    finally:
        get_settings.cache_clear()
    assert _verify(database_url, points)[0] == 0
