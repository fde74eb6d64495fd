"""FHIR R4 export: `$everything` validates with fhir.resources' R4B models, carries the LOINC,
ICD-10-CM and CPT codes of the contract, every reference resolves inside the Bundle; bulk NDJSON
per type; the same token, access rules and audit as every other read."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select, update

from tests.cast import Member
from tests.features.courses.conftest import Api
from tests.features.measurement.conftest import book_course
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent, CourseSession


def _setup(
    api: dict[str, Api], cast: dict[str, Member], patient: str, runtime: Runtime
) -> dict[str, Any]:
    assert (
        cast["nina"].post(f"/workspace/patients/{patient}/diagnoses", {"code": "F33.1"}).status_code
        == 303
    )
    course = book_course(api["cora"], patient, weeks_ahead=1)
    first, second = course["sessions"][0]["id"], course["sessions"][1]["id"]
    with runtime.db.begin() as db:  # as the session records (issue 9) will mark them
        db.execute(
            update(CourseSession)
            .where(CourseSession.id.in_([first, second]))
            .values(status="delivered")
        )
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
        key=lambda x: x["performedPeriod"]["start"],
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
