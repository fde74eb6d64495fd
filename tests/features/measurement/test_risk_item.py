"""PHQ-9 item 9 above 0, from any door (clinic API, workspace form, the patient's own link, a
converted consultation request): 988 and 911 for the patient at once, and an urgent alert for
the clinic's prescribers and nurses with email jobs that hold no health details and survive a
mail server that is down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from tests.cast import ASSESSMENT, Member, make_request, now
from tests.features.courses.conftest import Api
from tests.support import refused_port, smtp_inbox
from trdnav.features.alerts import service as alerts
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import Job, SafetyAlert

ITEM9 = [2, 2, 2, 1, 1, 1, 1, 0, 1]  # total 11, item 9 "several days"


def _alerts(runtime: Runtime, patient_id: str) -> list[SafetyAlert]:
    with runtime.db() as db:
        return list(db.scalars(select(SafetyAlert).where(SafetyAlert.patient_id == patient_id)))


def _notified(runtime: Runtime, alert_id: int) -> list[int]:
    with runtime.db() as db:
        jobs = db.scalars(select(Job).where(Job.kind == alerts.NOTICE))
        return sorted(j.payload["user_id"] for j in jobs if j.payload["alert_id"] == alert_id)


def test_api_administration_raises_an_urgent_alert_and_emails_survive_smtp_down(
    api: dict[str, Api], cast: dict[str, Member], patient: str, runtime: Runtime
) -> None:
    r = api["nina"].post(
        f"/api/v1/patients/{patient}/administrations",
        {
            "instrument": "phq9",
            "answers": ITEM9,
            "administered_at": (datetime.now(UTC) - timedelta(minutes=3)).isoformat(),
        },
    )
    assert r.status_code == 201 and r.json()["alert_id"] is not None
    (alert,) = _alerts(runtime, patient)
    assert (alert.kind, alert.urgency, alert.source) == (
        "suicide_risk",
        "urgent",
        f"administration:{r.json()['id']}",
    )
    assert _notified(runtime, alert.id) == sorted([cast["priya"].user_id, cast["nina"].user_id])
    with refused_port() as down:  # the mail server is down: nothing sent, nothing lost
        runtime.settings = runtime.settings.model_copy(update={"smtp_port": down})
        assert alerts.send_due(runtime, now()) == 0
    with smtp_inbox() as box:
        runtime.settings = runtime.settings.model_copy(update={"smtp_port": box.port})
        assert alerts.send_due(runtime, now() + timedelta(minutes=11)) == 2
    assert sorted(m["To"] for m in box.messages) == sorted(
        [cast["priya"].email, cast["nina"].email]
    )
    for message in box.messages:
        text = (message["Subject"] + message.get_payload()).lower()
        assert message["Subject"].startswith("URGENT") and f"/workspace/alerts/{alert.id}" in text
        for secret in ("mara", "measure", "phq", "item", "suicid", "self-harm", "death", "11"):
            assert secret not in text, secret
    # a zero on item 9 raises nothing
    calm = api["nina"].post(
        f"/api/v1/patients/{patient}/administrations",
        {
            "instrument": "phq9",
            "answers": [2, 2, 2, 1, 1, 1, 1, 0, 0],
            "administered_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        },
    )
    assert calm.status_code == 201 and calm.json()["alert_id"] is None
    assert len(_alerts(runtime, patient)) == 1


def test_workspace_phq9_forms_raise_it_too(
    cast: dict[str, Member], patient: str, runtime: Runtime
) -> None:
    nina = cast["nina"]
    form: dict[str, Any] = {f"item{n + 1}": str(v) for n, v in enumerate(ITEM9)}
    done = nina.post(
        f"/workspace/patients/{patient}/measurements",
        {**form, "instrument": "phq9", "administered_on": "2026-01-05"},
    )
    assert done.status_code == 303 and "?alerted=" in done.headers["location"]
    assert "Urgent safety alert raised" in nina.get(done.headers["location"]).text
    baseline = nina.post(f"/workspace/patients/{patient}/phq9", form)  # the record page's form
    assert baseline.status_code == 303
    raised = _alerts(runtime, patient)
    assert [(a.kind, a.urgency) for a in raised] == [("suicide_risk", "urgent")] * 2
    assert (
        "Thoughts of death or self-harm reported"
        in nina.get(f"/workspace/alerts/{raised[0].id}").text
    )


def test_a_patient_reported_phq9_alerts_when_the_request_becomes_a_record(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    assessment = {**ASSESSMENT, "phq9_items": [2, 3, 2, 2, 1, 2, 2, 1, 1]}
    rid = make_request(runtime, name="Ida Nine", assessment=assessment)
    converted = cast["cora"].post(f"/workspace/consultations/{rid}/convert")
    patient_id = converted.headers["location"].rsplit("/", 1)[1]
    raised = _alerts(runtime, patient_id)
    assert [(a.kind, a.urgency) for a in raised] == [("suicide_risk", "urgent")]
