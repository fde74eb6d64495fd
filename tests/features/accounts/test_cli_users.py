"""`trdnav users create|list|disable`, with the password on standard input."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from tests.cast import NORTHSIDE, now
from trdnav.cli import app as cli
from trdnav.platform.clinics import ensure_clinic
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent, Membership, User

runner = CliRunner()


def test_create_list_disable(runtime: Runtime, database_url: str) -> None:
    db = ["--database", database_url]
    created = runner.invoke(
        cli,
        ["users", "create", "Priya@Demo.example", "--role", "prescriber", *db],
        input="a very long passphrase\n",
    )
    assert created.exit_code == 0, created.output
    assert "created priya@demo.example as prescriber in demo" in created.output
    with runtime.db.begin() as s:
        ensure_clinic(s, NORTHSIDE, now())
    second = runner.invoke(
        cli,
        ["users", "create", "priya@demo.example", "--role", "nurse", "--clinic", "northside", *db],
        input="ignored for an existing account\n",
    )
    assert second.exit_code == 0, second.output
    listed = runner.invoke(cli, ["users", "list", *db])
    assert "priya@demo.example\tdemo\tprescriber\tTrue\tFalse" in listed.output
    assert "priya@demo.example\tnorthside\tnurse\tTrue\tFalse" in listed.output
    disabled = runner.invoke(cli, ["users", "disable", "priya@demo.example", *db])
    assert disabled.exit_code == 0
    with runtime.db() as s:
        user = s.scalars(select(User)).one()
        assert not user.is_active and user.password_hash.startswith("$argon2id$")
        assert len(list(s.scalars(select(Membership)))) == 2
        actions = list(s.scalars(select(AuditEvent.action)))
        assert actions.count("users.role_change") == 2 and "users.disable" in actions


def test_clear_errors(runtime: Runtime, database_url: str) -> None:
    db = ["--database", database_url]
    cases = [
        (["users", "create", "a@demo.example", "--role", "chef", *db], "--role: must be one of"),
        (
            ["users", "create", "a@demo.example", "--role", "nurse", "--clinic", "nowhere", *db],
            "--clinic: no clinic with slug 'nowhere' (known: demo)",
        ),
        (["users", "create", "not-an-email", "--role", "nurse", *db], "EMAIL:"),
        (["users", "disable", "ghost@demo.example", *db], "no account with email"),
    ]
    for args, message in cases:
        result = runner.invoke(cli, args, input="a very long passphrase\n")
        assert result.exit_code == 2, result.output
        assert message in result.stderr
    weak = runner.invoke(
        cli, ["users", "create", "b@demo.example", "--role", "nurse", *db], input="password\n"
    )
    assert weak.exit_code == 2 and "password: must be at least 12 characters" in weak.stderr


def test_reset_two_factor(runtime: Runtime, database_url: str) -> None:
    db = ["--database", database_url]
    runner.invoke(
        cli,
        ["users", "create", "n@demo.example", "--role", "nurse", *db],
        input="a long passphrase\n",
    )
    with runtime.db.begin() as s:
        user = s.scalars(select(User)).one()
        user.totp_secret, user.totp_enabled = "JBSWY3DPEHPK3PXP", True
    result = runner.invoke(cli, ["users", "reset-2fa", "N@demo.example", *db])
    assert result.exit_code == 0 and "enroll at next sign-in" in result.output
    with runtime.db() as s:
        user = s.scalars(select(User)).one()
        assert (user.totp_secret, user.totp_enabled) == (None, False)
        assert "users.reset_two_factor" in s.scalars(select(AuditEvent.action)).all()
