"""Patients through the clinic API: create one, read one (both audited)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from trdnav.features.consultations.service import e164
from trdnav.features.courses.views import PatientCreate, PatientView
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.errors import InvalidRequest
from trdnav.storage.models import Patient


def view(patient: Patient) -> PatientView:
    """A patient as the API shows it."""
    return PatientView(
        id=patient.id,
        given_name=patient.given_name,
        family_name=patient.family_name,
        name=patient.name,
        birth_date=patient.date_of_birth,
        email=patient.email,
        phone=patient.phone,
        sex_at_birth=patient.sex_at_birth,
    )


def create_patient(
    db: Session, actor: Actor, data: PatientCreate, today: date, now: datetime
) -> Patient:
    """A new patient record in the actor's clinic; 422 naming each bad field."""
    errors = []
    if data.birth_date > today:
        errors.append({"field": "birth_date", "message": "is in the future"})
    email = None
    if data.email:
        try:
            email = validate_email(data.email.strip(), check_deliverability=False).normalized
        except EmailNotValidError as exc:
            errors.append({"field": "email", "message": f"is not a valid email address ({exc})"})
    phone = None
    if data.phone:
        try:
            phone = e164(data.phone)
        except ValueError as exc:
            errors.append({"field": "phone", "message": str(exc)})
    if errors:
        raise InvalidRequest(errors)
    patient = Patient(
        id=str(uuid.uuid4()),
        clinic_id=actor.clinic_id,
        name=f"{data.given_name} {data.family_name}",
        given_name=data.given_name,
        family_name=data.family_name,
        date_of_birth=data.birth_date,
        email=email,
        phone=phone,
        sex_at_birth=data.sex_at_birth,
        created_at=now,
        updated_at=now,
    )
    db.add(patient)
    db.flush()
    audit.record(db, now, "patient.create", actor.who, patient_id=patient.id, target="api")
    return patient


def read_patient(db: Session, actor: Actor, patient: Patient, now: datetime) -> PatientView:
    """The patient (the read is audited)."""
    audit.record(db, now, "patient.view", actor.who, patient_id=patient.id, target="api")
    return view(patient)
