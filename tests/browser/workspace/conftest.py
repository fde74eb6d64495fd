"""Workspace browser fixtures: a real `trdnav serve` subprocess on a free port with a temporary
SQLite database, staff created through the CLI (password on stdin), an aiosmtpd server for the
reset email. Chromium comes from the shared `browser` fixture (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page

from tests.support import free_port, wait_until_up

PASSWORD = "harbor light staff passphrase"
STAFF = {
    "cora@demo.example": "coordinator",
    "priya@demo.example": "prescriber",
    "alice@demo.example": "admin",
}
SHOTS = Path(os.environ.get("TRDNAV_SCREENSHOTS", "/tmp/trdnav-workspace-shots"))


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@dataclass
class WorkspaceServer:
    base_url: str
    database_url: str
    env: dict[str, str]
    mailbox: _Mailbox = field(default_factory=_Mailbox)

    def url(self, path: str) -> str:
        return self.base_url + path

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """Run `trdnav ...` against this server's database."""
        cmd = [sys.executable, "-m", "trdnav.cli", *args, "--database", self.database_url]
        return subprocess.run(cmd, input=stdin, text=True, capture_output=True, env=self.env)

    def consultation(self, name: str, assessment: dict[str, Any]) -> str:
        """Submit a consultation request through the public API, as a patient would."""
        body = json.dumps(
            {
                "name": name,
                "email": "ana@example.org",
                "phone": "+1 907 555 0100",
                "preferred_contact": "phone",
                "consent_to_contact": True,
                "message": "Evenings are best.",
                "assessment": assessment,
            }
        ).encode()
        request = urllib.request.Request(
            self.url("/api/v1/consultation-requests"),
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(json.load(response)["id"])


@pytest.fixture(scope="module")
def ws_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    tmp = tmp_path_factory.mktemp("workspace")
    smtp_port, port = free_port(), free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "TRDNAV_ENVIRONMENT": "test",
        "TRDNAV_BASE_URL": base_url,
        "TRDNAV_SMTP_HOST": "127.0.0.1",
        "TRDNAV_SMTP_PORT": str(smtp_port),
        "TRDNAV_LOG_LEVEL": "warning",
    }
    server = WorkspaceServer(base_url, f"sqlite:///{tmp / 'ws.db'}", env)
    controller = Controller(server.mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    for email, role in STAFF.items():
        created = server.cli("users", "create", email, "--role", role, stdin=PASSWORD + "\n")
        assert created.returncode == 0, created.stderr
    log = (tmp / "server.log").open("wb")
    cmd = [sys.executable, "-m", "trdnav.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--database", server.database_url], env=env, stdout=log, stderr=log
    )
    try:
        wait_until_up(base_url, proc)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        controller.stop()


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page of a fresh browser profile."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def shot(page: Page, name: str) -> None:
    """Keep a full-page screenshot to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_accessible(page: Page) -> None:
    """axe-core (served from the installed package, not a CDN) finds nothing serious."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"axe violations on {page.url}: {bad}"
