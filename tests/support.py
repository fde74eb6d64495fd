"""Helpers for tests that run real server processes on this machine's loopback."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
import urllib.request
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.routing import APIRoute

T = TypeVar("T")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def refused_port() -> Iterator[int]:
    """A port that refuses connections for as long as the block runs (bound, never listening),
    so that no other process's server can take it meanwhile: a mail server that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


def wait_until_up(base_url: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Wait for `GET /healthz` to answer; fail early if the server process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"trdnav serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("trdnav serve did not start in time")


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every route of the app, flattened (FastAPI includes routers lazily, wrapping them)."""

    def walk(routes: list[Any]) -> list[APIRoute]:
        found: list[APIRoute] = []
        for route in routes:
            if isinstance(route, APIRoute):
                found.append(route)
            elif hasattr(route, "original_router"):
                found += walk(route.original_router.routes)
            elif hasattr(route, "routes") and not hasattr(route, "app"):
                found += walk(route.routes)
        return found

    return walk(app.routes)


@dataclass
class SmtpInbox:
    """A real SMTP server on a free local port, and the messages it received."""

    port: int
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


@contextmanager
def smtp_inbox() -> Iterator[SmtpInbox]:
    """Run an SMTP server (aiosmtpd) for the length of the block."""
    from aiosmtpd.controller import Controller

    box = SmtpInbox(free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def in_fresh_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a new event loop in its own thread: works even where
    another test (Playwright's sync API) left an event loop running in this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
