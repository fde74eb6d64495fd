"""Bodies are bounded before parsing (issue 14, item 6): 413 past the size limit, with or
without a Content-Length, and 422 for JSON nested past the depth limit; nothing is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.types import Message, Receive, Scope, Send

from tests.cast import ASSESSMENT, now
from tests.support import in_fresh_loop
from trdnav.app import create_app
from trdnav.features.tokens.service import create_token
from trdnav.platform.runtime import Runtime, build_runtime
from trdnav.platform.settings import Settings
from trdnav.platform.web.bodyguard import BodyGuardMiddleware, nesting_depth_exceeds
from trdnav.storage.models import ConsultationRequest, Patient

LIMIT = 4096
DEPTH = 16
CONSULT = "/api/v1/consultation-requests"
PERSON = {"name": "Ana Diaz", "email": "ana@example.org", "consent_to_contact": True}


@pytest.fixture
def small(database_url: str) -> Iterator[tuple[TestClient, Runtime]]:
    """The app with a 4 KiB body limit and a nesting limit of 16, on a real database."""
    settings = Settings(
        environment="test",
        database_url=database_url,
        max_body_bytes=LIMIT,
        max_json_depth=DEPTH,
        _env_file=None,  # type: ignore[call-arg]
    )
    rt = build_runtime(settings)
    try:
        with TestClient(create_app(settings, rt)) as client:
            yield client, rt
    finally:
        rt.close()


def _count(rt: Runtime, model: Any) -> int:
    with rt.db() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def _is_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_a_body_over_the_limit_is_refused_with_a_content_length(
    small: tuple[TestClient, Runtime],
) -> None:
    client, rt = small
    big = {**PERSON, "message": "x" * (LIMIT + 10)}
    response = client.post(CONSULT, json=big)
    assert "bytes" in _is_problem(response, 413)["detail"]
    assert response.headers["cache-control"] == "no-store"
    assert _count(rt, ConsultationRequest) == 0
    # Just under the limit is parsed as usual.
    assert client.post(CONSULT, json={**PERSON, "message": "x" * 100}).status_code == 201


def test_a_streamed_body_without_a_length_is_counted(small: tuple[TestClient, Runtime]) -> None:
    client, rt = small
    payload = json.dumps({**PERSON, "message": "x" * (LIMIT * 4)}).encode()

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(payload), 1000):
            yield payload[i : i + 1000]

    response = client.post(CONSULT, content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    _is_problem(response, 413)
    assert _count(rt, ConsultationRequest) == 0
    # An assessment and a typed (token) body likewise.
    _is_problem(
        client.post(
            "/api/v1/assessments", content=chunks(), headers={"Content-Type": "application/json"}
        ),
        413,
    )


def test_typed_bodies_and_form_pages_are_limited_too(small: tuple[TestClient, Runtime]) -> None:
    client, rt = small
    with rt.db.begin() as db:
        from tests.cast import add_user

        add_user(rt, "alice", "admin", rt.clinic.slug)
    with rt.db.begin() as db:
        _, token = create_token(db, f"alice@{rt.clinic.slug}.example", rt.clinic.slug, "t", now())
    headers = {"Authorization": f"Bearer {token}"}
    patient = {"given_name": "A" * LIMIT, "family_name": "D", "birth_date": "1980-02-03"}
    _is_problem(client.post("/api/v1/patients", json=patient, headers=headers), 413)
    assert _count(rt, Patient) == 0
    # A workspace form post: counted as it streams, refused before the form parser keeps it.
    form = client.post("/workspace/login", data={"email": "a@b.example", "password": "p" * LIMIT})
    assert form.status_code == 413


def test_deep_nesting_is_a_422_naming_the_body(small: tuple[TestClient, Runtime]) -> None:
    client, rt = small
    deep = "[" * 1500 + "]" * 1500  # deeper than the parser recursion limit: 500 before
    for url, body in [
        ("/api/v1/assessments", '{"age": 40, "conditions": ' + deep + "}"),
        (CONSULT, json.dumps(PERSON)[:-1] + ', "assessment": ' + deep + "}"),
    ]:
        response = client.post(url, content=body, headers={"Content-Type": "application/json"})
        problem = _is_problem(response, 422)
        assert problem["errors"] == [
            {"field": "body", "message": f"nests arrays and objects deeper than {DEPTH} levels"}
        ]
    assert _count(rt, ConsultationRequest) == 0
    # Nesting within the limit, and brackets inside strings, are fine.
    ok = {**ASSESSMENT, "antidepressant_trials": [{"name": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]}
    assert client.post("/api/v1/assessments", json=ok).status_code == 200
    assert client.post("/api/v1/assessments", json=ASSESSMENT).status_code == 200


@pytest.mark.parametrize(
    ("text", "limit", "exceeds"),
    [
        (b'{"a": [1, 2, {"b": []}]}', 4, False),
        (b'{"a": [1, 2, {"b": []}]}', 3, True),
        (b'{"s": "[[[[[[[[[[{{{{{{{{"}', 1, False),  # brackets in strings do not nest
        (b'{"s": "\\"[[[[[[[[["}', 1, False),  # nor after an escaped quote
        (b"[" * 33 + b"]" * 33, 32, True),
        (b"[" * 32 + b"]" * 32, 32, False),
        (b"[]" * 1000, 1, False),  # many, but side by side
    ],
)
def test_nesting_depth(text: bytes, limit: int, exceeds: bool) -> None:
    assert nesting_depth_exceeds(text, limit) is exceeds


def _run(app: Any, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[int, int]:
    """Drive the middleware over raw ASGI; returns (status, how many body chunks were read)."""
    reads = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal reads
        if reads < len(chunks):
            reads += 1
            return {
                "type": "http.request",
                "body": chunks[reads - 1],
                "more_body": reads < len(chunks),
            }
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/assessments",
        "headers": [(b"content-type", b"application/json"), *headers],
        "query_string": b"",
    }
    in_fresh_loop(BodyGuardMiddleware(app, max_bytes=1000, max_depth=8)(scope, receive, send))
    return int(sent[0]["status"]), reads


async def _echo(scope: Scope, receive: Receive, send: Send) -> None:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    # 400 MB announced: answered at once, not one byte read (no memory spent on it).
    status, reads = _run(_echo, [(b"content-length", b"400000000")], [b"x" * 1000] * 5)
    assert (status, reads) == (413, 0)


def test_an_understated_length_is_still_counted() -> None:
    status, reads = _run(_echo, [(b"content-length", b"10")], [b"x" * 600] * 5)
    assert status == 413 and reads == 2  # stopped at the first chunk past the limit
    assert _run(_echo, [], [b"[1]", b"[2]"])[0] == 200


def test_a_body_that_is_not_utf8_is_a_422_not_a_400(small: tuple[TestClient, Runtime]) -> None:
    client, _ = small
    for url in ("/api/v1/patients", CONSULT, "/api/v1/assessments"):
        response = client.post(
            url, content=b'{"name": "\xff\xfe"}', headers={"Content-Type": "application/json"}
        )
        assert _is_problem(response, 422)["errors"] == [
            {"field": "body", "message": "is not JSON: it is not UTF-8 text"}
        ]
