"""Cross-site posts and typos (issue 14, item 8): JSON endpoints take only JSON (415 otherwise,
nothing stored), and invalid attempts (422) do not use up the consultation rate limit, on the
API and on the aid's form alike. The rate limit is the DB-backed one (platform/ratelimit.py)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.features.consultations.test_consultation_api import URL, VALID, count_rows, post
from tests.features.consultations.test_consultation_form import FORM, _fill
from trdnav.features.consultations import service as consultations
from trdnav.platform.ratelimit import RateLimit
from trdnav.platform.runtime import Runtime

TEN_MINUTES = timedelta(minutes=10)


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",  # what a cross-site form or fetch() can send without a preflight
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonp",
        None,
    ],
)
def test_a_body_that_is_not_declared_json_is_refused_unread(
    client: TestClient, runtime: Runtime, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    for url in (URL, "/api/v1/assessments", "/api/v1/patients"):
        response = client.post(url, content=json.dumps(VALID).encode(), headers=headers)
        assert response.status_code == 415, (url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert "application/json" in response.json()["detail"]
    assert count_rows(runtime) == 0


def test_json_with_a_charset_or_a_json_suffix_is_json(client: TestClient, runtime: Runtime) -> None:
    body = json.dumps(VALID).encode()
    for i, content_type in enumerate(["application/json; charset=utf-8", "application/ld+json"]):
        headers = {"Content-Type": content_type, "Idempotency-Key": f"ct-{i}"}
        assert client.post(URL, content=body, headers=headers).status_code == 201
    assert count_rows(runtime) == 2


def test_ten_typos_do_not_block_a_valid_api_request(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consultations, "LIMIT", RateLimit(limit=3, window=TEN_MINUTES))
    typos = [post(client, {**VALID, "email": f"ana{i}@@example"}) for i in range(10)]
    assert [r.status_code for r in typos] == [422] * 10
    assert post(client, VALID, key="after-typos").status_code == 201
    assert count_rows(runtime) == 1


def test_invalid_attempts_have_a_limit_of_their_own(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consultations, "INVALID_LIMIT", RateLimit(limit=5, window=TEN_MINUTES))
    statuses = [post(client, {"name": "x"}).status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]
    # A script sending garbage is stopped; a valid request is still counted apart.
    assert post(client, VALID).status_code == 201
    assert count_rows(runtime) == 1


def test_typos_on_the_form_do_not_block_sending_it(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consultations, "LIMIT", RateLimit(limit=1, window=TEN_MINUTES))
    for i in range(4):
        typo = client.post(FORM, data=_fill(client, email=f"ana{i}@@example"))
        assert typo.status_code == 422
    sent = client.post(FORM, data=_fill(client), follow_redirects=False)
    assert sent.status_code == 303
    assert count_rows(runtime) == 1
