"""The decision aid's form page /aid/consultation: CSRF, errors, PRG, answers attached, email."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.features.consultations import test_consultation_api as api
from tests.features.consultations.test_consultation_api import PHI, Inbox, count_rows
from trdnav.features.aid import drafts
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import ConsultationRequest

FORM = "/aid/consultation"
# The API tests' fixtures: a real SMTP server and settings pointing at it.
inbox = api.inbox
settings = api.settings


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"the form carries a hidden {name}"
    return match.group(1)


def _fill(client: TestClient, **fields: str) -> dict[str, str]:
    page = client.get(FORM)
    assert page.status_code == 200
    data = {
        "csrf_token": _hidden(page.text, "csrf_token"),
        "form_key": _hidden(page.text, "form_key"),
    }
    data.update(name="Ana Diaz", email="ana@example.org", consent_to_contact="yes")
    data.update(preferred_contact="email")
    data.update(fields)
    return data


def _start_aid_session(runtime: Runtime, client: TestClient, *, item9: str = "0") -> None:
    """Ana answered the questionnaire's first steps (through the aid-session service)."""
    token = drafts.new_token()
    now = datetime.now(UTC)
    feelings: dict[str, Any] = {f"phq9_{i}": "2" for i in range(1, 9)}
    feelings.update(phq9_9=item9, suicidal_thoughts="none" if item9 == "0" else "passive")
    with runtime.db() as db:
        drafts.save_step(db, token, "about", {"age": "42", "pregnancy": "no"}, now)
        drafts.save_step(
            db,
            token,
            "diagnosis",
            {"conditions": ["major_depressive_disorder"], "episode_months": "14"},
            now,
        )
        drafts.save_step(db, token, "feelings", feelings, now)
    client.cookies.set(drafts.AID_COOKIE, token, path="/aid")


def test_the_form_has_labelled_fields_a_consent_box_and_crisis_numbers(client: TestClient) -> None:
    html = client.get(FORM).text

    for field_id in ("name", "email", "phone", "message", "consent", "contact-email"):
        assert f'for="{field_id}"' in html and f'id="{field_id}"' in html
    assert "<legend>" in html and 'autocomplete="email"' in html
    assert "988" in html and "911" in html
    assert "No questionnaire answers will be sent" in html


def test_a_post_without_the_csrf_token_is_refused(client: TestClient, runtime: Runtime) -> None:
    client.get(FORM)
    response = client.post(FORM, data={"name": "Ana", "email": "a@example.org"})

    assert response.status_code == 403
    assert count_rows(runtime) == 0


def test_errors_are_summarised_linked_and_shown_by_each_field_keeping_answers(
    client: TestClient, runtime: Runtime, inbox: Inbox
) -> None:
    data = _fill(client, name="", email="ana@@example", consent_to_contact="", message="Hi")
    response = client.post(FORM, data=data)

    assert response.status_code == 422
    html = response.text
    assert "There is a problem" in html and 'role="alert"' in html
    assert '<a href="#name">Enter your name.</a>' in html
    assert '<a href="#email">Enter an email address' in html
    assert '<a href="#consent">Tick the box' in html
    assert 'id="email-error"' in html and 'aria-invalid="true"' in html
    assert 'value="ana@@example"' in html and ">Hi</textarea>" in html  # nothing typed is lost
    assert "<title>Error:" in html
    assert count_rows(runtime) == 0
    assert inbox.messages == []


def test_a_preferred_channel_needs_its_detail(client: TestClient) -> None:
    data = _fill(client, preferred_contact="phone")

    html = client.post(FORM, data=data).text

    assert "You chose a phone call or text, so enter a phone number" in html


def test_success_redirects_to_a_confirmation_without_phi_in_the_url(
    client: TestClient, runtime: Runtime, inbox: Inbox
) -> None:
    data = _fill(client, phone="907 555 0100", message="Mornings are best.")
    response = client.post(FORM, data=data, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/aid/consultation/sent"
    with runtime.db() as db:
        row = db.scalars(select(ConsultationRequest)).one()
    assert (row.name, row.email, row.phone) == ("Ana Diaz", "ana@example.org", "+19075550100")
    assert row.message == "Mornings are best." and row.assessment is None
    assert len(inbox.messages) == 1
    body = inbox.messages[0].get_payload(decode=True).decode()
    assert f"/workspace/consultations/{row.id}" in body
    body = body.replace(row.id, "<id>")  # a random id may contain digits of the phone number
    assert not any(secret in body for secret in PHI)

    sent = client.get("/aid/consultation/sent")
    assert sent.status_code == 200
    assert "What happens next" in sent.text and "not an emergency service" in sent.text
    assert "988" in sent.text and "911" in sent.text
    assert runtime.clinic.contact.phone in sent.text
    assert "Ana" not in sent.text


def test_a_double_click_stores_one_request(client: TestClient, runtime: Runtime) -> None:
    data = _fill(client)
    first = client.post(FORM, data=data, follow_redirects=False)
    second = client.post(FORM, data=data, follow_redirects=False)

    assert first.status_code == second.status_code == 303
    assert count_rows(runtime) == 1


def test_coming_back_to_correct_a_sent_request_sends_a_new_one(
    client: TestClient, runtime: Runtime
) -> None:
    data = _fill(client)
    client.post(FORM, data=data, follow_redirects=False)

    corrected = client.post(FORM, data={**data, "email": "ana.diaz@example.org"})

    assert corrected.status_code == 200 and "What happens next" in corrected.text
    assert count_rows(runtime) == 2


def test_no_crisis_panel_without_a_risk_answer(client: TestClient, runtime: Runtime) -> None:
    _start_aid_session(runtime, client)

    assert 'id="crisis-panel"' not in client.get(FORM).text


def test_the_questionnaire_answers_are_attached_when_the_person_agrees(
    client: TestClient, runtime: Runtime
) -> None:
    _start_aid_session(runtime, client)
    page = client.get(FORM).text
    assert "Send my questionnaire answers with this request" in page

    data = _fill(client, include_answers="yes")
    assert client.post(FORM, data=data, follow_redirects=False).status_code == 303

    with runtime.db() as db:
        row = db.scalars(select(ConsultationRequest)).one()
    assert row.assessment is not None
    assert row.assessment["age"] == 42
    assert row.assessment["conditions"] == ["major_depressive_disorder"]
    assert row.assessment["phq9_items"] == [2, 2, 2, 2, 2, 2, 2, 2, 0]
    assert row.evidence_version == runtime.engine.evidence.version


def test_the_answers_stay_out_when_the_box_is_unticked(
    client: TestClient, runtime: Runtime
) -> None:
    _start_aid_session(runtime, client)
    client.post(FORM, data=_fill(client), follow_redirects=False)

    with runtime.db() as db:
        assert db.scalars(select(ConsultationRequest)).one().assessment is None


def test_the_crisis_panel_leads_the_form_after_a_risk_answer(
    client: TestClient, runtime: Runtime
) -> None:
    _start_aid_session(runtime, client, item9="1")

    html = client.get(FORM).text

    assert 'id="crisis-panel"' in html
    assert html.index('id="crisis-panel"') < html.index("<h1>")
    client.post(FORM, data=_fill(client), follow_redirects=False)
    sent = client.get("/aid/consultation/sent").text
    assert sent.index('id="crisis-panel"') < sent.index("<h1>")


def test_too_many_form_posts_get_429_with_a_readable_message(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from trdnav.features.consultations import service as consultations
    from trdnav.platform.ratelimit import RateLimit

    monkeypatch.setattr(consultations, "LIMIT", RateLimit(limit=1, window=timedelta(minutes=10)))
    client.post(FORM, data=_fill(client), follow_redirects=False)

    response = client.post(FORM, data=_fill(client, email="other@example.org"))

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "try again in 10 minutes" in response.text
    assert runtime.clinic.contact.phone in response.text
    assert 'value="other@example.org"' in response.text
    assert count_rows(runtime) == 1


def test_a_field_is_checked_as_soon_as_it_changes(client: TestClient) -> None:
    token = _hidden(client.get(FORM).text, "csrf_token")

    def check(field: str, value: str) -> Any:
        headers = {"HX-Request": "true", "HX-Trigger-Name": field}
        return client.post(
            f"{FORM}/check", data={"csrf_token": token, field: value}, headers=headers
        )

    assert "Enter an email address" in check("email", "ana@@example").text
    assert check("email", "ana@example.org").text.strip() == ""
    assert check("email", "").text.strip() == ""  # empty is fine until the form is sent
    assert "phone number with its area code" in check("phone", "12").text
    assert check("phone", "907 555 0100").text.strip() == ""
    assert "Enter your name." in check("name", " ").text
    assert check("message", "hello").status_code == 400
    assert client.post(f"{FORM}/check", data={"email": "x"}).status_code == 403  # CSRF
