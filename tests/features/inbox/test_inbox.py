"""Consultation inbox: list, filter, search, statuses, assignment, notes and conversion."""

from __future__ import annotations

from sqlalchemy import select

from tests.cast import Member, make_request, now
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import (
    Administration,
    ConsultationRequest,
    Diagnosis,
    MedicationTrial,
    Patient,
    ScreeningAnswer,
)


def test_inbox_lists_filters_and_searches_own_clinic_only(
    cast: dict[str, Member], runtime: Runtime, clinic_b: int
) -> None:
    make_request(runtime, name="Ana Diaz")
    make_request(runtime, name="Ben Okafor", email="ben@example.org")
    make_request(runtime, clinic_id=clinic_b, name="Zed Outside")
    cora = cast["cora"]
    page = cora.get("/workspace/consultations")
    assert page.status_code == 200
    assert "Ana Diaz" in page.text and "Ben Okafor" in page.text
    assert "Zed Outside" not in page.text
    assert page.headers["cache-control"] == "no-store"
    found = cora.post("/workspace/consultations", {"q": "okafor"})
    assert found.status_code == 200
    assert "Ben Okafor" in found.text and "Ana Diaz" not in found.text
    outsider = cast["oscar"].get("/workspace/consultations")
    assert "Zed Outside" in outsider.text and "Ana Diaz" not in outsider.text
    contacted = cora.get("/workspace/consultations?status=contacted")
    assert "Ana Diaz" not in contacted.text


def test_status_assignment_and_notes(cast: dict[str, Member], runtime: Runtime) -> None:
    rid = make_request(runtime)
    cora, priya = cast["cora"], cast["priya"]
    url = f"/workspace/consultations/{rid}"
    assert cora.post(f"{url}/status", {"status": "contacted"}).status_code == 303
    bad = cora.post(f"{url}/status", {"status": "new"})
    assert bad.status_code == 422 and "cannot go from contacted to new" in bad.text
    assert cora.post(f"{url}/assign", {"assigned_user_id": str(priya.user_id)}).status_code == 303
    outsider_id = str(cast["oscar"].user_id)
    refused = cora.post(f"{url}/assign", {"assigned_user_id": outsider_id})
    assert refused.status_code == 422 and "not a member of this clinic" in refused.text
    empty = cora.post(f"{url}/notes", {"body": "  "})
    assert empty.status_code == 422 and "Write the note first" in empty.text
    assert cora.post(f"{url}/notes", {"body": "Left a voicemail."}).status_code == 303
    page = cora.get(url)
    assert "Left a voicemail." in page.text
    assert "Contacted" in page.text
    mine = priya.get("/workspace/consultations?mine=1")
    assert "Ana Diaz" in mine.text


def test_detail_shows_answers_and_engine_results(cast: dict[str, Member], runtime: Runtime) -> None:
    rid = make_request(runtime)
    page = cast["cora"].get(f"/workspace/consultations/{rid}")
    assert page.status_code == 200
    assert "sertraline" in page.text
    assert "Candidacy per option" in page.text
    assert "meets the TRD definition" in page.text


def test_convert_creates_patient_without_retyping(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    rid = make_request(runtime)
    response = cast["cora"].post(f"/workspace/consultations/{rid}/convert")
    assert response.status_code == 303
    patient_url = response.headers["location"]
    assert patient_url.startswith("/workspace/patients/")
    with runtime.db() as s:
        req = s.get(ConsultationRequest, rid)
        assert req is not None and req.status == "converted"
        patient = s.scalars(select(Patient)).one()
        assert (patient.name, patient.email, patient.phone) == (
            "Ana Diaz",
            "ana@example.org",
            "+19075550100",
        )
        phq9 = s.scalars(select(Administration).where(Administration.patient_id == patient.id))
        assert [(a.instrument, a.total, a.source) for a in phq9] == [("phq9", 15, "reported")]
        age = s.scalars(select(ScreeningAnswer).where(ScreeningAnswer.key == "age")).one()
        assert age.reported == 42
        codes = s.scalars(select(Diagnosis.code).where(Diagnosis.patient_id == patient.id)).all()
        assert codes == ["F32.A"]
        drugs = s.scalars(select(MedicationTrial.drug)).all()
        assert drugs == ["sertraline", "bupropion"]
        seizure = s.scalars(
            select(ScreeningAnswer).where(ScreeningAnswer.key == "medical_history.seizure_history")
        ).one()
        assert seizure.reported is False and seizure.confirmed is None
        unknown = s.scalars(
            select(ScreeningAnswer).where(ScreeningAnswer.key == "medical_history.cardiac_device")
        ).one()
        assert unknown.reported is None
    again = cast["cora"].post(f"/workspace/consultations/{rid}/convert")
    assert again.status_code == 422 and "already converted" in again.text
    page = cast["priya"].get(patient_url)
    assert page.status_code == 200 and "Ana Diaz" in page.text


def test_two_staff_converting_at_once_make_one_record(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    import threading

    from trdnav.features.inbox import service as inbox
    from trdnav.platform.access import Actor
    from trdnav.storage.models import ConsultationTriage

    rid = make_request(runtime)
    outcomes: list[str] = []

    def convert(member: Member) -> None:
        actor = Actor(
            member.user_id,
            member.email,
            member.name,
            member.role,
            runtime.clinic_id,
            0,
            "127.0.0.1",
        )
        with runtime.db() as s:
            req = s.get(ConsultationRequest, rid)
            assert req is not None
            try:
                inbox.convert(s, actor, req, now())
                s.commit()
                outcomes.append("converted")
            except inbox.InboxError:
                s.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=convert, args=(cast[n],)) for n in ("cora", "priya")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["converted", "refused"]
    with runtime.db() as s:
        assert len(s.scalars(select(Patient)).all()) == 1
        triage = s.get(ConsultationTriage, rid)
        assert triage is not None and triage.patient_id is not None
