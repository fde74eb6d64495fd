"""Issue 14 item 10: what the audit trail keeps and how it leaves.

Unknown sign-in identifiers (a typo, or a password typed into the email box) are stored as a
keyed hash, never as typed; the CSV export neutralizes spreadsheet formulas. The cast: Ted, who
typed his password into the email box, and Alice, the admin who exports the trail.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import select
from typer.testing import CliRunner

from tests.cast import Member
from trdnav.cli import app as cli
from trdnav.features.accounts import auth, credentials
from trdnav.platform import audit
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent

TYPED_PASSWORD = "hunter2-my-real-passphrase"
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1")


def _everything(runtime: Runtime) -> str:
    with runtime.db() as s:
        rows = s.scalars(select(AuditEvent)).all()
        return " ".join(f"{r.actor_email} {r.target} {r.detail} {r.ip}" for r in rows)


def test_unknown_identifiers_are_stored_as_a_keyed_hash(runtime: Runtime) -> None:
    now = datetime.now(UTC)
    with runtime.db.begin() as s:
        for _ in range(2):
            auth.sign_in_password(s, runtime.settings, TYPED_PASSWORD, "x", "192.0.2.7", now)
        credentials.request_reset(s, runtime.settings, TYPED_PASSWORD, "192.0.2.7", now)
    assert TYPED_PASSWORD not in _everything(runtime)
    with runtime.db() as s:
        who = set(
            s.scalars(
                select(AuditEvent.actor_email).where(
                    AuditEvent.action.in_(["auth.login_failed", "auth.reset_requested"])
                )
            )
        )
    # One identifier, one stable keyed hash: repeated attempts still group together.
    assert len(who) == 1 and next(iter(who)).startswith("unknown:")
    expected = auth.audit_identifier(runtime.settings, TYPED_PASSWORD.upper(), None)
    assert who == {expected}


def test_a_known_account_is_recorded_by_its_address(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    now = datetime.now(UTC)
    with runtime.db.begin() as s:
        auth.sign_in_password(s, runtime.settings, cast["ted"].email, "wrong!", None, now)
    with runtime.db() as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last is not None and last.actor_email == cast["ted"].email


def _formula_rows(runtime: Runtime) -> None:
    with runtime.db.begin() as s:
        for value in FORMULAS:
            audit.record(
                s,
                datetime.now(UTC),
                "test.formula",
                audit.Who(email=value, clinic_id=runtime.clinic_id),
                target=value,
            )


def _check_export(text: str) -> None:
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    cells = [
        (row[header.index("actor_email")], row[header.index("target")])
        for row in rows[1:]
        if row[header.index("action")] == "test.formula"
    ]
    assert len(cells) == len(FORMULAS)
    for (email, target), value in zip(cells, FORMULAS, strict=True):
        assert email == target == "'" + value
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_web_export_neutralizes_formulas(cast: dict[str, Member], runtime: Runtime) -> None:
    _formula_rows(runtime)
    export = cast["alice"].get("/workspace/audit/export.csv?action=test.")
    assert export.status_code == 200
    _check_export(export.text)


def test_cli_export_neutralizes_formulas(runtime: Runtime, database_url: str) -> None:
    _formula_rows(runtime)
    result = CliRunner().invoke(cli, ["audit", "export", "--database", database_url])
    assert result.exit_code == 0
    _check_export(result.stdout)
