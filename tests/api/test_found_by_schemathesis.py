"""What schemathesis found from outside, kept as plain regression tests."""

from __future__ import annotations

from fastapi.testclient import TestClient
from starlette.types import Message

from tests.cast import Member, now
from tests.support import in_fresh_loop
from trdnav.features.tokens.service import create_token
from trdnav.platform.runtime import Runtime
from trdnav.platform.web.bodyguard import BodyGuardMiddleware


def test_a_superscript_digit_cursor_is_no_500(
    cast: dict[str, Member], runtime: Runtime, app: object
) -> None:
    # "¹".isdigit() is True, int("¹") raises: it was a 500.
    with runtime.db.begin() as db:
        _, token = create_token(db, cast["cora"].email, runtime.clinic.slug, "t", now())
    client = TestClient(app)  # type: ignore[arg-type]
    response = client.get(
        "/api/v1/resources", params={"cursor": "¹"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.json()["items"]


def test_a_superscript_content_length_is_no_500() -> None:
    sent: list[Message] = []

    async def app(scope: object, receive: object, send: object) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b""})  # type: ignore[operator]

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/healthz",
        "headers": [(b"content-length", "¹".encode("latin-1"))],
        "query_string": b"",
    }
    in_fresh_loop(BodyGuardMiddleware(app, max_bytes=10, max_depth=4)(scope, receive, send))
    assert sent[0]["status"] == 200
