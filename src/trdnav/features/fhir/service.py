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

from trdnav.features.fhir import resources as fr
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import Administration, Course, CourseSession, Diagnosis, Patient

TYPES = ("Patient", "Condition", "QuestionnaireResponse", "Observation", "Procedure")


def patient_resources(db: Session, patient: Patient) -> list[dict[str, Any]]:
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
    courses = db.scalars(
        select(Course).where(Course.patient_id == patient.id).order_by(Course.start_on)
    )
    for course in courses:
        sessions = list(
            db.scalars(select(CourseSession).where(CourseSession.course_id == course.id))
        )
        out += fr.procedure_resources(course, sessions, subject)
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
    for patient in patients:
        for resource in patient_resources(db, patient):
            if resource["resourceType"] == resource_type:
                yield json.dumps(resource, separators=(",", ":")) + "\n"
