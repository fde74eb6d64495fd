"""Our rows as FHIR R4 resources (plain JSON; the tests validate them with `fhir.resources`' R4B
models). Codes and where they come from:
- PHQ-9 panel 44249-1, total 44261-6, item 9 44260-8; GAD-7 panel 69737-5, total 70274-6 (LOINC;
  EVIDENCE §H, KROENKE-2001, SPITZER-2006; the panel's hasMember and derivedFrom the
  QuestionnaireResponse follow the US Core Observation Screening Assessment profile, US-CORE-7).
  Other item codes are not in our evidence, so items travel in the QuestionnaireResponse only.
- Conditions: ICD-10-CM (domain/codes/icd10). Procedures: the codes of the session's billing
  lines (domain/sessions/billing.py, the one source; codes and sources in
  domain/coverage/data/codes.toml): CPT 90867/90868/90869 (NEUROSTAR-CODING), HCPCS G2082/G2083
  (CGS-G2082) as the Procedure's code, HCPCS J0013 (J0013-2026, billed per mg) as a usedCode.
  A session without a billing line (IV ketamine; a TMS session whose day's code is billed with
  another session of that day) is text only, saying why.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from trdnav.domain.codes import icd10
from trdnav.domain.coverage.loader import default_coverage
from trdnav.domain.evidence.loader import default_evidence
from trdnav.domain.measures import instruments
from trdnav.domain.sessions.billing import Line
from trdnav.storage.models import (
    Administration,
    Course,
    CourseSession,
    Diagnosis,
    Patient,
    SessionRecord,
)

LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
SYSTEMS = {"CPT": CPT, "HCPCS": HCPCS}  # codes.toml's `system` as FHIR code system URIs
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
GENDER = {"female": "female", "male": "male", "intersex": "other", "unknown": "unknown"}


def ref(resource: dict[str, Any]) -> dict[str, str]:
    """A literal reference to a resource of the same Bundle."""
    return {"reference": f"{resource['resourceType']}/{resource['id']}"}


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def patient_resource(patient: Patient) -> dict[str, Any]:
    """The Patient: names, birth date, administrative gender from sex at birth, contacts."""
    name: dict[str, Any] = {"text": patient.name}
    if patient.family_name:
        name["family"] = patient.family_name
    if patient.given_name:
        name["given"] = [patient.given_name]
    out: dict[str, Any] = {"resourceType": "Patient", "id": patient.id, "name": [name]}
    if patient.date_of_birth:
        out["birthDate"] = patient.date_of_birth.isoformat()
    if patient.sex_at_birth in GENDER:
        out["gender"] = GENDER[patient.sex_at_birth]
    telecom = []
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if telecom:
        out["telecom"] = telecom
    return out


def condition_resource(dx: Diagnosis, subject: dict[str, Any]) -> dict[str, Any]:
    """A diagnosis as a Condition coded in ICD-10-CM; reported ones are provisional."""
    found = icd10.lookup(dx.code)
    coding: dict[str, Any] = {"system": ICD10CM, "code": dx.code}
    if found:
        coding["display"] = found.description
    status = "confirmed" if dx.source == "clinician" else "provisional"
    return {
        "resourceType": "Condition",
        "id": f"dx-{dx.id}",
        "verificationStatus": {"coding": [{"system": VERIFICATION, "code": status}]},
        "code": {"coding": [coding], "text": found.description if found else dx.code},
        "subject": ref(subject),
        "recordedDate": _when(dx.created_at),
    }


def administration_resources(row: Administration, subject: dict[str, Any]) -> list[dict[str, Any]]:
    """One administration: its QuestionnaireResponse, the total (and PHQ-9 item 9) Observations
    derived from it, and the panel Observation that has them as members."""
    instrument = instruments.get(row.instrument)
    when = _when(row.administered_at or row.created_at)
    qr: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": f"qr-{row.id}",
        "status": "completed",
        "subject": ref(subject),
        "authored": when,
        "item": [
            {
                "linkId": str(n),
                "text": text,
                "answer": [{"valueInteger": score}],
            }
            for n, (text, score) in enumerate(
                zip(instrument.items, row.items or [], strict=False), 1
            )
        ],
    }
    if row.source == "patient":
        qr["source"] = ref(subject)
    if not qr["item"]:
        del qr["item"]  # a total without its items (an imported score)

    def observation(suffix: str, code: str, display: str, value: dict[str, Any]) -> dict[str, Any]:
        return {
            "resourceType": "Observation",
            "id": f"adm-{row.id}-{suffix}",
            "status": "final",
            "category": [{"coding": [{"system": CATEGORY, "code": "survey"}]}],
            "code": {"coding": [{"system": LOINC, "code": code}], "text": display},
            "subject": ref(subject),
            "effectiveDateTime": when,
            "derivedFrom": [ref(qr)],
            **value,
        }

    total = observation(
        "total",
        instrument.loinc_total,
        f"{instrument.name} total score",
        {
            "valueQuantity": {
                "value": row.total,
                "unit": "{score}",
                "system": UCUM,
                "code": "{score}",
            }
        },
    )
    members = [total]
    if instrument.risk_item is not None and row.items:
        score = row.items[instrument.risk_item - 1]
        members.append(
            observation(
                f"item{instrument.risk_item}",
                "44260-8",
                f"{instrument.name} item {instrument.risk_item}",
                {"valueInteger": score},
            )
        )
    panel = observation(
        "panel",
        instrument.loinc_panel,
        instrument.title,
        {"hasMember": [ref(m) for m in members]},
    )
    return [qr, panel, *members]


def _coding(line: Line) -> dict[str, str]:
    return {"system": SYSTEMS[line.system], "code": line.code, "display": line.description}


def procedure_resource(
    course: Course,
    session: CourseSession,
    record: SessionRecord | None,
    lines: list[Line],
    subject: dict[str, Any],
) -> dict[str, Any]:
    """A delivered session as a completed Procedure. Its code is the session's billing line for
    the service (a CPT or HCPCS code billed per session); lines billed in other units (J0013,
    per mg) are the items used. The time is the session record's (delivered, and discharged
    when recorded); a session without a billing line says why in code.text."""
    option = default_evidence().options.get(course.option)
    label = f"{option.name if option else course.option}, session {session.number}"
    services = [x for x in lines if _per_session(x.code)]
    used = [x for x in lines if not _per_session(x.code)]
    code: dict[str, Any]
    if services:
        code = {
            "coding": [_coding(x) for x in services],
            "text": f"{label}: {'; '.join(x.description for x in services)}",
        }
    elif record is None:
        code = {"text": f"{label}: no billing code (no session record)"}
    elif record.kind == "tms":
        why = "one TMS code a day, billed with another session that day"
        code = {"text": f"{label}: no billing code ({why})"}
    else:
        code = {"text": f"{label}: no billing code (none in our codes data for this option)"}
    out: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": f"session-{session.id}",
        "status": "completed",
        "code": code,
        "subject": subject,
    }
    if record is None:
        out["performedPeriod"] = {"start": _when(session.starts_at), "end": _when(session.ends_at)}
    elif record.discharged_at is not None:
        out["performedPeriod"] = {
            "start": _when(record.delivered_at),
            "end": _when(record.discharged_at),
        }
    else:
        out["performedDateTime"] = _when(record.delivered_at)
    if used:
        out["usedCode"] = [
            {"coding": [_coding(x)], "text": f"{x.description}, {x.units} units"} for x in used
        ]
    return out


def _per_session(code: str) -> bool:
    return default_coverage().codes.procedures[code].unit == "session"
