"""The assessment re-run on confirmed data, and the prescriber's candidacy decisions.

Confirmed answers win over patient-reported ones; an answer nobody gave stays unknown, so the
engine asks the clinician to confirm it instead of assuming.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, get_args

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.assessment import Engine
from trdnav.domain.requests import AssessmentRequest
from trdnav.domain.results import OPTION_IDS, AssessmentResult, Candidacy
from trdnav.features.records import icd10
from trdnav.features.records.service import RecordError, trial_adequate
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.errors import field_errors
from trdnav.storage.models import (
    CandidacyDecision,
    Diagnosis,
    MedicationTrial,
    Patient,
    ScreeningAnswer,
)

CANDIDACIES: tuple[str, ...] = get_args(Candidacy)


def _age(patient: Patient, answers: dict[str, Any], today: date) -> Any:
    if patient.date_of_birth is not None:
        dob = patient.date_of_birth
        return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    return answers.get("age", patient.age_reported)


def _conditions(db: Session, patient: Patient) -> list[str]:
    rows = list(db.scalars(select(Diagnosis).where(Diagnosis.patient_id == patient.id)))
    # A clinician's diagnoses replace what the person reported, once there is at least one.
    clinician = [d for d in rows if d.source == "clinician"] or rows
    found = [c.condition for d in clinician if (c := icd10.lookup(d.code)) and c.condition]
    return list(dict.fromkeys(found or (patient.reported_conditions or [])))


def build_request(db: Session, patient: Patient, today: date) -> dict[str, Any]:
    """The assessment request from the record: confirmed, else reported, else unknown."""
    answers: dict[str, Any] = {}
    for row in db.scalars(select(ScreeningAnswer).where(ScreeningAnswer.patient_id == patient.id)):
        value = row.confirmed if row.confirmed is not None else row.reported
        if value is not None:
            answers[row.key] = value
    request: dict[str, Any] = {
        "age": _age(patient, answers, today),
        "conditions": _conditions(db, patient),
    }
    for key, value in answers.items():
        if key == "age":
            continue
        head, _, tail = key.partition(".")
        if tail:
            request.setdefault(head, {})[tail] = value
        else:
            request[head] = value
    if patient.baseline_phq9_items:
        request["phq9_items"] = patient.baseline_phq9_items
    elif patient.baseline_phq9_total is not None:
        request["phq9_total"] = patient.baseline_phq9_total
    trials = db.scalars(
        select(MedicationTrial)
        .where(MedicationTrial.patient_id == patient.id)
        .order_by(MedicationTrial.id)
    )
    request["antidepressant_trials"] = [
        {
            k: v
            for k, v in {
                "name": t.drug,
                "adequate": trial_adequate(t),
                "outcome": t.outcome,
            }.items()
            if v is not None
        }
        for t in trials
    ]
    for part in ("preferences", "insurance", "logistics"):
        if getattr(patient, part):
            request[part] = getattr(patient, part)
    return request


@dataclass(frozen=True)
class Rerun:
    """The engine's result on the record's data, or the fields that stop it from running."""

    result: AssessmentResult | None
    errors: list[dict[str, str]]


def rerun(db: Session, actor: Actor, engine: Engine, patient: Patient, now: datetime) -> Rerun:
    """Run the assessment engine on the record (audited as a read of health data)."""
    audit.record(db, now, "patient.assess", actor.who, patient_id=patient.id)
    raw = build_request(db, patient, now.date())
    try:
        request = AssessmentRequest.model_validate(raw)
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
    if option_id not in OPTION_IDS:
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
