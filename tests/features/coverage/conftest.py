"""A patient documented the way a coordinator needs for a TMS prior authorization, built
through the workspace's own pages (convert a request, then the nurse records the chart)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.cast import Member, make_request
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import Administration, AuditEvent, Patient

SAFE = {
    f"confirm.medical_history.{k}": "no"
    for k in (
        "metal_in_head",
        "cochlear_implant",
        "implanted_neurostimulator",
        "seizure_history",
        "neurological_condition",
    )
}


@pytest.fixture
def patient_id(cast: dict[str, Member], runtime: Runtime) -> str:
    """Ana Diaz: F33.2, two failed adequate trials of two classes, psychotherapy, a safe
    history, the aid's PHQ-9 of 15 sixty days ago and the clinic's PHQ-9 of 21 (severe) ten
    days ago; plan type Medicare."""
    assessment = {
        "age": 42,
        "conditions": ["major_depressive_disorder"],
        "phq9_items": [2, 3, 2, 2, 1, 2, 2, 1, 0],
        "insurance": {"plan": "medicare"},
    }
    rid = make_request(runtime, assessment=assessment)
    location = cast["cora"].post(f"/workspace/consultations/{rid}/convert").headers["location"]
    pid = str(location).rsplit("/", 1)[1]
    nina, url = cast["nina"], f"/workspace/patients/{pid}"
    with runtime.db() as s:
        version = str(s.get_one(Patient, pid).version)  # the version the form would carry
    demographics = {"version": version, "name": "Ana Diaz", "date_of_birth": "1984-03-02"}
    assert cast["cora"].post(f"{url}/demographics", demographics).status_code == 303
    assert nina.post(f"{url}/diagnoses", {"code": "F33.2"}).status_code == 303
    for drug, weeks, outcome in (
        ("sertraline", "8", "no_response"),
        ("Effexor XR", "10", "partial_response"),
    ):
        trial = {
            "drug": drug,
            "therapeutic_dose": "yes",
            "weeks": weeks,
            "adherence": "good",
            "outcome": outcome,
        }
        assert nina.post(f"{url}/trials", trial).status_code == 303
    confirmed = {
        **SAFE,
        "confirm.medical_history.psychosis": "none",
        "confirm.psychotherapy_trial": "yes",
    }
    assert nina.post(f"{url}/answers", confirmed).status_code == 303
    items = {f"item{i}": str(v) for i, v in enumerate([3, 3, 2, 2, 2, 3, 3, 2, 1], start=1)}
    assert nina.post(f"{url}/phq9", items).status_code == 303
    with runtime.db.begin() as db:  # the aid's PHQ-9 60 days ago, the clinic's 10 days ago
        for row in db.scalars(select(Administration).where(Administration.patient_id == pid)):
            days = 10 if row.source == "clinician" else 60
            row.administered_at = datetime.now(UTC) - timedelta(days=days)
    return pid


def audit_actions(runtime: Runtime, patient_id: str) -> list[str]:
    """The audit trail's actions about this patient, oldest first."""
    with runtime.db() as db:
        rows = db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.patient_id == patient_id)
            .order_by(AuditEvent.id)
        )
        return list(rows)


def patient_row(runtime: Runtime, patient_id: str) -> Patient:
    with runtime.db() as db:
        found = db.get(Patient, patient_id)
        assert found is not None
        return found
