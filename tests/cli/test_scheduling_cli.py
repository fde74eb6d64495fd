"""`trdnav tokens|clinics|plan|jobs`: the contract's command lines."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from tests.cast import PASSWORD, now
from trdnav.cli import app as cli
from trdnav.features.accounts.users import clinic_by_slug, create_user
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import ApiToken, AuditEvent, Resource

runner = CliRunner()
DEMO = Path(__file__).parents[2] / "src" / "trdnav" / "clinics" / "demo.toml"


def test_tokens_create_list_revoke(runtime: Runtime, database_url: str) -> None:
    db = ["--database", database_url]
    with runtime.db.begin() as s:
        create_user(
            s, "cora@demo.example", "coordinator", clinic_by_slug(s, "demo"), PASSWORD, now()
        )
    made = runner.invoke(
        cli, ["tokens", "create", "cora@demo.example", "--clinic", "demo", "--name", "EHR", *db]
    )
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token.startswith("trdnav_") and "\n" not in token  # the token alone on stdout
    with runtime.db() as s:
        row = s.scalars(select(ApiToken)).one()
        assert token not in row.token_hash and len(row.token_hash) == 64  # only a hash at rest
        assert (row.expires_at - row.created_at).days == 90
        actions = set(s.scalars(select(AuditEvent.action)))
    assert "tokens.create" in actions
    listed = runner.invoke(cli, ["tokens", "list", *db])
    assert f"{row.id}\tEHR\tcora@demo.example\tdemo" in listed.stdout and token not in listed.stdout
    assert runner.invoke(cli, ["tokens", "revoke", str(row.id), *db]).exit_code == 0
    assert "revoked" in runner.invoke(cli, ["tokens", "list", *db]).stdout
    nobody = runner.invoke(
        cli, ["tokens", "create", "x@y.example", "--clinic", "demo", "--name", "n", *db]
    )
    assert nobody.exit_code == 2 and "no active member" in nobody.output


def test_clinics_add_and_list(runtime: Runtime, database_url: str, tmp_path: Path) -> None:
    db = ["--database", database_url]
    text = (
        DEMO.read_text()
        .replace('slug = "demo"', 'slug = "eastside"')
        .replace(
            'name = "Harbor Light Interventional Psychiatry (demo clinic)"', 'name = "Eastside TMS"'
        )
    )
    path = tmp_path / "eastside.toml"
    path.write_text(text)
    added = runner.invoke(cli, ["clinics", "add", str(path), *db])
    assert added.exit_code == 0, added.output
    assert "registered clinic eastside with 7 resource(s)" in added.stdout
    listed = runner.invoke(cli, ["clinics", "list", *db]).stdout
    assert "eastside\tEastside TMS" in listed and "demo\t" in listed
    with runtime.db() as s:
        east = clinic_by_slug(s, "eastside")
        assert len(list(s.scalars(select(Resource).where(Resource.clinic_id == east.id)))) == 7
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('kind = "tms"', 'kind = "sofa"', 1))
    refused = runner.invoke(cli, ["clinics", "add", str(bad), *db])
    assert refused.exit_code == 2 and "resources.0.kind" in refused.output


INSTANCE = {
    "start": "2027-01-04",
    "horizon_days": 28,
    "closed_dates": ["2027-01-12"],
    "resources": [
        {
            "id": "chair-1",
            "options": ["iv_ketamine"],
            "hours": {"mon": ["08:00", "18:00"], "thu": ["08:00", "18:00"]},
        }
    ],
    "booked": [{"resource": "chair-1", "start": "2027-01-04T08:00", "end": "2027-01-04T10:00"}],
    "patients": [
        {"id": "p1", "option": "iv_ketamine", "earliest_start": "2027-01-04", "priority": 2}
    ],
}


def test_plan_reads_a_file_or_stdin(tmp_path: Path) -> None:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(INSTANCE))
    out = runner.invoke(cli, ["plan", str(path), "--time-limit", "2"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert result["metrics"]["scheduled"] == 1 and len(result["courses"][0]["sessions"]) == 6
    assert result["courses"][0]["sessions"][0]["start"] == "2027-01-04T10:00"  # after the booking
    same = runner.invoke(cli, ["plan", "-", "--time-limit", "2"], input=json.dumps(INSTANCE))
    assert json.loads(same.stdout)["metrics"] == result["metrics"]


def test_plan_invalid_input_exits_2_one_line_per_problem() -> None:
    bad = {
        **INSTANCE,
        "horizon_days": 0,
        "resources": [{"id": "x", "options": ["rtms"], "hours": {"mon": ["10:00", "09:00"]}}],
    }
    out = runner.invoke(cli, ["plan", "-"], input=json.dumps(bad))
    assert out.exit_code == 2
    lines = out.stderr.strip().splitlines()
    assert lines == [
        "error: horizon_days: Input should be greater than or equal to 1",
        "error: resources.0.hours: mon: closing 09:00 is not after opening 10:00",
    ]
    assert runner.invoke(cli, ["plan", "-"], input="{not json").exit_code == 2
