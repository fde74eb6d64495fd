"""Loading a patient and their prior-authorization requests through the one access helper:
another clinic's id is "not found", never "forbidden"."""

from __future__ import annotations

from sqlalchemy.orm import Session

from trdnav.platform.access import Actor, load_child, load_for_user
from trdnav.storage.models import Patient, PriorAuthorization


def patient(db: Session, actor: Actor, patient_id: str) -> Patient:
    """The patient in the actor's clinic; access.NotFound otherwise."""
    return load_for_user(db, actor, Patient, patient_id)


def authorization(db: Session, actor: Actor, owner: Patient, pa_id: str) -> PriorAuthorization:
    """A request of this patient in the actor's clinic; access.NotFound otherwise."""
    return load_child(db, actor, PriorAuthorization, pa_id, "patient_id", owner.id)
