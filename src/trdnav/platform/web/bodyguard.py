"""Bodies are bounded before anything parses them.

Pure ASGI middleware. Every request body is counted as it streams in, whether or not it declares
a Content-Length (a declared length over the limit is refused without reading a byte; an
undeclared or understated one is cut off at the limit): 413. The API's JSON bodies are read up
to the limit here and checked for nesting depth before any parser sees them (a deep body would
otherwise exhaust the recursion limit: 500): 422 naming `body`. An API body that is not declared
as JSON is refused unread (415): a plain form or `text/plain` post from another website needs no
CORS preflight, so accepting one would let any page file requests through visitors' browsers.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trdnav.platform.web.openapi import is_api
from trdnav.platform.web.problems import invalid, problem

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class BodyTooLarge(Exception):
    """The body grew past the limit while streaming in."""


def nesting_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether JSON text nests arrays/objects deeper than `limit` (strings are skipped)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # cannot nest deeper than it has openers: the common case costs nothing
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub(b'""', body)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def is_json(content_type: str) -> bool:
    """Whether a Content-Type names JSON (`application/json`, or `application/*+json`)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class BodyGuardMiddleware:
    """413 past `max_bytes` for every request; for the API's bodies, 415 unless JSON and 422
    for JSON nested past `max_depth`."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_depth: int) -> None:
        self.app, self.max_bytes, self.max_depth = app, max_bytes, max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        if is_api(scope["path"]) and scope["method"] in BODY_METHODS:
            headers = Headers(scope=scope)
            has_body = declared not in ("", "0") or "transfer-encoding" in headers
            if has_body and not is_json(headers.get("content-type", "")):
                response = problem(
                    415,
                    "Unsupported media type",
                    "Send the body as JSON with Content-Type: application/json.",
                )
                response.headers["Cache-Control"] = "no-store"
                await response(scope, receive, send)
                return
            await self._buffered(scope, receive, send)
        else:
            await self._counted(scope, receive, send)

    async def _buffered(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the whole (bounded) body, check it, then hand it on unchanged."""
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client went away: nothing to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        problem_text = None
        if nesting_depth_exceeds(body, self.max_depth):
            problem_text = f"nests arrays and objects deeper than {self.max_depth} levels"
        elif not _utf8(body):
            problem_text = "is not JSON: it is not UTF-8 text"  # JSON text is UTF-8 (RFC 8259)
        if problem_text is not None:
            response = invalid([{"field": "body", "message": problem_text}])
            response.headers["Cache-Control"] = "no-store"
            await response(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # later reads wait for the disconnect, as usual
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the body through as it streams, stopping it at the limit."""
        size = 0
        exceeded = started = False

        async def counting() -> Message:
            nonlocal size, exceeded
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def watching(message: Message) -> None:
            # Whatever the app made of the interrupted read (a 400, a 500), the answer is 413.
            nonlocal started
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._too_large(scope, receive, send)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, watching)
        except BodyTooLarge:
            if not started:
                await self._too_large(scope, receive, send)
        except Exception:
            if not exceeded:
                raise
            if not started:
                await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413,
            "Content too large",
            f"The body is larger than this server accepts ({self.max_bytes} bytes).",
        )
        response.headers["Cache-Control"] = "no-store"
        response.headers["Connection"] = "close"  # the rest of the body is never read
        await response(scope, receive, send)
