"""Editing without losing work: only changed fields saved, corrections with history (who, when,
why), trials corrected or removed, confirmed answers cleared, and concurrent saves detected by
the version column (the second save gets a 409 page with both values) on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from tests.cast import Member, make_request, now
from trdnav.features.records import edits
from trdnav.platform.access import Actor
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import (
    AuditEvent,
    MedicationTrial,
    Patient,
    RecordChange,
    ScreeningAnswer,
)


@pytest.fixture
def patient_url(cast: dict[str, Member], runtime: Runtime) -> str:
    rid = make_request(runtime)
    return str(cast["cora"].post(f"/workspace/consultations/{rid}/convert").headers["location"])


def _patient(runtime: Runtime) -> Patient:
    with runtime.db() as s:
        return s.scalars(select(Patient)).one()


def _changes(runtime: Runtime) -> list[RecordChange]:
    with runtime.db() as s:
        return list(s.scalars(select(RecordChange).order_by(RecordChange.id)))


def _form(patient: Patient, **changes: str) -> dict[str, str]:
    """The demographics form as the page shows it for this patient, with some fields edited."""
    data = {f: str(getattr(patient, f) or "") for f in edits.FIELDS}
    data["version"] = str(patient.version)
    return {**data, **changes}


def test_only_changed_fields_are_saved_and_kept_in_history(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    before = _patient(runtime)
    assert before.phone == "+19075550100"
    saved = cast["cora"].post(
        f"{patient_url}/demographics", _form(before, phone="+19075550199", mrn="A-1001")
    )
    assert saved.status_code == 303
    after = _patient(runtime)
    assert (
        after.version == before.version + 1
        and after.phone == "+19075550199"
        and after.mrn == "A-1001"
    )
    assert after.email == before.email and after.name == before.name
    (change,) = _changes(runtime)
    assert change.kind == "demographics" and change.changed_by == cast["cora"].user_id
    assert change.before == {"phone": "+19075550100", "mrn": None}
    assert change.after == {"phone": "+19075550199", "mrn": "A-1001"}
    with runtime.db() as s:
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "patient.update_demographics")
        ).one()
    # The audit trail names the fields, never their values.
    assert json.loads(event.detail) == {"fields": ["mrn", "phone"]}
    assert "+19075550199" not in event.detail
    page = cast["nina"].get(patient_url)
    assert "Corrections history" in page.text and "+19075550199" in page.text
    # Saving the same values again changes nothing and keeps no empty history entry.
    again = cast["cora"].post(f"{patient_url}/demographics", _form(_patient(runtime)))
    assert again.status_code == 303 and len(_changes(runtime)) == 1


def test_the_second_of_two_saves_gets_a_conflict_with_both_values(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    # Cora and Nina open the same record (version 1) in their own browsers.
    opened = _patient(runtime)
    assert f'name="version" value="{opened.version}"' in cast["nina"].get(patient_url).text
    first = cast["cora"].post(f"{patient_url}/demographics", _form(opened, phone="+19075550111"))
    assert first.status_code == 303
    second = cast["nina"].post(
        f"{patient_url}/demographics", _form(opened, email="ana.diaz@example.org")
    )
    assert second.status_code == 409
    page = second.text
    assert "Someone else saved this record" in page and "Cora saved" in page
    # Both values of each differing field: Nina's (not saved) and the saved one.
    assert "ana@example.org" in page and "ana.diaz@example.org" in page
    assert "+19075550100" in page and "+19075550111" in page
    assert _patient(runtime).email == "ana@example.org"  # nothing of the second save written
    # Nina keeps her email but takes Cora's phone: she saves again from the fresh version.
    fresh = _patient(runtime)
    assert fresh.version == opened.version + 1
    assert f'name="version" value="{fresh.version}"' in page
    resolved = cast["nina"].post(
        f"{patient_url}/demographics", _form(fresh, email="ana.diaz@example.org")
    )
    assert resolved.status_code == 303
    final = _patient(runtime)
    assert final.email == "ana.diaz@example.org" and final.phone == "+19075550111"


def test_two_units_of_work_racing_cannot_both_win(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    """The UPDATE itself carries WHERE version = ..., so a save from a unit of work that read
    the record before another committed is refused even when the form's version matched."""
    nina = cast["nina"]
    actor = Actor(nina.user_id, nina.email, "Nina", "nurse", runtime.clinic_id, 0)
    with runtime.db() as slow:
        stale = slow.scalars(select(Patient)).one()
        data: dict[str, Any] = _form(stale, phone="+19075550122")
        read_at = stale.version
        slow.commit()  # end the read; `stale` keeps version 1 in memory
        with runtime.db.begin() as fast:
            quick = fast.get(Patient, stale.id)
            assert quick is not None
            edits.update_demographics(fast, actor, quick, _form(quick, phone="+19075550133"), now())
        with pytest.raises(edits.Conflict) as conflict:
            edits.update_demographics(slow, actor, stale, data, now())
        slow.rollback()
    assert conflict.value.version == read_at + 1
    assert [(d.field, d.yours, d.theirs) for d in conflict.value.fields] == [
        ("phone", "+19075550122", "+19075550133")
    ]
    assert _patient(runtime).phone == "+19075550133"


def test_mrn_is_unique_per_clinic(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    cora = cast["cora"]
    other = make_request(runtime, name="Ben Ode", email="ben@example.org", phone="+19075550999")
    other_url = cora.post(f"/workspace/consultations/{other}/convert").headers["location"]
    with runtime.db() as s:
        first, second = (s.get(Patient, u.rsplit("/", 1)[1]) for u in (patient_url, other_url))
    assert first is not None and second is not None
    assert cora.post(f"{patient_url}/demographics", _form(first, mrn="A-7")).status_code == 303
    taken = cora.post(f"{other_url}/demographics", _form(second, mrn="A-7"))
    assert taken.status_code == 422 and "already the MRN of another record" in taken.text
    bad = cora.post(f"{other_url}/demographics", _form(second, mrn="A 7 <b>"))
    assert bad.status_code == 422 and "letters, digits" in bad.text
    missing = cora.post(f"{other_url}/demographics", {"name": "Ben Ode"})
    assert missing.status_code == 422 and "reload the record" in missing.text


def _trial_id(runtime: Runtime, drug: str) -> int:
    with runtime.db() as s:
        return s.scalars(select(MedicationTrial.id).where(MedicationTrial.drug == drug)).one()


def test_a_trial_is_corrected_with_a_reason_and_history(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    nina = cast["nina"]
    tid = _trial_id(runtime, "sertraline")
    url = f"{patient_url}/trials/{tid}"
    page = nina.get(url)
    assert page.status_code == 200 and "Correct or remove the sertraline trial" in page.text
    assert cast["cora"].get(url).status_code == 403  # trials are clinical
    form = {"version": "1", "drug": "sertraline", "dose": "200 mg/day", "weeks": "8"}
    form["outcome"] = "no_response"  # as the form shows it
    no_reason = nina.post(url, form)
    assert no_reason.status_code == 422 and "say why" in no_reason.text
    assert 'value="200 mg/day"' in no_reason.text  # what was typed is not lost
    done = nina.post(url, {**form, "reason": "dose confirmed with the pharmacy"})
    assert done.status_code == 303
    with runtime.db() as s:
        trial = s.get(MedicationTrial, tid)
        assert trial is not None and trial.dose == "200 mg/day" and trial.weeks == 8
        assert trial.version == 2
    (change,) = _changes(runtime)
    assert change.kind == "trial" and change.action == "correct"
    assert change.reason == "dose confirmed with the pharmacy"
    assert change.before == {"dose": None, "weeks": None} and change.after["weeks"] == 8
    # A second correction from the form read at version 1 conflicts.
    stale = nina.post(url, {**form, "weeks": "10", "reason": "typo"})
    assert stale.status_code == 409 and "Weeks at that dose" in stale.text
    page = nina.get(patient_url)
    assert "dose confirmed with the pharmacy" in page.text and "Nina" in page.text


def test_a_trial_is_removed_and_the_history_keeps_it(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    nina = cast["nina"]
    tid = _trial_id(runtime, "bupropion")
    url = f"{patient_url}/trials/{tid}/remove"
    refused = nina.post(url, {})
    assert refused.status_code == 422 and "say why" in refused.text
    assert nina.post(url, {"reason": "entered on the wrong record"}).status_code == 303
    with runtime.db() as s:
        assert s.get(MedicationTrial, tid) is None
    (change,) = _changes(runtime)
    assert change.action == "remove" and change.before["drug"] == "bupropion"
    assert change.reason == "entered on the wrong record"
    page = nina.get(patient_url)
    assert "Medication trial bupropion" in page.text and "entered on the wrong record" in page.text
    assert nina.get(f"{patient_url}/trials/{tid}").status_code == 404


def test_a_confirmed_answer_is_cleared_back_to_unknown(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    nina = cast["nina"]
    key = "medical_history.cardiac_device"
    assert nina.post(f"{patient_url}/answers", {f"confirm.{key}": "yes"}).status_code == 303
    assert nina.post(f"{patient_url}/answers", {f"confirm.{key}": "no"}).status_code == 303
    no_reason = nina.post(f"{patient_url}/answers/clear", {"key": key})
    assert no_reason.status_code == 422 and "say why" in no_reason.text
    unknown = nina.post(f"{patient_url}/answers/clear", {"key": "age.x", "reason": "x"})
    assert unknown.status_code == 422 and "not a screening answer" in unknown.text
    cleared = nina.post(
        f"{patient_url}/answers/clear", {"key": key, "reason": "confirmed with the wrong person"}
    )
    assert cleared.status_code == 303
    with runtime.db() as s:
        row = s.scalars(select(ScreeningAnswer).where(ScreeningAnswer.key == key)).one()
        assert row.confirmed is None and row.confirmed_by is None
    corrected, cleared_change = _changes(runtime)
    assert corrected.action == "correct" and corrected.before == {"confirmed": True}
    assert cleared_change.action == "clear" and cleared_change.before["confirmed"] is False
    again = nina.post(f"{patient_url}/answers/clear", {"key": key, "reason": "again"})
    assert again.status_code == 422 and "no confirmed answer" in again.text


def test_the_chart_fields_are_saved_and_shown(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    chart = {
        "mrn": "TMS-00042",
        "insurer": "Aetna",
        "insurance_member_id": "W123456789",
        "referring_clinician": "Dr. Lee, Anchorage Family Medicine",
        "pharmacy": "Midtown Pharmacy, +1 907 555 0177",
        "emergency_contact": "Luis Diaz (brother) +1 907 555 0123",
        "preferred_language": "Spanish",
    }
    saved = cast["cora"].post(f"{patient_url}/demographics", _form(_patient(runtime), **chart))
    assert saved.status_code == 303
    patient = _patient(runtime)
    assert {f: getattr(patient, f) for f in chart} == chart
    page = cast["ted"].get(patient_url).text  # technicians read the chart, without the form
    assert 'name="mrn"' not in page
    for value in chart.values():
        assert value in page
