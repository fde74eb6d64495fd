"""One person, one record: likely duplicates (normalized name + birth date, email, phone) on
conversion and on create, with "attach to existing"; a merge that moves every row that
references the duplicate, keeps both histories, is audited, and leaves a redirect behind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.cast import Member, make_request
from trdnav.features.records.duplicates import normal_email, normal_name, normal_phone
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import (
    AuditEvent,
    ConsultationRequest,
    ConsultationTriage,
    Diagnosis,
    MedicationTrial,
    Patient,
    RecordChange,
    ScreeningAnswer,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ana Díaz", "diaz, ana"),
        ("  José  O'Neil ", "Jose ONeil"),
        ("ANA-MARIA LOPEZ", "lopez ana maria"),
    ],
)
def test_names_normalize_alike(a: str, b: str) -> None:
    assert normal_name(a) == normal_name(b.replace("ONeil", "O Neil"))


@pytest.mark.parametrize(
    ("a", "b"),
    [("+1 (907) 555-0100", "907.555.0100"), ("+19075550100", "19075550100")],
)
def test_phones_normalize_alike(a: str, b: str) -> None:
    assert normal_phone(a) == normal_phone(b) != ""
    assert normal_email(" Ana@Example.ORG ") == "ana@example.org"


def _count(runtime: Runtime) -> int:
    with runtime.db() as s:
        return s.scalar(select(func.count()).select_from(Patient)) or 0


def test_conversion_offers_to_attach_to_the_existing_record(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    cora = cast["cora"]
    first = make_request(runtime)
    existing = cora.post(f"/workspace/consultations/{first}/convert").headers["location"]
    # The same person writes again, from another address but the same phone.
    second = make_request(runtime, name="Ana  DIAZ", email="ana.d@example.net")
    offer = cora.post(f"/workspace/consultations/{second}/convert")
    assert offer.status_code == 200 and "may already have a record" in offer.text
    assert "same phone" in offer.text and existing.rsplit("/", 1)[1] in offer.text
    assert _count(runtime) == 1  # nothing created yet
    pid = existing.rsplit("/", 1)[1]
    attached = cora.post(
        f"/workspace/consultations/{second}/convert", {"choice": "attach", "attach_to": pid}
    )
    assert attached.status_code == 303 and attached.headers["location"] == existing
    assert _count(runtime) == 1
    with runtime.db() as s:
        req = s.get(ConsultationRequest, second)
        triage = s.get(ConsultationTriage, second)
        assert req is not None and req.status == "converted"
        assert triage is not None and triage.patient_id == pid
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "inbox.attach")).one()
    # Another clinic's record cannot be the target.
    third = make_request(runtime, email="x@example.org")
    bad = cora.post(
        f"/workspace/consultations/{third}/convert", {"choice": "attach", "attach_to": "nope"}
    )
    assert bad.status_code == 422 and "choose a record of this clinic" in bad.text
    # "None of these" creates a new record.
    made = cora.post(f"/workspace/consultations/{third}/convert", {"choice": "new"})
    assert made.status_code == 303 and _count(runtime) == 2


def test_create_checks_name_and_birth_date_first(cast: dict[str, Member], runtime: Runtime) -> None:
    cora = cast["cora"]
    assert cora.get("/workspace/patients/new").status_code == 200
    person = {"name": "Ana Díaz", "date_of_birth": "1984-03-02"}
    first = cora.post("/workspace/patients/new", person)
    assert first.status_code == 303
    again = cora.post(
        "/workspace/patients/new", {"name": "DIAZ, Ana", "date_of_birth": "1984-03-02"}
    )
    assert again.status_code == 200 and "same name and date of birth" in again.text
    other_day = cora.post(
        "/workspace/patients/new", {"name": "Ana Diaz", "date_of_birth": "1990-01-01"}
    )
    assert other_day.status_code == 303  # same name, another birth date: another person
    open_it = cora.post(
        "/workspace/patients/new",
        {**person, "choice": "attach", "attach_to": first.headers["location"].rsplit("/", 1)[1]},
    )
    assert open_it.headers["location"] == first.headers["location"]
    bad = cora.post("/workspace/patients/new", {"name": "", "date_of_birth": "2999-01-01"})
    assert bad.status_code == 422 and "name" in bad.text
    assert _count(runtime) == 2
    assert cast["ted"].get("/workspace/patients/new").status_code == 403


def test_a_merge_moves_everything_and_keeps_both_histories(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    cora, nina = cast["cora"], cast["nina"]
    keep_url = cora.post(f"/workspace/consultations/{make_request(runtime)}/convert").headers[
        "location"
    ]
    dup_rid = make_request(runtime, name="Ana Diaz", email="ana.d@example.net")
    dup_url = cora.post(f"/workspace/consultations/{dup_rid}/convert", {"choice": "new"}).headers[
        "location"
    ]
    keep_id, dup_id = keep_url.rsplit("/", 1)[1], dup_url.rsplit("/", 1)[1]
    # Work done on the duplicate: a trial, a diagnosis, a confirmed answer, an MRN.
    assert nina.post(f"{dup_url}/trials", {"drug": "venlafaxine", "weeks": "8"}).status_code == 303
    assert nina.post(f"{dup_url}/diagnoses", {"code": "F33.2"}).status_code == 303
    key = "medical_history.cardiac_device"
    assert nina.post(f"{dup_url}/answers", {f"confirm.{key}": "no"}).status_code == 303
    with runtime.db.begin() as s:
        s.get_one(Patient, dup_id).mrn = "A-55"
    page = cora.get(keep_url).text
    assert "may have another record" in page and f"/workspace/patients/{keep_id}/merge" in page
    merge_page = cora.get(f"{keep_url}/merge")
    assert merge_page.status_code == 200 and "same phone" in merge_page.text
    no_reason = cora.post(f"{keep_url}/merge", {"duplicate_id": dup_id})
    assert no_reason.status_code == 422 and "same person" in no_reason.text
    itself = cora.post(f"{keep_url}/merge", {"duplicate_id": keep_id, "reason": "x"})
    assert itself.status_code == 422
    done = cora.post(f"{keep_url}/merge", {"duplicate_id": dup_id, "reason": "same person, called"})
    assert done.status_code == 303
    with runtime.db() as s:
        keep, dup = s.get_one(Patient, keep_id), s.get_one(Patient, dup_id)
        assert dup.merged_into_id == keep_id and dup.merged_at is not None and dup.mrn is None
        assert keep.mrn == "A-55"  # filled from the duplicate
        drugs = s.scalars(select(MedicationTrial.drug).where(MedicationTrial.patient_id == keep_id))
        assert "venlafaxine" in set(drugs) and "sertraline" in set(
            s.scalars(select(MedicationTrial.drug).where(MedicationTrial.patient_id == keep_id))
        )
        for model in (MedicationTrial, Diagnosis, ScreeningAnswer, RecordChange):
            left = s.scalar(
                select(func.count()).select_from(model).where(model.patient_id == dup_id)
            )
            assert left == 0, model.__name__
        answer = s.scalars(
            select(ScreeningAnswer).where(
                ScreeningAnswer.patient_id == keep_id, ScreeningAnswer.key == key
            )
        ).one()
        assert answer.confirmed is False  # the duplicate's confirmation completes the record
        triage = s.get_one(ConsultationTriage, dup_rid)
        assert triage.patient_id == keep_id
        merges = s.scalars(select(AuditEvent).where(AuditEvent.action == "patient.merge")).all()
        assert {e.patient_id for e in merges} == {keep_id, dup_id}
        # The duplicate's own audit history still finds it by its id.
        assert s.scalars(select(AuditEvent).where(AuditEvent.patient_id == dup_id)).first()
    # Old links redirect; the list shows one record; nothing can be written to the stub.
    followed = cora.get(dup_url)
    assert followed.status_code == 303 and followed.headers["location"] == keep_url
    assert cora.get("/workspace/patients").text.count(">Ana Diaz<") == 1
    history = cora.get(keep_url).text
    assert "Records merged" in history and "same person, called" in history
    assert "may have another record" not in history
    assert cast["oscar"].post(f"{keep_url}/merge", {"duplicate_id": dup_id}).status_code == 404
    assert cast["ted"].get(f"{keep_url}/merge").status_code == 403
