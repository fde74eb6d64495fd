"""Patient record: demographics, ICD-10-CM diagnoses, trials with adequacy, reported vs
confirmed answers, baseline PHQ-9, the assessment re-run and candidacy decisions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.cast import Member, make_request
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import (
    Administration,
    AuditEvent,
    CandidacyDecision,
    MedicationTrial,
    Patient,
    ScreeningAnswer,
)


@pytest.fixture
def patient_url(cast: dict[str, Member], runtime: Runtime) -> str:
    rid = make_request(runtime)
    return str(cast["cora"].post(f"/workspace/consultations/{rid}/convert").headers["location"])


def _patient(runtime: Runtime) -> Patient:
    with runtime.db() as s:
        return s.scalars(select(Patient)).one()


def test_record_page_shows_reported_beside_confirmed(
    cast: dict[str, Member], patient_url: str
) -> None:
    page = cast["nina"].get(patient_url)
    assert page.status_code == 200
    for text in (
        "Health history: patient-reported and clinician-confirmed",
        "F32.A",
        "Depression, unspecified",
        "sertraline",
        "Latest total <strong>15</strong> (patient-reported",
        "Engine candidacy and the prescriber",
    ):
        assert text in page.text


def test_demographics_validation_names_the_field(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    cora = cast["cora"]
    version = _patient(runtime).version
    bad = cora.post(
        f"{patient_url}/demographics",
        {"version": str(version), "name": "Ana Diaz", "date_of_birth": "1980-13-01"},
    )
    assert bad.status_code == 422 and "date of birth" in bad.text
    ok = cora.post(
        f"{patient_url}/demographics",
        {
            "version": str(version),
            "name": "Ana M. Diaz",
            "date_of_birth": "1984-03-02",
            "sex_at_birth": "female",
            "email": "ana@example.org",
            "phone": "+19075550100",
            "address": "1 Main St",
        },
    )
    assert ok.status_code == 303
    patient = _patient(runtime)
    assert patient.name == "Ana M. Diaz" and str(patient.date_of_birth) == "1984-03-02"


def test_diagnosis_codes_are_validated(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    nina = cast["nina"]
    bad = nina.post(f"{patient_url}/diagnoses", {"code": "Z99.9"})
    assert bad.status_code == 422 and "accepted ICD-10-CM codes" in bad.text
    assert nina.post(f"{patient_url}/diagnoses", {"code": "f33.1"}).status_code == 303
    page = nina.get(patient_url)
    assert "F33.1" in page.text and "Major depressive disorder, recurrent, moderate" in page.text


@pytest.mark.parametrize(
    ("form", "adequate"),
    [
        ({"therapeutic_dose": "yes", "weeks": "8", "adherence": "good"}, True),
        ({"therapeutic_dose": "yes", "weeks": "4", "adherence": "good"}, False),
        ({"therapeutic_dose": "no", "weeks": "10", "adherence": "good"}, False),
        ({"therapeutic_dose": "yes", "weeks": "12", "adherence": "poor"}, False),
        ({"therapeutic_dose": "unknown", "weeks": "8"}, None),
        ({"therapeutic_dose": "yes"}, None),
    ],
)
def test_trial_adequacy(
    cast: dict[str, Member],
    patient_url: str,
    runtime: Runtime,
    form: dict[str, str],
    adequate: bool | None,
) -> None:
    from trdnav.features.records.service import trial_adequate

    data = {"drug": "escitalopram", "dose": "20 mg/day", "outcome": "no_response", **form}
    assert cast["priya"].post(f"{patient_url}/trials", data).status_code == 303
    with runtime.db() as s:
        trial = s.scalars(
            select(MedicationTrial).where(MedicationTrial.drug == "escitalopram")
        ).one()
        assert trial_adequate(trial) is adequate


def test_trial_validation(cast: dict[str, Member], patient_url: str) -> None:
    bad = cast["nina"].post(f"{patient_url}/trials", {"drug": "x", "weeks": "many"})
    assert bad.status_code == 422 and "whole number" in bad.text
    missing = cast["nina"].post(f"{patient_url}/trials", {"weeks": "6"})
    assert missing.status_code == 422 and "drug" in missing.text


def test_confirmed_answers_drive_the_rerun(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    nina = cast["nina"]
    before = nina.get(patient_url).text
    assert "Whether there is a pacemaker, ICD or wearable defibrillator is not known" in before
    bad = nina.post(f"{patient_url}/answers", {"confirm.medical_history.cardiac_device": "maybe"})
    assert bad.status_code == 422 and "confirm.medical_history.cardiac_device" in bad.text
    ok = nina.post(
        f"{patient_url}/answers",
        {"confirm.medical_history.cardiac_device": "yes", "confirm.age": "43"},
    )
    assert ok.status_code == 303
    with runtime.db() as s:
        row = s.scalars(
            select(ScreeningAnswer).where(ScreeningAnswer.key == "medical_history.cardiac_device")
        ).one()
        assert (row.reported, row.confirmed, row.confirmed_by) == (None, True, nina.user_id)
    after = nina.get(patient_url).text
    assert "heart signals (pacemaker, ICD, wearable defibrillator)" in after


def test_a_clinician_phq9_is_an_administration(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    nina = cast["nina"]
    partial = nina.post(f"{patient_url}/phq9", {"item1": "2"})
    assert partial.status_code == 422 and "all 9 items" in partial.text
    items = {f"item{i}": "3" for i in range(1, 10)}
    assert nina.post(f"{patient_url}/phq9", items).status_code == 303
    patient = _patient(runtime)
    with runtime.db() as db:
        rows = db.scalars(
            select(Administration)
            .where(Administration.patient_id == patient.id)
            .order_by(Administration.id)
        ).all()
    # The patient-reported score from the request stays; the clinician's is the newest.
    assert [(r.source, r.total) for r in rows] == [("reported", 15), ("clinician", 27)]
    assert rows[-1].entered_by == nina.user_id and rows[-1].administered_at is not None
    page = nina.get(patient_url).text
    assert "Latest total <strong>27</strong> (clinician-administered" in page


def test_override_needs_a_reason_and_is_audited(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    priya = cast["priya"]
    priya.post(f"{patient_url}/answers", {"confirm.medical_history.cardiac_device": "yes"})
    agree = priya.post(
        f"{patient_url}/candidacy", {"option_id": "rtms", "decision": "contraindicated"}
    )
    assert agree.status_code == 303
    refused = priya.post(f"{patient_url}/candidacy", {"option_id": "rtms", "decision": "eligible"})
    assert refused.status_code == 422 and "required to override" in refused.text
    done = priya.post(
        f"{patient_url}/candidacy",
        {
            "option_id": "rtms",
            "decision": "eligible",
            "reason": "Cardiologist confirmed the device was explanted in 2024.",
        },
    )
    assert done.status_code == 303
    with runtime.db() as s:
        rows = list(s.scalars(select(CandidacyDecision).order_by(CandidacyDecision.id)))
        assert [(r.decision, r.overrides_engine) for r in rows] == [
            ("contraindicated", False),
            ("eligible", True),
        ]
        assert rows[1].engine_candidacy == "contraindicated"
        events = list(
            s.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith("candidacy.")))
        )
        assert events == ["candidacy.decide", "candidacy.override"]
    page = priya.get(patient_url).text
    assert "overrides engine" in page and "explanted in 2024" in page


def test_patient_search_is_a_post(cast: dict[str, Member], patient_url: str) -> None:
    found = cast["ted"].post("/workspace/patients", {"q": "diaz"})
    assert found.status_code == 200 and "Ana Diaz" in found.text
    none = cast["ted"].post("/workspace/patients", {"q": "nobody"})
    assert "Ana Diaz" not in none.text
