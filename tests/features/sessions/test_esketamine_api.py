"""Clinic API v1, esketamine session records and the REMS: enrolment before the first dose, the
label's doses, blood pressure with a prescriber's decision and the clinic's hard stop, discharge
after 2 hours once sedation and dissociation resolved, versions, and the monitoring form queue."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from sqlalchemy import select

from tests.features.sessions.conftest import Api, book_history, enrol, esk, new_patient
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent, SafetyAlert, SessionRecord


def _fields(r) -> set[str]:  # type: ignore[no-untyped-def]
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    return {e["field"] for e in r.json()["errors"]}


def _session_status(api: Api, course_id: str, sid: str) -> str:
    course = api.get(f"/api/v1/courses/{course_id}").json()
    return next(s["status"] for s in course["sessions"] if s["id"] == sid)


def test_a_dose_recorded_whole_becomes_a_rems_form_due_in_seven_days(
    api: dict[str, Api], runtime: Runtime
) -> None:
    cora, nina = api["cora"], api["nina"]
    pid = new_patient(cora)
    sessions = book_history(cora, pid, "esketamine")
    enrol(nina, pid)
    first = sessions[0]
    r = nina.post(f"/api/v1/sessions/{first['id']}/record", esk(first))
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["version"], got["session_id"], got["dose_mg"]) == (1, first["id"], 56)
    records = nina.get(f"/api/v1/sessions/{first['id']}/records").json()["items"]
    assert [x["version"] for x in records] == [1]
    assert records[0]["phase"]["week"] == 1 and "Induction" in records[0]["phase"]["name"]

    due = nina.get("/api/v1/rems/monitoring-forms?status=due").json()["items"]
    assert [f["session_id"] for f in due] == [first["id"]]
    form = due[0]
    session_on = date.fromisoformat(form["session_on"])
    assert date.fromisoformat(form["due_on"]) == session_on + timedelta(days=7)
    assert form["overdue"] is True  # the session was ten weeks ago
    fields = form["form"]
    assert fields["patient_name"] == "Ana Diaz" and fields["patient_birth_date"] == "1980-02-03"
    assert (fields["dose_mg"], fields["device_lots"]) == (56, "LOT-A1, LOT-A2")
    assert (fields["bp_pre"], fields["bp_40min"], fields["bp_discharge"]) == (
        "128/82",
        "136/86",
        "126/80",
    )
    assert fields["total_monitoring_minutes"] == 125
    assert fields["concomitant_benzodiazepine"] is True and fields["concomitant_opioid"] is False
    assert fields["site"] and fields["monitoring_hcp"] == "Nina"

    text = nina.client.get("/api/v1/rems/monitoring-forms.csv", headers=nina.headers).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["session_id"] == first["id"] and rows[0]["bp_40min"] == "136/86"

    done = nina.post(f"/api/v1/rems/monitoring-forms/{first['id']}/submitted", {"reference": "F1"})
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert nina.get("/api/v1/rems/monitoring-forms").json()["items"] == []
    submitted = nina.get("/api/v1/rems/monitoring-forms?status=submitted").json()["items"]
    assert [(f["session_id"], f["reference"]) for f in submitted] == [(first["id"], "F1")]
    again = nina.post(f"/api/v1/rems/monitoring-forms/{first['id']}/submitted", {})
    assert _fields(again) == {"session_id"}
    with runtime.db() as db:
        actions = list(db.scalars(select(AuditEvent.action).where(AuditEvent.patient_id == pid)))
    assert {"rems.enrol", "session.record", "session.records.view", "rems.form.submit"} <= set(
        actions
    )


def test_each_refused_rule_names_its_field_and_stores_nothing(
    api: dict[str, Api], runtime: Runtime
) -> None:
    cora, nina, priya = api["cora"], api["nina"], api["priya"]
    pid = new_patient(cora)
    sessions = book_history(cora, pid, "esketamine")
    s1 = sessions[0]
    url = f"/api/v1/sessions/{s1['id']}/record"
    assert _fields(nina.post(url, esk(s1))) == {"rems_enrolment"}  # not enrolled
    enrol(nina, pid)
    assert _fields(nina.post(url, esk(s1, dose_mg=84))) == {"dose_mg"}  # 84 mg never first
    assert _fields(nina.post(url, esk(s1, dose_mg=50))) == {"dose_mg"}
    high = {"systolic": 150, "diastolic": 92}
    assert _fields(nina.post(url, esk(s1, bp_pre=high))) == {"prescriber_decision"}
    given = datetime.fromisoformat(esk(s1)["administered_at"])
    early = esk(s1, discharged_at=(given + timedelta(minutes=90)).isoformat())
    assert _fields(nina.post(url, early)) == {"discharged_at"}
    assert _fields(nina.post(url, esk(s1, sedation_resolved=False))) == {"sedation_resolved"}
    assert _fields(nina.post(url, esk(s1, dissociation_resolved=False))) == {
        "dissociation_resolved"
    }
    assert _fields(nina.post(url, esk(s1, bp_discharge=None))) == {"bp_discharge"}
    assert _fields(nina.post(url, esk(s1, dose_mg="lots", extra=1))) == {"dose_mg", "extra"}
    future = (datetime.fromisoformat(esk(s1)["administered_at"]) + timedelta(days=400)).isoformat()
    assert "administered_at" in _fields(nina.post(url, esk(s1, administered_at=future)))
    with runtime.db() as db:
        assert db.scalars(select(SessionRecord)).all() == []
    assert nina.get(f"/api/v1/sessions/{s1['id']}/records").json()["items"] == []
    assert nina.get("/api/v1/rems/monitoring-forms").json()["items"] == []

    decided = esk(s1, bp_pre=high, prescriber_decision={"proceed": True, "reason": "Rechecked"})
    stored = priya.post(url, decided)
    assert stored.status_code == 201
    assert stored.json()["prescriber_decision"]["prescriber"] == "Priya"  # who decided
    # 84 mg after a 56 mg start is the label's schedule.
    s2 = sessions[1]
    assert nina.post(f"/api/v1/sessions/{s2['id']}/record", esk(s2, dose_mg=84)).status_code == 201


def test_a_correction_is_a_new_version_with_a_reason(api: dict[str, Api]) -> None:
    cora, nina = api["cora"], api["nina"]
    pid = new_patient(cora)
    s1 = book_history(cora, pid, "esketamine")[0]
    enrol(nina, pid)
    url = f"/api/v1/sessions/{s1['id']}/record"
    assert nina.post(url, esk(s1)).status_code == 201
    assert _fields(nina.post(url, esk(s1, device_lots=["LOT-B"]))) == {"reason"}
    v2 = nina.post(url, {**esk(s1, device_lots=["LOT-B"]), "reason": "Wrong lot typed"})
    assert v2.status_code == 201 and v2.json()["version"] == 2
    items = nina.get(f"/api/v1/sessions/{s1['id']}/records").json()["items"]
    assert [(x["version"], x["device_lots"], x["reason"]) for x in items] == [
        (1, ["LOT-A1", "LOT-A2"], None),
        (2, ["LOT-B"], "Wrong lot typed"),
    ]
    form = nina.get("/api/v1/rems/monitoring-forms").json()["items"][0]
    assert form["record_version"] == 2 and form["form"]["device_lots"] == "LOT-B"


def test_roles_and_clinics(api: dict[str, Api]) -> None:
    cora = api["cora"]
    pid = new_patient(cora)
    s1 = book_history(cora, pid, "esketamine")[0]
    enrol(api["nina"], pid)
    url = f"/api/v1/sessions/{s1['id']}/record"
    assert api["ted"].post(url, esk(s1)).status_code == 403  # technicians record TMS only
    assert cora.post(url, esk(s1)).status_code == 403
    assert api["oscar"].post(url, esk(s1)).status_code == 404  # another clinic: not found
    assert api["oscar"].get(f"/api/v1/sessions/{s1['id']}/records").status_code == 404
    assert cora.get("/api/v1/rems/monitoring-forms").status_code == 403
    assert api["oscar"].get("/api/v1/rems/monitoring-forms").json()["items"] == []
    tms = {"kind": "tms", "coil": "figure8", "target": "left_dlpfc"}
    assert _fields(api["nina"].post(url, tms)) >= {"motor_threshold_pct"}
    assert api["nina"].client.post(url, json=[], headers=api["nina"].headers).status_code == 422


def test_the_clinic_hard_stop_refuses_a_dose_and_alerts_after_it(
    api: dict[str, Api], runtime: Runtime, hard_stop: None
) -> None:
    cora, nina = api["cora"], api["nina"]
    pid = new_patient(cora)
    s1 = book_history(cora, pid, "esketamine")[0]
    enrol(nina, pid)
    url = f"/api/v1/sessions/{s1['id']}/record"
    decision = {"proceed": True, "reason": "Benefit outweighs risk"}
    over = esk(s1, bp_pre={"systolic": 182, "diastolic": 100}, prescriber_decision=decision)
    assert _fields(api["priya"].post(url, over)) == {"bp_pre"}
    # A nurse records the prescriber's decision naming the prescriber.
    above = esk(s1, bp_pre={"systolic": 150, "diastolic": 92}, prescriber_decision=decision)
    assert _fields(nina.post(url, above)) == {"prescriber_decision.prescriber"}
    risen = esk(s1, bp_40min={"systolic": 190, "diastolic": 112}, respiratory_depression=True)
    assert _fields(nina.post(url, risen)) == {"respiratory_depression_resolved"}
    risen["respiratory_depression_resolved"] = True
    assert nina.post(url, risen).status_code == 201
    with runtime.db() as db:
        kinds = sorted(a.kind for a in db.scalars(select(SafetyAlert)))
    assert kinds == ["hypertension", "respiratory_depression"]
    # The same facts again in a correction raise nothing new.
    assert nina.post(url, {**risen, "reason": "typo in lot"}).status_code == 201
    with runtime.db() as db:
        assert len(db.scalars(select(SafetyAlert)).all()) == 2


def test_a_cancelled_session_cannot_be_recorded(api: dict[str, Api]) -> None:
    cora, nina = api["cora"], api["nina"]
    pid = new_patient(cora)
    s1, s2 = book_history(cora, pid, "esketamine")[:2]
    enrol(nina, pid)
    assert cora.post(f"/api/v1/sessions/{s2['id']}/cancel", {"reason": "ill"}).status_code == 200
    r = nina.post(f"/api/v1/sessions/{s2['id']}/record", esk(s2))
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "session"
    tms = {
        "kind": "tms",
        "coil": "figure8",
        "target": "left_dlpfc",
        "motor_threshold_pct": 50,
        "intensity_pct_mt": 120,
        "frequency_hz": 10,
        "pulses": 3000,
    }
    wrong = nina.post(f"/api/v1/sessions/{s1['id']}/record", tms)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "kind"


def test_two_records_at_once_store_one_version(api: dict[str, Api], runtime: Runtime) -> None:
    from concurrent.futures import ThreadPoolExecutor

    cora, nina, priya = api["cora"], api["nina"], api["priya"]
    pid = new_patient(cora)
    s1 = book_history(cora, pid, "esketamine")[0]
    enrol(nina, pid)
    url = f"/api/v1/sessions/{s1['id']}/record"
    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(lambda who: who.post(url, esk(s1)).status_code, [nina, priya]))
    assert codes[0] == 201 and codes[1] in (409, 422)  # never a server error
    with runtime.db() as db:
        rows = db.scalars(select(SessionRecord).where(SessionRecord.session_id == s1["id"]))
        assert [r.version for r in rows] == [1]
