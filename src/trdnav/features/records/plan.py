"""The chosen plan: after the per-option candidacy decisions, the prescriber picks the option
the patient will start (which, who, when). The newest choice is current; the courses pages read
it from here, so the record and the booking agree on one source of truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.assessment import Engine
from trdnav.features.records.candidacy import current_decisions
from trdnav.features.records.service import RecordError
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import Patient, PlanChoice, User

CHOOSABLE = ("eligible", "caution")


@dataclass(frozen=True)
class PlanView:
    """The current plan as pages show it."""

    choice: PlanChoice
    option_name: str
    decided_by: str


def current_plan(db: Session, engine: Engine, patient: Patient) -> PlanView | None:
    """The newest plan choice of the patient, if any."""
    row = db.execute(
        select(PlanChoice, User.display_name)
        .join(User, User.id == PlanChoice.decided_by)
        .where(PlanChoice.patient_id == patient.id)
        .order_by(PlanChoice.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    choice, name = row
    option = engine.evidence.options.get(choice.option_id)
    return PlanView(choice, option.name if option else choice.option_id, name)


def choose_plan(
    db: Session,
    actor: Actor,
    engine: Engine,
    patient: Patient,
    option_id: str,
    note: str | None,
    now: datetime,
) -> PlanChoice:
    """Record the chosen option; it must be one the prescriber decided eligible or caution."""
    if option_id not in engine.evidence.options:
        raise RecordError("plan_option", "choose one of the options")
    decision = current_decisions(db, patient).get(option_id)
    if decision is None or decision.decision not in CHOOSABLE:
        raise RecordError(
            "plan_option",
            "record a decision of eligible or caution for this option before choosing it",
        )
    note = " ".join((note or "").split())[:1000] or None
    row = PlanChoice(
        patient_id=patient.id,
        clinic_id=patient.clinic_id,
        option_id=option_id,
        note=note,
        decided_by=actor.user_id,
        decided_at=now,
    )
    db.add(row)
    db.flush()
    patient.updated_at = now
    audit.record(
        db,
        now,
        "plan.choose",
        actor.who,
        patient_id=patient.id,
        target=f"plan:{row.id}",
        detail={"option": option_id},
    )
    return row
