"""FHIR R4 export: `$everything` validates with fhir.resources' R4B models, carries the LOINC,
ICD-10-CM and CPT codes of the contract, every reference resolves inside the Bundle; bulk NDJSON
per type; the same token, access rules and audit as every other read."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import event, select, update

from tests.cast import Member
from tests.features.courses.conftest import Api, new_patient
from tests.features.sessions.conftest import enrol, esk
from tests.features.sessions.test_ketamine import ivk
from tests.features.sessions.test_tms import tms
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent, CourseSession, Patient, SessionRecord

CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"


def _history(api: Api, patient: str, option: str, days_ago: int = 20) -> dict[str, Any]:
    """A course of `option` that started `days_ago` days ago (booked as history)."""
    start = (datetime.now(UTC) - timedelta(days=days_ago)).date()
    r = api.post(
        f"/api/v1/patients/{patient}/courses",
        {"option": option, "start_on": start.isoformat(), "preferred_time": "10:00"},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _record(api: Api, session: dict[str, Any], body: dict[str, Any]) -> None:
    r = api.post(f"/api/v1/sessions/{session['id']}/record", body)
    assert r.status_code == 201, r.text


def _procedures(api: Api, patient: str) -> dict[str, dict[str, Any]]:
    """The patient's Procedures by session id, each validated as an R4B Procedure."""
    r = api.get(f"/fhir/R4/Patient/{patient}/$everything")
    assert r.status_code == 200
    Bundle.model_validate(r.json())
    model = get_fhir_model_class("Procedure")
    out = {}
    for entry in r.json()["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Procedure":
            model.model_validate(resource)
            out[resource["id"].removeprefix("session-")] = resource
    return out


def _setup(
    api: dict[str, Api], cast: dict[str, Member], patient: str, runtime: Runtime
) -> dict[str, Any]:
    assert (
        cast["nina"].post(f"/workspace/patients/{patient}/diagnoses", {"code": "F33.1"}).status_code
        == 303
    )
    course = _history(api["cora"], patient, "rtms")
    for session in course["sessions"][:2]:  # recorded by the technician: delivered
        _record(api["ted"], session, tms(session))
    first, second = course["sessions"][0]["id"], course["sessions"][1]["id"]
    at = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    for instrument, answers in [
        ("phq9", [3, 3, 2, 2, 2, 2, 2, 2, 1]),
        ("gad7", [1, 2, 1, 1, 0, 1, 3]),
    ]:
        r = api["nina"].post(
            f"/api/v1/patients/{patient}/administrations",
            {
                "instrument": instrument,
                "answers": answers,
                "administered_at": at,
                "course_id": course["id"],
            },
        )
        assert r.status_code == 201
    return {"course": course, "delivered": [first, second]}


def _codes(resource: dict[str, Any]) -> set[str]:
    return {c["code"] for c in resource.get("code", {}).get("coding", [])}


def test_everything_validates_and_references_resolve(
    api: dict[str, Api], cast: dict[str, Member], patient: str, runtime: Runtime
) -> None:
    made = _setup(api, cast, patient, runtime)
    r = api["nina"].get(f"/fhir/R4/Patient/{patient}/$everything")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/fhir+json")
    body = r.json()
    bundle = Bundle.model_validate(body)  # raises on anything R4B does not allow
    assert bundle.type == "searchset"
    resources = [e["resource"] for e in body["entry"]]
    by_ref = {f"{x['resourceType']}/{x['id']}": x for x in resources}
    for entry in body["entry"]:
        assert entry["fullUrl"].endswith(
            f"/fhir/R4/{entry['resource']['resourceType']}/{entry['resource']['id']}"
        )

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["reference"]] if "reference" in node else []
            return found + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    dangling = [ref for ref in refs(resources) if ref not in by_ref]
    assert dangling == []
    kinds = [x["resourceType"] for x in resources]
    assert kinds.count("Patient") == 1 and kinds.count("QuestionnaireResponse") == 2
    (condition,) = [x for x in resources if x["resourceType"] == "Condition"]
    assert condition["code"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10-cm",
        "code": "F33.1",
        "display": condition["code"]["coding"][0]["display"],
    }
    observations = {
        next(iter(_codes(x))): x for x in resources if x["resourceType"] == "Observation"
    }
    assert set(observations) == {"44249-1", "44261-6", "44260-8", "69737-5", "70274-6"}
    assert observations["44261-6"]["valueQuantity"]["value"] == 19
    assert observations["44260-8"]["valueInteger"] == 1
    assert observations["70274-6"]["valueQuantity"]["value"] == 9
    panel = observations["44249-1"]
    assert {m["reference"] for m in panel["hasMember"]} == {
        f"Observation/{observations['44261-6']['id']}",
        f"Observation/{observations['44260-8']['id']}",
    }
    qr = by_ref[panel["derivedFrom"][0]["reference"]]
    assert qr["resourceType"] == "QuestionnaireResponse" and len(qr["item"]) == 9
    assert qr["item"][8]["answer"] == [{"valueInteger": 1}]
    procedures = sorted(
        (x for x in resources if x["resourceType"] == "Procedure"),
        key=lambda x: x["performedDateTime"],
    )
    assert [p["id"] for p in procedures] == [f"session-{s}" for s in made["delivered"]]
    assert [next(iter(_codes(p))) for p in procedures] == ["90867", "90868"]
    with runtime.db() as db:
        events = list(db.scalars(select(AuditEvent).where(AuditEvent.action == "fhir.everything")))
    assert [e.patient_id for e in events] == [patient]


def test_who_may_export(api: dict[str, Api], patient: str) -> None:
    url = f"/fhir/R4/Patient/{patient}/$everything"
    assert api["priya"].get(url).status_code == 200
    assert api["cora"].get(url).status_code == 403
    assert api["ted"].get(url).status_code == 403
    assert api["oscar"].get(url).status_code == 404  # another clinic's patient
    assert api["nina"].get("/fhir/R4/Patient/nobody/$everything").status_code == 404
    assert api["nina"].client.get(url).status_code == 401
    assert api["cora"].get("/fhir/R4/$export/Observation.ndjson").status_code == 403


def test_bulk_ndjson_per_type(
    api: dict[str, Api], cast: dict[str, Member], patient: str, runtime: Runtime
) -> None:
    _setup(api, cast, patient, runtime)
    counts = {}
    for kind in ("Patient", "Condition", "QuestionnaireResponse", "Observation", "Procedure"):
        r = api["nina"].get(f"/fhir/R4/$export/{kind}.ndjson")
        assert r.status_code == 200 and r.headers["content-type"].startswith(
            "application/fhir+ndjson"
        )
        lines = r.text.splitlines()
        model = get_fhir_model_class(kind)
        for line in lines:
            assert model.model_validate(json.loads(line)).get_resource_type() == kind
        counts[kind] = len(lines)
    assert counts == {
        "Patient": 1,
        "Condition": 1,
        "QuestionnaireResponse": 2,
        "Observation": 5,
        "Procedure": 2,
    }
    assert api["oscar"].get("/fhir/R4/$export/Patient.ndjson").text == ""  # clinic B: nothing of A
    assert api["nina"].get("/fhir/R4/$export/Secret.ndjson").status_code == 404


def test_tms_procedures_carry_the_billing_codes(
    api: dict[str, Api], patient: str, runtime: Runtime
) -> None:
    """First session 90867, a motor-threshold re-determination 90869 that day, else 90868; the
    time is the record's; booked sessions are no Procedures."""
    s = _history(api["cora"], patient, "rtms")["sessions"]
    _record(api["ted"], s[0], tms(s[0]))
    _record(api["ted"], s[1], tms(s[1]))
    _record(api["ted"], s[2], tms(s[2], mt_measured=True, mt_method="emg"))
    procedures = _procedures(api["nina"], patient)
    assert set(procedures) == {s[0]["id"], s[1]["id"], s[2]["id"]}
    codings = {sid: p["code"]["coding"] for sid, p in procedures.items()}
    assert [[(c["system"], c["code"]) for c in codings[x["id"]]] for x in s[:3]] == [
        [(CPT, "90867")],
        [(CPT, "90868")],
        [(CPT, "90869")],
    ]
    assert "motor threshold re-determination" in codings[s[2]["id"]][0]["display"]
    with runtime.db() as db:
        delivered = {r.session_id: r.delivered_at for r in db.scalars(select(SessionRecord))}
    for sid, p in procedures.items():
        assert p["status"] == "completed" and p["subject"] == {"reference": f"Patient/{patient}"}
        assert datetime.fromisoformat(p["performedDateTime"]) == delivered[sid]


def test_esketamine_and_ketamine_procedures(api: dict[str, Api], runtime: Runtime) -> None:
    """84 mg of esketamine is G2083 with J0013 x 84 used; 56 mg G2082; the period runs from the
    dose to discharge. IV ketamine has no code in our data: text only, saying so; a session
    marked delivered without a record keeps its booked time and says why it has no code."""
    cora, nina = api["cora"], api["nina"]
    pid = new_patient(cora, "Eve", "Esk")
    with runtime.db.begin() as db:
        db.execute(update(Patient).where(Patient.id == pid).values(insurance={"plan": "medicare"}))
    enrol(nina, pid)
    e = _history(cora, pid, "esketamine")["sessions"]
    _record(nina, e[0], esk(e[0]))
    _record(nina, e[1], esk(e[1], dose_mg=84))
    k = _history(cora, pid, "iv_ketamine", days_ago=40)["sessions"]
    _record(nina, k[0], ivk(k[0]))
    with runtime.db.begin() as db:  # delivered without a record (data from before issue 9)
        db.execute(
            update(CourseSession).where(CourseSession.id == k[1]["id"]).values(status="delivered")
        )
    procedures = _procedures(nina, pid)
    assert set(procedures) == {e[0]["id"], e[1]["id"], k[0]["id"], k[1]["id"]}

    high = procedures[e[1]["id"]]
    assert [(c["system"], c["code"]) for c in high["code"]["coding"]] == [(HCPCS, "G2083")]
    assert high["usedCode"] == [
        {
            "coding": [
                {"system": HCPCS, "code": "J0013", "display": "Esketamine nasal spray, 1 mg"}
            ],
            "text": "Esketamine nasal spray, 1 mg, 84 units",
        }
    ]
    low = procedures[e[0]["id"]]
    assert [c["code"] for c in low["code"]["coding"]] == ["G2082"]
    assert low["usedCode"][0]["text"].endswith(", 56 units")
    with runtime.db() as db:
        record = db.scalars(
            select(SessionRecord).where(SessionRecord.session_id == e[1]["id"])
        ).one()
    assert record.discharged_at is not None
    assert datetime.fromisoformat(high["performedPeriod"]["start"]) == record.delivered_at
    assert datetime.fromisoformat(high["performedPeriod"]["end"]) == record.discharged_at

    ketamine = procedures[k[0]["id"]]
    assert "coding" not in ketamine["code"] and "usedCode" not in ketamine
    assert ketamine["code"]["text"] == (
        "IV ketamine infusions (off-label), session 1: no billing code"
        " (none in our codes data for this option)"
    )
    assert ketamine["status"] == "completed" and "performedPeriod" in ketamine
    unrecorded = procedures[k[1]["id"]]
    assert "no session record" in unrecorded["code"]["text"] and "coding" not in unrecorded["code"]
    booked = datetime.fromisoformat(k[1]["starts_at"])
    assert datetime.fromisoformat(unrecorded["performedPeriod"]["start"]) == booked

    lines = api["nina"].get("/fhir/R4/$export/Procedure.ndjson").text.splitlines()
    model = get_fhir_model_class("Procedure")
    exported = {json.loads(x)["id"]: model.model_validate(json.loads(x)) for x in lines}
    assert exported[f"session-{e[1]['id']}"].code.coding[0].code == "G2083"
    assert {f"session-{x}" for x in procedures} <= set(exported)


def test_bulk_procedures_in_a_fixed_number_of_queries(
    api: dict[str, Api], patient: str, runtime: Runtime
) -> None:
    """The Procedure export batches its reads: more sessions and patients, the same number of SQL
    statements (no query per session or per patient)."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    def export() -> tuple[int, int]:
        statements.clear()
        event.listen(runtime.database, "before_cursor_execute", count)
        try:
            r = api["nina"].get("/fhir/R4/$export/Procedure.ndjson")
        finally:
            event.remove(runtime.database, "before_cursor_execute", count)
        assert r.status_code == 200
        return len(r.text.splitlines()), len(statements)

    s = _history(api["cora"], patient, "rtms")["sessions"]
    _record(api["ted"], s[0], tms(s[0]))
    export()  # the first request of a token also notes its use
    few, few_queries = export()
    for session in s[1:6]:
        _record(api["ted"], session, tms(session))
    other = new_patient(api["cora"], "Otto", "Other")
    t = _history(api["cora"], other, "rtms")["sessions"]
    for session in t[:4]:
        _record(api["ted"], session, tms(session))
    many, many_queries = export()
    assert (few, many) == (1, 10)
    assert many_queries == few_queries


def test_two_tms_sessions_a_day_one_code(
    api: dict[str, Api], patient: str, runtime: Runtime
) -> None:
    """Two TMS sessions on one day (the second moved onto the first's day, as accelerated
    protocols do): the day's one code (90869, the threshold measured again) on one Procedure,
    the other text only, saying the day's code is billed with another session."""
    s = _history(api["cora"], patient, "rtms")["sessions"]
    later = datetime.fromisoformat(s[1]["starts_at"]) + timedelta(hours=3)
    with runtime.db.begin() as db:
        db.execute(
            update(CourseSession)
            .where(CourseSession.id == s[2]["id"])
            .values(starts_at=later, ends_at=later + timedelta(minutes=40))
        )
    moved = {**s[2], "starts_at": later.isoformat()}
    _record(api["ted"], s[0], tms(s[0]))
    _record(api["ted"], s[1], tms(s[1]))
    _record(api["ted"], moved, tms(moved, mt_measured=True, mt_method="emg"))
    procedures = _procedures(api["nina"], patient)
    coded = {sid: [c["code"] for c in p["code"].get("coding", [])] for sid, p in procedures.items()}
    assert coded == {s[0]["id"]: ["90867"], s[1]["id"]: [], s[2]["id"]: ["90869"]}
    assert "billed with another session" in procedures[s[1]["id"]]["code"]["text"]
