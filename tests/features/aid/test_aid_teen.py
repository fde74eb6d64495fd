"""Teenagers: plain reasons for what is not available under 18, esketamine "not approved under
18", the add-on question of adolescent TMS asked (and counted), a parent or guardian line."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.features.aid.aid_data import card_heads, variant
from trdnav.features.aid.steps import STEP_NAMES
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import ConsultationRequest


def _csrf(client: TestClient) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/aid/step/about").text)
    assert match
    return match.group(1)


def _answer(client: TestClient, answers: dict) -> str:
    token = _csrf(client)
    for step in STEP_NAMES:
        data = {**answers[step], "csrf_token": token, "nav": "next"}
        client.post(f"/aid/step/{step}", data=data)
    return token


TEEN = variant(about={"age": "16"}, tried={"taking_antidepressant": "no"})


def test_the_add_on_question_is_asked_up_to_21_only(client: TestClient):
    token = _csrf(client)
    client.post("/aid/step/about", data={"age": "16", "pregnancy": "no", "csrf_token": token})
    assert 'name="taking_antidepressant"' in client.get("/aid/step/tried").text
    client.post("/aid/step/about", data={"age": "42", "pregnancy": "no", "csrf_token": token})
    assert 'name="taking_antidepressant"' not in client.get("/aid/step/tried").text


def test_teen_results_say_why_in_plain_words(client: TestClient):
    _answer(client, TEEN)
    html = client.get("/aid/results").text
    assert "Esketamine (Spravato) is not approved for anyone under 18" in html
    assert "Not a recognized use" not in html and "your answers fall outside" not in html
    head = card_heads(html)
    esk = head.split("Esketamine", 1)[1].split("\n", 1)[0]
    assert "Not available" in esk and "Off-label" not in esk
    # Not on an antidepressant: adolescent TMS is an add-on, so it is a caution with the reason.
    rtms = head.split("Repetitive TMS", 1)[1].split("\n", 1)[0]
    assert "Caution" in rtms
    assert "cleared only as an add-on to an antidepressant, and none is taken now" in html


def test_teen_on_an_antidepressant_has_no_add_on_caution(client: TestClient):
    _answer(client, variant(about={"age": "16"}, tried={"taking_antidepressant": "yes"}))
    html = client.get("/aid/results").text
    assert "add-on to an antidepressant, and none" not in html


def test_consultation_form_asks_a_parent_or_guardian_for_a_teen(
    client: TestClient, runtime: Runtime
):
    _answer(client, TEEN)
    page = client.get("/aid/consultation").text
    assert 'id="guardian_name"' in page and "Parent or guardian" in page
    key = re.search(r'name="form_key" value="([^"]+)"', page)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert key and csrf
    data = {
        "csrf_token": csrf.group(1),
        "form_key": key.group(1),
        "name": "Sam Lee",
        "email": "sam@example.org",
        "consent_to_contact": "yes",
        "include_answers": "yes",
    }
    missing = client.post("/aid/consultation", data=data)
    assert missing.status_code == 422
    assert 'href="#guardian_name"' in missing.text and "parent or guardian" in missing.text
    with runtime.db() as db:
        assert db.scalar(select(ConsultationRequest.id)) is None  # nothing stored
    sent = client.post(
        "/aid/consultation", data={**data, "guardian_name": "Kim Lee"}, follow_redirects=False
    )
    assert sent.status_code == 303
    with runtime.db() as db:
        row = db.scalars(select(ConsultationRequest)).one()
        assert row.guardian_name == "Kim Lee" and row.assessment and row.assessment["age"] == 16


def test_an_adult_is_not_asked_for_a_guardian(client: TestClient):
    _answer(client, variant())
    assert 'id="guardian_name"' not in client.get("/aid/consultation").text
