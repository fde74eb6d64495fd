"""The assessment re-run on confirmed data, and the prescriber's candidacy decisions.

Confirmed answers win over patient-reported ones; an answer nobody gave stays unknown, so the
engine asks the clinician to confirm it instead of assuming.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import get_args

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.assessment import Engine
from trdnav.domain.record import to_request
from trdnav.domain.results import AssessmentResult, Candidacy
from trdnav.features.records.service import RecordError
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.errors import field_errors
from trdnav.storage import records
from trdnav.storage.models import CandidacyDecision, Patient

CANDIDACIES: tuple[str, ...] = get_args(Candidacy)


@dataclass(frozen=True)
class Rerun:
    """The engine's result on the record's data, or the fields that stop it from running."""

    result: AssessmentResult | None
    errors: list[dict[str, str]]


def rerun(db: Session, actor: Actor, engine: Engine, patient: Patient, now: datetime) -> Rerun:
    """Run the assessment engine on the record (audited as a read of health data)."""
    audit.record(db, now, "patient.assess", actor.who, patient_id=patient.id)
    try:
        request = to_request(records.load_record(db, patient), now.date())
    except ValidationError as exc:
        return Rerun(None, field_errors(exc.errors()))
    return Rerun(engine.assess(request), [])


def current_decisions(db: Session, patient: Patient) -> dict[str, CandidacyDecision]:
    """The newest decision per option."""
    rows = db.scalars(
        select(CandidacyDecision)
        .where(CandidacyDecision.patient_id == patient.id)
        .order_by(CandidacyDecision.id)
    )
    return {row.option_id: row for row in rows}


def decide(
    db: Session,
    actor: Actor,
    engine: Engine,
    patient: Patient,
    option_id: str,
    decision: str,
    reason: str | None,
    now: datetime,
) -> CandidacyDecision:
    """Record the prescriber's candidacy for one option; disagreeing needs a reason."""
    if option_id not in engine.evidence.options:
        raise RecordError("option_id", "is not an option")
    if decision not in CANDIDACIES:
        raise RecordError("decision", "must be one of " + ", ".join(CANDIDACIES))
    outcome = rerun(db, actor, engine, patient, now)
    if outcome.result is None:
        raise RecordError(
            "assessment",
            "complete the record first: " + ", ".join(e["field"] for e in outcome.errors),
        )
    option = next(o for o in outcome.result.options if o.id == option_id)
    overrides = decision != option.candidacy
    reason = (reason or "").strip() or None
    if overrides and not reason:
        raise RecordError("reason", f"is required to override the engine's '{option.candidacy}'")
    row = CandidacyDecision(
        patient_id=patient.id,
        clinic_id=patient.clinic_id,
        option_id=option_id,
        engine_candidacy=option.candidacy,
        decision=decision,
        overrides_engine=overrides,
        reason=reason,
        evidence_version=outcome.result.evidence_version,
        decided_by=actor.user_id,
        decided_at=now,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        now,
        "candidacy.override" if overrides else "candidacy.decide",
        actor.who,
        patient_id=patient.id,
        target=f"decision:{row.id}",
        detail={"option": option_id, "engine": option.candidacy, "decision": decision},
    )
    return row
