"""Browser-test fixtures: a real `trdnav serve` on a free port, a real SMTP server, real chromium.

`live_server` starts the app as a subprocess against a temporary SQLite database, with
TRDNAV_SMTP_HOST/PORT pointing at an aiosmtpd Controller running in this test process; every
message it receives lands in `live_server.smtp_messages`. `page` is a chromium page whose every
request URL is recorded in `page.requested_urls` (see `assert_only_local`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.support import free_port, wait_until_up

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _Collect:
    """aiosmtpd handler that keeps every message it is given."""

    def __init__(self, sink: list[Message]) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.sink.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


@dataclass
class LiveServer:
    base_url: str
    database_url: str
    smtp_messages: list[Message] = field(default_factory=list)
    log_path: Path | None = None

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        return self.base_url + path

    def wait_for_mail(self, count: int = 1, timeout: float = 10.0) -> list[Message]:
        """Wait until at least `count` messages arrived (mail is sent after the response)."""
        deadline = time.monotonic() + timeout
        while len(self.smtp_messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.smtp_messages


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server process with a fresh SQLite database and an in-process SMTP server."""
    tmp = tmp_path_factory.mktemp("live")
    messages: list[Message] = []
    smtp_port = free_port()
    controller = Controller(_Collect(messages), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    database_url = f"sqlite:///{tmp / 'live.db'}"
    env = {
        **os.environ,
        "TRDNAV_ENVIRONMENT": "test",
        "TRDNAV_DATABASE_URL": database_url,
        "TRDNAV_BASE_URL": base_url,
        "TRDNAV_SMTP_HOST": "127.0.0.1",
        "TRDNAV_SMTP_PORT": str(smtp_port),
        "TRDNAV_LOG_LEVEL": "warning",
    }
    log_path = tmp / "server.log"
    with log_path.open("wb") as log:
        cmd = [sys.executable, "-m", "trdnav.cli", "serve", "--host", "127.0.0.1"]
        proc = subprocess.Popen([*cmd, "--port", str(port)], env=env, stdout=log, stderr=log)
        try:
            wait_until_up(base_url, proc)
            yield LiveServer(base_url, database_url, messages, log_path)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            controller.stop()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """Debian's chromium, headless (never a downloaded browser)."""
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield b
    finally:
        b.close()


def _recording_page(context: BrowserContext) -> Page:
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda req: urls.append(req.url))
    page.requested_urls = urls  # type: ignore[attr-defined]
    return page


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (cookies, storage) with a phone-sized viewport."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A page that records every request URL in `page.requested_urls`."""
    return _recording_page(context)


@pytest.fixture
def nojs_page(browser: Browser) -> Iterator[Page]:
    """A page with JavaScript disabled, recording every request URL."""
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        yield _recording_page(ctx)
    finally:
        ctx.close()


def assert_only_local(page: Page) -> None:
    """Every request the page made went to this machine (no CDN, no third party)."""
    urls: list[str] = page.requested_urls  # type: ignore[attr-defined]
    assert urls, "the recorder saw no request"
    foreign = [u for u in urls if not u.startswith(("http://127.0.0.1:", "data:", "about:"))]
    assert not foreign, f"requests to other hosts: {foreign}"


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"axe violations on {page.url}: {bad}"
