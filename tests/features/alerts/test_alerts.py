"""Safety alerts: raised with their email jobs in one transaction, emailed to the clinic's
clinicians without health details (durably: a mail server that is down loses nothing), listed
urgent first, closed only with a recorded follow-up; another clinic sees nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.cast import Member, make_request, now
from tests.support import refused_port, smtp_inbox
from trdnav.features.alerts import service
from trdnav.platform.audit import Who
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent, Job, SafetyAlert


@pytest.fixture
def patient_id(cast: dict[str, Member]) -> str:
    rid = make_request(cast["cora"].client.app.state.runtime)
    response = cast["cora"].post(f"/workspace/consultations/{rid}/convert")
    return str(response.headers["location"].rsplit("/", 1)[1])


def _raise(runtime: Runtime, patient_id: str, kind: str, urgency: str) -> int:
    with runtime.db.begin() as db:
        alert = service.raise_alert(
            db,
            clinic_id=runtime.clinic_id,
            patient_id=patient_id,
            kind=kind,
            urgency=urgency,
            source="administration:1",
            now=now(),
            who=Who(),
        )
        return alert.id


def test_suicide_risk_tells_prescribers_and_nurses_of_the_clinic_only(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    alert_id = _raise(runtime, patient_id, "suicide_risk", "urgent")
    with runtime.db() as db:
        users = sorted(
            j.payload["user_id"] for j in db.scalars(select(Job)) if j.kind == service.NOTICE
        )
        actions = [
            e.action
            for e in db.scalars(select(AuditEvent).where(AuditEvent.target == f"alert:{alert_id}"))
        ]
    assert users == sorted([cast["priya"].user_id, cast["nina"].user_id])  # not oscar (clinic B)
    assert actions == ["alert.raise"]
    seizure = _raise(runtime, patient_id, "seizure", "urgent")
    with runtime.db() as db:
        told = [
            j.payload["user_id"]
            for j in db.scalars(select(Job))
            if j.payload.get("alert_id") == seizure
        ]
    assert told == [cast["priya"].user_id]


def test_emails_say_urgent_and_nothing_else_and_survive_a_mail_server_that_is_down(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    alert_id = _raise(runtime, patient_id, "suicide_risk", "urgent")
    with refused_port() as down:
        runtime.settings = runtime.settings.model_copy(update={"smtp_port": down})
        assert service.send_due(runtime, now()) == 0  # nothing sent, nothing lost
    with runtime.db() as db:
        pending = [j for j in db.scalars(select(Job)) if j.kind == service.NOTICE]
    assert len(pending) == 2 and all(j.done_at is None and j.attempts == 1 for j in pending)
    with smtp_inbox() as box:
        runtime.settings = runtime.settings.model_copy(update={"smtp_port": box.port})
        assert service.send_due(runtime, now() + timedelta(minutes=11)) == 2
        assert service.send_due(runtime, now() + timedelta(minutes=12)) == 0  # sent once
    assert sorted(m["To"] for m in box.messages) == sorted(
        [cast["priya"].email, cast["nina"].email]
    )
    for message in box.messages:
        assert message["Subject"].startswith("URGENT")
        body = message.get_payload()
        assert f"/workspace/alerts/{alert_id}" in body
        for secret in ("Ana", "Diaz", "suicide", "self-harm", "death"):
            assert secret.lower() not in (body + message["Subject"]).lower()


def test_the_list_is_urgent_first_and_an_alert_closes_only_with_a_follow_up(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    prompt = _raise(runtime, patient_id, "serious_adverse_event", "prompt")
    urgent = _raise(runtime, patient_id, "suicide_risk", "urgent")
    nina = cast["nina"]
    page = nina.get("/workspace/alerts").text
    assert page.index(f"/workspace/alerts/{urgent}") < page.index(f"/workspace/alerts/{prompt}")
    empty = nina.post(f"/workspace/alerts/{urgent}/close", {"follow_up": "  "})
    assert empty.status_code == 422 and "follow_up" in empty.text
    done = nina.post(
        f"/workspace/alerts/{urgent}/close", {"follow_up": "Called her at 14:05; safe."}
    )
    assert done.status_code == 303
    with runtime.db() as db:
        row = db.get(SafetyAlert, urgent)
        assert row is not None and row.closed_by == nina.user_id and row.closed_at is not None
    assert f"/workspace/alerts/{urgent}" not in nina.get("/workspace/alerts").text
    again = nina.post(f"/workspace/alerts/{urgent}/close", {"follow_up": "twice"})
    assert again.status_code == 422
    record = nina.get(f"/workspace/patients/{patient_id}").text
    assert "Called her at 14:05; safe." in record and "Safety alerts" in record


def test_who_may_see_alerts(cast: dict[str, Member], patient_id: str, runtime: Runtime) -> None:
    alert_id = _raise(runtime, patient_id, "hypertension", "urgent")
    assert cast["priya"].get(f"/workspace/alerts/{alert_id}").status_code == 200
    assert cast["cora"].get("/workspace/alerts").status_code == 403  # not clinical
    assert cast["oscar"].get(f"/workspace/alerts/{alert_id}").status_code == 404  # clinic B
    assert (
        cast["oscar"].post(f"/workspace/alerts/{alert_id}/close", {"follow_up": "x"}).status_code
        == 404
    )
