"""FHIR R4 export of the clinic's records: a patient's `$everything` Bundle, and bulk NDJSON
(one resource a line) per resource type over the whole clinic. Reads are audited like any other
read of health data; the caller authorizes through the one access helper."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.sessions.billing import Line, lines
from trdnav.features.fhir import resources as fr
from trdnav.features.sessions.billing import current_records, delivered_of
from trdnav.features.sessions.service import clinic_rules
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import Administration, Course, CourseSession, Diagnosis, Patient

TYPES = ("Patient", "Condition", "QuestionnaireResponse", "Observation", "Procedure")


def procedures(
    db: Session, clinic_id: int, patient_id: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The Procedures of a clinic's delivered sessions (of one patient), by patient id, coded
    from the sessions' billing lines; a fixed number of queries however many sessions."""
    courses = select(Course).where(Course.clinic_id == clinic_id)
    delivered = select(CourseSession).where(
        CourseSession.clinic_id == clinic_id, CourseSession.status == "delivered"
    )
    if patient_id is not None:
        courses = courses.where(Course.patient_id == patient_id)
        delivered = delivered.where(CourseSession.patient_id == patient_id)
    by_course = {c.id: c for c in db.scalars(courses)}
    records = current_records(db, clinic_id, patient_id=patient_id)
    rules = clinic_rules(db, clinic_id)
    billed: dict[str, list[Line]] = {}
    for line in lines(delivered_of(db, records, rules.tz, rules.settings.medicare_payers)):
        billed.setdefault(line.session_id, []).append(line)
    by_session = {r.session_id: r for r in records}
    out: dict[str, list[dict[str, Any]]] = {}
    for s in db.scalars(delivered.order_by(CourseSession.starts_at, CourseSession.id)):
        out.setdefault(s.patient_id, []).append(
            fr.procedure_resource(
                by_course[s.course_id],
                s,
                by_session.get(s.id),
                billed.get(s.id, []),
                {"reference": f"Patient/{s.patient_id}"},
            )
        )
    return out


def patient_resources(
    db: Session, patient: Patient, with_procedures: bool = True
) -> list[dict[str, Any]]:
    """Every resource of one patient, the Patient first."""
    subject = fr.patient_resource(patient)
    out = [subject]
    diagnoses = db.scalars(
        select(Diagnosis).where(Diagnosis.patient_id == patient.id).order_by(Diagnosis.id)
    )
    out += [fr.condition_resource(dx, subject) for dx in diagnoses]
    administrations = db.scalars(
        select(Administration)
        .where(Administration.patient_id == patient.id)
        .order_by(Administration.id)
    )
    for row in administrations:
        out += fr.administration_resources(row, subject)
    if with_procedures:
        out += procedures(db, patient.clinic_id, patient.id).get(patient.id, [])
    return out


def everything(
    db: Session, actor: Actor, patient: Patient, base_url: str, now: datetime
) -> dict[str, Any]:
    """`Patient/{id}/$everything`: a searchset Bundle whose references all resolve inside it."""
    root = f"{base_url.rstrip('/')}/fhir/R4"
    entries = [
        {
            "fullUrl": f"{root}/{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": "match" if r["resourceType"] == "Patient" else "include"},
        }
        for r in patient_resources(db, patient)
    ]
    audit.record(
        db,
        now,
        "fhir.everything",
        actor.who,
        patient_id=patient.id,
        detail={"resources": len(entries)},
    )
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": now.isoformat(),
        "total": len(entries),
        "entry": entries,
    }


def export_ndjson(db: Session, actor: Actor, resource_type: str, now: datetime) -> Iterator[str]:
    """Bulk NDJSON of one resource type over every patient of the actor's clinic (one audit
    event for the export)."""
    audit.record(db, now, "fhir.export", actor.who, detail={"type": resource_type})
    patients = db.scalars(
        select(Patient).where(Patient.clinic_id == actor.clinic_id).order_by(Patient.id)
    ).all()
    if resource_type == "Procedure":  # batched over the clinic, not per patient
        batch = procedures(db, actor.clinic_id)
        for patient in patients:
            for resource in batch.get(patient.id, []):
                yield json.dumps(resource, separators=(",", ":")) + "\n"
        return
    for patient in patients:
        for resource in patient_resources(db, patient, with_procedures=False):
            if resource["resourceType"] == resource_type:
                yield json.dumps(resource, separators=(",", ":")) + "\n"
