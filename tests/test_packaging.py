"""The package as users install it: a built wheel carries every data file and starts the app.

An editable install reads files from src/ and hides a wheel that forgot them (the app then
fails at start with FileNotFoundError), so this builds the real wheel, installs it into a
fresh directory, and starts the app from there on a new SQLite database.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a clean copy: a build/ or egg-info left in the checkout would smuggle in files.
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(SRC, tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(tree)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("trdnav-*.whl")
    return found


def test_every_data_file_is_in_the_wheel(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    files = [
        p
        for p in (SRC / "trdnav").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert len(files) > 50
    missing = [str(p.relative_to(SRC)) for p in files if str(p.relative_to(SRC)) not in names]
    assert missing == []


START = """
import sys
from pathlib import Path

import trdnav
assert Path(trdnav.__file__).is_relative_to(Path(sys.argv[1])), trdnav.__file__

from fastapi.testclient import TestClient
from trdnav.app import create_app
from trdnav.platform.settings import Settings

settings = Settings(environment="test", database_url=f"sqlite:///{sys.argv[2]}", _env_file=None)
with TestClient(create_app(settings)) as client:
    for path in ("/healthz", "/", "/aid/step/feelings", "/sources", "/workspace/login"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    assessed = client.post("/api/v1/assessments", json={"age": 40, "conditions": ["ocd"]})
    assert assessed.status_code == 200, assessed.text
print("started")
"""


def test_the_installed_wheel_starts_the_app(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    # The wheel's copy comes first on the path, ahead of the editable install of this checkout;
    # dependencies come from this environment.
    run = subprocess.run(
        [sys.executable, "-c", START, str(target), str(tmp_path / "app.db")],
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "started"
