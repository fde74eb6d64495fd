"""POST /api/v1/consultation-requests against a real database and a real SMTP server.

The cast: Ana, a person writing from the clinic's website (all her details are fictional), and
the clinic's inbox (an aiosmtpd server in this process).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.support import free_port, refused_port
from trdnav.domain.requests import AssessmentRequest
from trdnav.features.consultations import service as consultations
from trdnav.platform.ratelimit import RateLimit
from trdnav.platform.runtime import Runtime
from trdnav.platform.settings import Settings
from trdnav.storage.models import ConsultationRequest, IdempotencyKey, RateLimitHit

URL = "/api/v1/consultation-requests"
BASE_URL = "http://navigator.clinic.example"  # http: TestClient drops Secure cookies

ANA: dict[str, Any] = {
    "name": "Ana Diaz",
    "email": "Ana.Diaz@Example.org",
    "phone": "+1 907 555 0100",
    "preferred_contact": "email",
    "message": "Mornings are best. I tried sertraline.",
    "consent_to_contact": True,
    "assessment": {
        "age": 42,
        "conditions": ["major_depressive_disorder"],
        "phq9_items": [2, 3, 2, 2, 1, 2, 2, 1, 0],
        "antidepressant_trials": [
            {"name": "sertraline", "adequate": True, "outcome": "no_response"},
            {"name": "bupropion", "adequate": True, "outcome": "partial_response"},
        ],
        "medical_history": {"cochlear_implant": False},
    },
}
# Everything the clinic's email must never contain.
PHI = ("Ana", "Diaz", "example.org", "907", "555", "Mornings", "sertraline", "bupropion")


@dataclass
class Inbox:
    """An in-process SMTP server and the messages it received."""

    port: int
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    """The clinic's mail server: real SMTP on a free local port."""
    box = Inbox(free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def settings(database_url: str, inbox: Inbox) -> Settings:
    return Settings(  # type: ignore[call-arg]
        environment="test",
        database_url=database_url,
        base_url=BASE_URL,
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,
        _env_file=None,
    )


def count_rows(runtime: Runtime) -> int:
    """How many consultation requests are stored."""
    with runtime.db() as db:
        return int(db.scalar(select(func.count()).select_from(ConsultationRequest)) or 0)


def post(client: TestClient, body: Any, key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, json=body, headers=headers)


def test_ana_is_stored_with_her_answers_and_the_clinic_gets_a_link_only(
    client: TestClient, runtime: Runtime, inbox: Inbox
) -> None:
    response = post(client, ANA)

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "status", "received_at"}
    assert body["status"] == "new"
    with runtime.db() as db:
        row = db.get(ConsultationRequest, body["id"])
    assert row is not None
    assert row.name == "Ana Diaz"
    assert row.email == "Ana.Diaz@example.org"  # domain lower-cased, local part kept
    assert row.phone == "+19075550100"  # E.164
    assert row.preferred_contact == "email"
    assert row.consent_to_contact is True
    assert row.clinic_id == runtime.clinic_id
    assert row.status == "new"
    # The answers, in the contract's shape, so staff never ask twice.
    assert AssessmentRequest.model_validate(row.assessment) == AssessmentRequest.model_validate(
        ANA["assessment"]
    )
    assert row.assessment["antidepressant_trials"] == ANA["assessment"]["antidepressant_trials"]
    assert row.evidence_version == runtime.engine.evidence.version
    assert row.received_at.isoformat().startswith(body["received_at"][:19])

    # The clinic's notice went through SMTP before the response finished (background task).
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["To"] == runtime.clinic.contact.email
    assert mail["Subject"] == "New consultation request"
    text = mail.get_payload(decode=True).decode()
    assert f"{BASE_URL}/workspace/consultations/{body['id']}" in text
    assert "America/Anchorage" in text  # the received time is shown in the clinic's zone
    text = text.replace(body["id"], "<id>")  # a random id may contain "907" or "555"
    for secret in PHI:
        assert secret not in text and secret not in str(mail["Subject"])


def test_only_name_consent_and_one_contact_are_needed(client: TestClient, runtime: Runtime) -> None:
    response = post(client, {"name": "Bo", "phone": "(907) 555-0199", "consent_to_contact": True})

    assert response.status_code == 201
    with runtime.db() as db:
        row = db.get(ConsultationRequest, response.json()["id"])
    assert row is not None
    assert (row.phone, row.email, row.assessment, row.evidence_version) == (
        "+19075550199",
        None,
        None,
        None,
    )


VALID = {"name": "Ana Diaz", "email": "ana@example.org", "consent_to_contact": True}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**VALID, "name": "  "}, "name"),
        ({k: v for k, v in VALID.items() if k != "name"}, "name"),
        ({**VALID, "consent_to_contact": False}, "consent_to_contact"),
        ({k: v for k, v in VALID.items() if k != "consent_to_contact"}, "consent_to_contact"),
        ({"name": "Ana", "consent_to_contact": True}, "email"),
        ({**VALID, "email": "ana@@example"}, "email"),
        ({**VALID, "email": "ana at example.org"}, "email"),
        ({**VALID, "phone": "12"}, "phone"),
        ({**VALID, "phone": "call me"}, "phone"),
        ({**VALID, "preferred_contact": "pigeon"}, "preferred_contact"),
        ({**VALID, "preferred_contact": "phone"}, "preferred_contact"),
        ({**VALID, "message": "x" * 4001}, "message"),
        ({**VALID, "favourite_colour": "blue"}, "favourite_colour"),
        ({**VALID, "assessment": {"age": 200, "conditions": ["ocd"]}}, "assessment.age"),
        ({**VALID, "assessment": {"age": 40}}, "assessment.conditions"),
        ({**VALID, "assessment": {"age": 40, "conditions": ["ocd"], "phq9_items": [4]}}, None),
        ([VALID], "body"),
    ],
)
def test_invalid_input_is_rejected_naming_the_field_and_nothing_is_stored(
    client: TestClient, runtime: Runtime, inbox: Inbox, body: Any, field: str | None
) -> None:
    response = post(client, body)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    fields = [e["field"] for e in problem["errors"]]
    if field is None:  # several fields of the nested assessment are wrong
        assert all(f.startswith("assessment.phq9_items") for f in fields), fields
    else:
        assert field in fields, problem
    assert count_rows(runtime) == 0
    assert inbox.messages == []


def test_a_body_that_is_not_json_is_a_problem_document(client: TestClient) -> None:
    response = client.post(URL, content=b"{name: Ana", headers={"content-type": "application/json"})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body", "message": "is not valid JSON"}]


def test_the_api_needs_no_cookie_or_csrf_token(settings: Settings, runtime: Runtime) -> None:
    from trdnav.app import create_app

    with TestClient(create_app(settings, runtime), cookies=None) as fresh:
        response = fresh.post(URL, json=VALID, headers={"Origin": "https://clinic.example"})
    assert response.status_code == 201


def test_the_clinic_email_failing_does_not_lose_the_request(
    settings: Settings, runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    from trdnav.app import create_app

    with (
        refused_port() as down,
        caplog.at_level(logging.WARNING, logger="trdnav.features.consultations.service"),
    ):
        runtime.settings = settings.model_copy(update={"smtp_port": down})
        with TestClient(create_app(runtime.settings, runtime)) as c:
            response = post(c, ANA)

    assert response.status_code == 201
    assert count_rows(runtime) == 1
    warning = " ".join(r.getMessage() for r in caplog.records)
    assert response.json()["id"] in warning and "not sent" in warning
    warning = warning.replace(response.json()["id"], "<id>")  # random hex may contain "907"
    for secret in PHI:
        assert secret not in warning


# --- Idempotency-Key -----------------------------------------------------------------------------


def test_a_retry_with_the_same_key_and_body_returns_the_first_response_and_stores_nothing(
    client: TestClient, runtime: Runtime, inbox: Inbox
) -> None:
    first = post(client, ANA, key="ana-1")
    reordered = dict(reversed(list(ANA.items())))  # same JSON, keys in another order
    second = post(client, reordered, key="ana-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert count_rows(runtime) == 1
    assert len(inbox.messages) == 1  # the clinic is told once


def test_the_same_key_with_another_body_is_refused_naming_the_header(
    client: TestClient, runtime: Runtime
) -> None:
    assert post(client, VALID, key="k-42").status_code == 201

    response = post(client, {**VALID, "name": "Someone Else"}, key="k-42")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert count_rows(runtime) == 1


def test_different_keys_store_separate_requests(client: TestClient, runtime: Runtime) -> None:
    assert post(client, VALID, key="a").json() != post(client, VALID, key="b").json()
    assert count_rows(runtime) == 2


def test_an_invalid_request_does_not_burn_its_key(client: TestClient, runtime: Runtime) -> None:
    assert post(client, {**VALID, "email": "nope"}, key="fix-me").status_code == 422
    assert post(client, VALID, key="fix-me").status_code == 201
    with runtime.db() as db:
        assert db.get(IdempotencyKey, ("consultation-requests:api", "fix-me")) is not None


@pytest.mark.parametrize("key", ["x" * 256, "has space", "ünïcode"])
def test_an_unusable_key_is_rejected_naming_the_header(client: TestClient, key: str) -> None:
    response = client.post(URL, json=VALID, headers={"Idempotency-Key": key.encode()})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


# --- Rate limit ----------------------------------------------------------------------------------


def test_too_many_requests_from_one_client_get_429_with_retry_after(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    monkeypatch.setattr(consultations, "LIMIT", RateLimit(limit=3, window=timedelta(minutes=10)))
    statuses = [post(client, VALID, key=f"n{i}").status_code for i in range(3)]
    replay = post(client, VALID, key="n0")  # a retry of a stored request is not counted

    blocked = post(client, VALID, key="n3")

    assert statuses == [201, 201, 201]
    assert replay.status_code == 201
    assert blocked.status_code == 429
    assert blocked.headers["content-type"] == "application/problem+json"
    assert 1 <= int(blocked.headers["Retry-After"]) <= 600
    assert count_rows(runtime) == 3
    with runtime.db() as db:  # the client's address is never stored, only its hash
        buckets = set(db.scalars(select(RateLimitHit.bucket)))
    assert len(buckets) == 1
    assert all("testclient" not in b and "127.0.0.1" not in b for b in buckets)


def test_every_problem_is_reported_in_one_round(client: TestClient) -> None:
    body = {"name": "Ana", "email": "ana@@example", "preferred_contact": "phone"}

    fields = [e["field"] for e in post(client, body).json()["errors"]]

    assert sorted(fields) == ["consent_to_contact", "email", "preferred_contact"]


# --- Cross-site calls from the clinic's own website ---------------------------------------------

CLINIC_SITE = "https://harborlight.example"  # the demo clinic's configured website


def test_the_clinic_website_may_call_from_a_browser(client: TestClient) -> None:
    preflight = client.options(
        URL,
        headers={
            "Origin": CLINIC_SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,idempotency-key",
        },
    )
    created = client.post(URL, json=VALID, headers={"Origin": CLINIC_SITE})
    rejected = client.post(URL, json={"name": "Ana"}, headers={"Origin": CLINIC_SITE})

    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == CLINIC_SITE
    assert "Idempotency-Key" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers  # never with cookies
    assert created.status_code == 201
    assert created.headers["Access-Control-Allow-Origin"] == CLINIC_SITE
    assert rejected.status_code == 422  # the page can read which field to fix
    assert rejected.headers["Access-Control-Allow-Origin"] == CLINIC_SITE


def test_other_sites_get_no_cors_permission(client: TestClient) -> None:
    preflight = client.options(
        URL,
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    response = client.post(URL, json=VALID, headers={"Origin": "https://elsewhere.example"})

    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Origin" not in response.headers
