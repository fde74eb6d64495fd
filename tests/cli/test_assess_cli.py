"""`trdnav assess` as a newcomer runs it: a real process, JSON out, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

EXAMPLE = Path(__file__).parents[2] / "examples" / "assessment.json"


def trdnav(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trdnav.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_and_http_give_identical_json(client: TestClient) -> None:
    cli = trdnav("assess", str(EXAMPLE))
    assert cli.returncode == 0, cli.stderr
    http = client.post(
        "/api/v1/assessments",
        content=EXAMPLE.read_bytes(),
        headers={"content-type": "application/json"},
    )
    assert cli.stdout.rstrip("\n") == http.text
    assert json.loads(cli.stdout)["ranking"]


def test_cli_reads_standard_input() -> None:
    cli = trdnav("assess", "-", stdin='{"age": 30, "conditions": ["ocd"]}')
    assert cli.returncode == 0, cli.stderr
    result = json.loads(cli.stdout)
    assert {o["id"]: o["candidacy"] for o in result["options"]}["deep_tms"] == "eligible"


def test_cli_invalid_input_exits_2_with_one_line_per_problem() -> None:
    bad = {
        "age": 200,
        "conditions": ["major_depressive_disorder"],
        "phq9_items": [0] * 8,
        "insurance": {"coinsurance": 2},
    }
    cli = trdnav("assess", "-", stdin=json.dumps(bad))
    assert cli.returncode == 2
    assert cli.stdout == ""
    lines = cli.stderr.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("error: age: ")
    assert any(line.startswith("error: phq9_items: ") for line in lines)
    assert any(line.startswith("error: insurance.coinsurance: ") for line in lines)


def test_cli_not_json_and_missing_file() -> None:
    cli = trdnav("assess", "-", stdin="age: 40")
    assert (cli.returncode, cli.stdout) == (2, "")
    assert cli.stderr.startswith("error: body: is not valid JSON")
    missing = trdnav("assess", "/nonexistent/request.json")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert "No such file" in missing.stderr


def test_help_reads_well() -> None:
    out = trdnav("--help")
    assert out.returncode == 0
    for word in ("serve", "assess", "does not replace"):
        assert word in out.stdout
