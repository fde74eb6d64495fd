"""Issue 14 item 1: a NUL (or another control character) is refused at validation, everywhere.

On PostgreSQL a NUL used to reach the database: a 500, nothing stored, and SQLAlchemy wrote the
person's name, email, phone, message and answers to stderr. Now every request model, form and
query parameter refuses it with a 422 naming the field, and no exception path logs request data.
The cast: Ana writes to the clinic (fictional details); the clinic staff from tests/cast.py.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import func, select

from tests.cast import Member, make_request
from trdnav.domain.text import RequestModel, control_problem
from trdnav.platform.runtime import Runtime
from trdnav.storage.db import make_engine
from trdnav.storage.models import ConsultationRequest, MedicationTrial

URL = "/api/v1/consultation-requests"
PHI = ("Zelda", "Quarry", "zq-secret.example", "555 0199", "sleepless", "fluvoxamine")


def _ana(**override: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Zelda Quarry",
        "email": "zelda@zq-secret.example",
        "phone": "+1 907 555 0199",
        "preferred_contact": "email",
        "message": "I am sleepless.\nMornings are best.",
        "consent_to_contact": True,
        "assessment": {
            "age": 42,
            "conditions": ["major_depressive_disorder"],
            "antidepressant_trials": [{"name": "fluvoxamine", "outcome": "no_response"}],
        },
    }
    body.update(override)
    return body


def _stored(runtime: Runtime) -> int:
    with runtime.db() as s:
        return s.scalar(select(func.count(ConsultationRequest.id))) or 0


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"name": "Zelda\u0000 Quarry"}, "name"),
        ({"message": "I am sleepless.\u0000"}, "message"),
        ({"email": "zelda\u0000@zq-secret.example"}, "email"),
        ({"phone": "+1 907 555 0199\u0000"}, "phone"),
        ({"name": "Zelda\u001b[31m Quarry"}, "name"),  # an ANSI escape: also refused
        (
            {
                "assessment": {
                    "age": 42,
                    "antidepressant_trials": [{"name": "fluvoxamine\u0000"}],
                }
            },
            "assessment.antidepressant_trials.0.name",
        ),
    ],
)
def test_api_refuses_control_characters_and_logs_nothing(
    client: TestClient,
    runtime: Runtime,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    override: dict[str, Any],
    field: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    response = client.post(URL, json=_ana(**override))
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert _stored(runtime) == 0
    out, err = capfd.readouterr()
    logged = caplog.text + out + err
    for secret in PHI:
        assert secret not in logged
    # A newline and a tab are fine in the multi-line message: the same request is then stored.
    assert client.post(URL, json=_ana(message="Line one\n\tline two\r\n")).status_code == 201
    assert _stored(runtime) == 1


def test_newline_is_refused_in_a_single_line_field(client: TestClient, runtime: Runtime) -> None:
    response = client.post(URL, json=_ana(name="Zelda\nQuarry"))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]
    assert _stored(runtime) == 0


def test_consultation_form_refuses_nul_and_keeps_the_rest(
    client: TestClient, runtime: Runtime
) -> None:
    client.get("/aid/consultation")
    token = next(v for k, v in client.cookies.items() if k.endswith("csrf"))
    form = {
        "csrf_token": token,
        "name": "Zelda Quarry",
        "email": "zelda@zq-secret.example",
        "preferred_contact": "email",
        "message": "sleepless\u0000",
        "consent_to_contact": "yes",
    }
    response = client.post("/aid/consultation", data=form, follow_redirects=False)
    assert response.status_code == 422
    assert 'id="message-error"' in response.text or "message" in response.text
    assert "Zelda Quarry" in response.text  # what the person typed is kept on the page
    assert _stored(runtime) == 0


def test_workspace_forms_and_search_refuse_nul(
    cast: dict[str, Member],
    runtime: Runtime,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    rid = make_request(runtime)
    patient = str(cast["cora"].post(f"/workspace/consultations/{rid}/convert").headers["location"])
    bad = cast["priya"].post(f"{patient}/trials", {"drug": "fluvoxamine\u0000", "weeks": "8"})
    assert bad.status_code == 422 and "drug" in bad.text
    with runtime.db() as s:
        drugs = s.scalars(select(MedicationTrial.drug)).all()
        assert drugs and not any("fluvoxamine" in d for d in drugs)
    # Converting still works for every other request (nothing poisoned was stored).
    other = make_request(runtime, name="Bea Moss", email="bea@example.org", phone="+19075550199")
    assert cast["cora"].post(f"/workspace/consultations/{other}/convert").status_code == 303
    search = cast["ted"].post("/workspace/patients", {"q": "Quarry\u0000sleepless"})
    assert search.status_code == 422 and "q" in search.text
    query = cast["alice"].get("/workspace/audit?action=auth%00")
    assert query.status_code == 422 and "action" in query.text
    out, err = capfd.readouterr()
    for secret in ("fluvoxamine", "sleepless"):
        assert secret not in caplog.text + out + err


def test_engines_hide_parameters(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert engine.hide_parameters is True
    finally:
        engine.dispose()


def _models(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
        for f in annotation.model_fields.values():
            found += _models(f.annotation)
    for arg in getattr(annotation, "__args__", ()) or ():
        found += _models(arg)
    return found


def test_every_request_model_uses_the_one_validator(client: TestClient) -> None:
    """Every JSON body the app accepts is a RequestModel (so the one validator runs on it)."""
    from fastapi.routing import APIRoute

    from trdnav.features.consultations.service import ConsultationCreate

    models: list[type[BaseModel]] = _models(ConsultationCreate)
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and route.body_field is not None:
            models += _models(route.body_field.field_info.annotation)
    assert models
    for model in models:
        assert issubclass(model, RequestModel), model


@pytest.mark.parametrize(
    ("value", "multiline", "bad"),
    [
        ("plain", False, False),
        ("tab\there", False, True),
        ("line\nbreak", False, True),
        ("line\nbreak\r\n", True, False),
        ("nul\u0000", True, True),
        ("del\u007f", True, True),
        ("c1\u0085", True, True),
        ("bidi\u202e", True, False),  # printable formatting, not a control character
    ],
)
def test_control_problem_table(value: str, multiline: bool, bad: bool) -> None:
    assert (control_problem(value, multiline=multiline) is not None) is bad


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/aid/start?step=%00", "text/html"),
        ("/workspace/login?next=%1b", "text/html"),
        ("/api/v1/outcomes?option=%00", "application/problem+json"),
        ("/fhir/R4/$export/Patient%00.ndjson", "application/problem+json"),
    ],
)
def test_a_control_character_in_any_path_or_query_is_a_422_page_or_problem(
    client: TestClient, path: str, kind: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith(kind)
