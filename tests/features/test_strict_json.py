"""Strict JSON types on the API (issue 14, item 11): `true` is not an age, `"yes"` is not a
boolean, `"40"` is not an integer, `0` is not a date; each is a 422 naming the field and nothing
is stored. The schema states the types; the assessment contract and `trdnav assess` still hold."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.cast import ASSESSMENT, Member
from tests.cli.test_assess_cli import trdnav
from tests.features.courses.conftest import Api, new_patient
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import ConsultationRequest, Patient, PriorAuthorization

ASSESS = "/api/v1/assessments"


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [e["field"] for e in response.json()["errors"]]


def _count(runtime: Runtime, model: Any) -> int:
    with runtime.db() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"age": True}, "age"),
        ({"age": "40"}, "age"),
        ({"phq9_items": ["2", 3, 2, 2, 1, 2, 2, 1, 0]}, "phq9_items.0"),
        ({"psychotherapy_trial": "yes"}, "psychotherapy_trial"),
        ({"psychotherapy_trial": 1}, "psychotherapy_trial"),
        ({"medical_history": {"seizure_history": "false"}}, "medical_history.seizure_history"),
        ({"logistics": {"travel_minutes": False}}, "logistics.travel_minutes"),
        ({"insurance": {"coinsurance": "0.2"}}, "insurance.coinsurance"),
    ],
)
def test_an_assessment_takes_only_json_types(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    assert _fields(client.post(ASSESS, json={**ASSESSMENT, **change})) == [field]


def test_numbers_stay_numbers(client: TestClient) -> None:
    # JSON does not tell 42 from 42.0 (JSON Schema calls both an integer); 42.5 is no age.
    assert client.post(ASSESS, json={**ASSESSMENT, "age": 42.0}).status_code == 200
    assert _fields(client.post(ASSESS, json={**ASSESSMENT, "age": 42.5})) == ["age"]
    # A JSON number for a float, and the contract's own example, are accepted.
    body = {**ASSESSMENT, "insurance": {"coinsurance": 0, "deductible_remaining": 1200}}
    assert client.post(ASSESS, json=body).status_code == 200
    assert client.post(ASSESS, json=ASSESSMENT).status_code == 200


def test_a_consultation_request_takes_only_json_types(client: TestClient, runtime: Runtime) -> None:
    person = {"name": "Ana Diaz", "email": "ana@example.org", "consent_to_contact": True}
    url = "/api/v1/consultation-requests"
    assert _fields(client.post(url, json={**person, "consent_to_contact": "true"})) == [
        "consent_to_contact"
    ]
    bad = {**person, "assessment": {**ASSESSMENT, "age": "42"}}
    assert _fields(client.post(url, json=bad)) == ["assessment.age"]
    assert _count(runtime, ConsultationRequest) == 0
    assert client.post(url, json={**person, "assessment": ASSESSMENT}).status_code == 201


@pytest.fixture
def cora(cast: dict[str, Member], runtime: Runtime, app: Any) -> Api:
    """The coordinator of clinic A (records, coverage, booking), with an API token."""
    from tests.cast import now
    from trdnav.features.tokens.service import create_token

    with runtime.db.begin() as db:
        _, raw = create_token(db, cast["cora"].email, runtime.clinic.slug, "strict", now())
    return Api(TestClient(app), raw)


def test_typed_bodies_of_the_clinic_api_are_strict(cora: Api, runtime: Runtime) -> None:
    person = {"given_name": "Ana", "family_name": "Diaz", "birth_date": "1980-02-03"}
    assert _fields(cora.post("/api/v1/patients", {**person, "birth_date": 0})) == ["birth_date"]
    assert _fields(cora.post("/api/v1/patients", {**person, "given_name": 7})) == ["given_name"]
    # An empty email is neither an address nor "none given": send null or leave it out.
    assert _fields(cora.post("/api/v1/patients", {**person, "email": ""})) == ["email"]
    assert _count(runtime, Patient) == 0
    patient = new_patient(cora)
    url = f"/api/v1/patients/{patient}/prior-authorizations"
    request = {"option": "rtms", "policy": "LCD-L34522", "payer": "Medicare"}
    assert _fields(cora.post(url, {**request, "requested_units": "36"})) == ["requested_units"]
    assert _fields(cora.post(url, {**request, "requested_units": True})) == ["requested_units"]
    assert _count(runtime, PriorAuthorization) == 0
    course = {"option": "rtms", "start_on": 20300101}
    assert _fields(cora.post(f"/api/v1/patients/{patient}/courses", course)) == ["start_on"]


def test_the_schema_states_the_types(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["AssessmentRequest"]["properties"]["age"]["type"] == "integer"
    assert schemas["PatientCreate"]["properties"]["birth_date"] == {
        "type": "string",
        "format": "date",
        "title": "Birth Date",
    }
    paths = client.get("/openapi.json").json()["paths"]
    body = paths["/api/v1/consultation-requests"]["post"]["requestBody"]["content"]
    consent = body["application/json"]["schema"]["properties"]["consent_to_contact"]
    assert consent["type"] == "boolean"


def test_the_cli_is_as_strict_as_the_api() -> None:
    cli = trdnav("assess", "-", stdin=json.dumps({"age": "40", "conditions": ["ocd"]}))
    assert cli.returncode == 2 and cli.stdout == ""
    assert "age" in cli.stderr
    ok = trdnav("assess", "-", stdin=json.dumps({"age": 40, "conditions": ["ocd"]}))
    assert ok.returncode == 0, ok.stderr
