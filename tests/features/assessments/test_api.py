"""HTTP API: assessments (contract assessment-v1), problem documents, health, docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from trdnav.platform.runtime import Runtime
from trdnav.storage.models import ConsultationRequest

EXAMPLE = Path(__file__).parents[3] / "examples" / "assessment.json"


def test_assessment_returns_the_contract_result(client: TestClient) -> None:
    response = client.post("/api/v1/assessments", json=json.loads(EXAMPLE.read_text()))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["evidence_version"] == "2026.11"
    assert body["severity"] == {"phq9_total": 15, "band": "moderately_severe"}
    assert [o["id"] for o in body["options"]] == [
        "rtms",
        "deep_tms",
        "accelerated_itbs",
        "iv_ketamine",
        "esketamine",
        "ect",
    ]
    offered = {o["id"]: o["offered"] for o in body["options"]}
    assert offered == {
        "rtms": True,
        "deep_tms": True,
        "accelerated_itbs": False,
        "iv_ketamine": True,
        "esketamine": True,
        "ect": False,
    }
    assert body["ranking"][0] == "rtms"


def test_assessment_stores_nothing(client: TestClient, runtime: Runtime) -> None:
    client.post(
        "/api/v1/assessments", json={"age": 30, "conditions": ["major_depressive_disorder"]}
    )
    with runtime.db() as db:
        assert db.scalar(select(func.count()).select_from(ConsultationRequest)) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"age": 200, "conditions": ["major_depressive_disorder"]}, "age"),
        ({"conditions": ["major_depressive_disorder"]}, "age"),
        ({"age": 40}, "conditions"),
        ({"age": 40, "conditions": ["flu"]}, "conditions.0"),
        (
            {"age": 40, "conditions": ["ocd"], "phq9_items": [0, 0, 0, 0, 0, 0, 0, 0, 4]},
            "phq9_items.8",
        ),
        ({"age": 40, "conditions": ["ocd"], "phq9_items": [0] * 8}, "phq9_items"),
        ({"age": 40, "conditions": ["ocd"], "pregnancy": "maybe"}, "pregnancy"),
        (
            {"age": 40, "conditions": ["ocd"], "insurance": {"deductible_remaining": -5}},
            "insurance.deductible_remaining",
        ),
        (
            {"age": 40, "conditions": ["ocd"], "insurance": {"coinsurance": 1.5}},
            "insurance.coinsurance",
        ),
        (
            {"age": 40, "conditions": ["ocd"], "medical_history": {"metal_in_hed": True}},
            "medical_history.metal_in_hed",
        ),
        ({"age": "forty", "conditions": ["ocd"]}, "age"),
        ({"age": 40, "conditions": ["ocd", "ocd"]}, "conditions"),
    ],
)
def test_invalid_assessment_is_a_422_problem_naming_the_field(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    response = client.post("/api/v1/assessments", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] and field in problem["detail"]
    assert field in [e["field"] for e in problem["errors"]]
    assert all(e["message"] for e in problem["errors"])


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b""])
def test_malformed_json_is_a_422_problem(client: TestClient, raw: bytes) -> None:
    response = client.post(
        "/api/v1/assessments", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"]


def test_openapi_and_docs_are_served_without_third_party_assets(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/assessments" in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "http" not in docs.text.replace("http-equiv", "")  # every asset is ours
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


def test_security_headers_on_api_responses(client: TestClient) -> None:
    headers = client.post("/api/v1/assessments", json={"age": 1}).headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
