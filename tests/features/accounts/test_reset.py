"""Password reset by an emailed single-use link, over a real SMTP conversation (aiosmtpd)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI

from tests.cast import Member
from tests.features.accounts.test_auth import Browser
from tests.support import free_port
from trdnav.features.accounts.guard import COOKIE
from trdnav.platform.runtime import Runtime


class Inbox:
    """An SMTP handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def mailbox(runtime: Runtime) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    runtime.settings = runtime.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port}
    )
    try:
        yield inbox
    finally:
        controller.stop()


def test_reset_by_emailed_single_use_link(
    cast: dict[str, Member], app: FastAPI, mailbox: Inbox
) -> None:
    nina = cast["nina"]
    browser = Browser(app)
    sent = browser.post("/workspace/reset", {"email": nina.email})
    assert sent.status_code == 200 and "If an active account uses that address" in sent.text
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["To"] == nina.email
    body = mail.get_payload(decode=True).decode()
    link = re.search(r"http://\S+/workspace/reset/(\S+)", body)
    assert link is not None
    path = f"/workspace/reset/{link.group(1)}"
    assert browser.get(path).status_code == 200
    weak = browser.post(path, {"new_password": "short"})
    assert weak.status_code == 422 and "at least 12" in weak.text
    done = browser.post(path, {"new_password": "a fresh reset passphrase"})
    assert done.status_code == 303 and done.headers["location"] == "/workspace/login?reset=1"
    # Single use, and every session of the account ended.
    assert browser.get(path).status_code == 410
    assert browser.post(path, {"new_password": "another new passphrase"}).status_code == 410
    assert nina.get("/workspace/patients").headers["location"].startswith("/workspace/login")
    login = browser.post(
        "/workspace/login", {"email": nina.email, "password": "a fresh reset passphrase"}
    )
    assert login.status_code == 303 and COOKIE in browser.client.cookies


def test_reset_for_unknown_address_sends_nothing_and_says_the_same(
    app: FastAPI, mailbox: Inbox
) -> None:
    response = Browser(app).post("/workspace/reset", {"email": "nobody@demo.example"})
    assert response.status_code == 200
    assert "If an active account uses that address" in response.text
    assert mailbox.messages == []
