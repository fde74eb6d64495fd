"""Criteria checks: a policy against a patient's record (audited), and a first check from a
consultation request's own answers (patient-reported, shown in the inbox).

The check reads one record (storage.records.load_record) and runs the pure domain check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.orm import Session

from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.coverage.check import Facts, check
from trdnav.domain.coverage.results import CoverageCheck
from trdnav.domain.record import ClinicalRecord, record_from_request
from trdnav.domain.requests import AssessmentRequest
from trdnav.features.coverage.policies import clinic_policies, resolve
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.runtime import Runtime
from trdnav.storage import records
from trdnav.storage.models import Clinic, ConsultationRequest, Patient

# Plan types a first check cannot be matched to a payer policy for.
NO_POLICY_PLANS = (None, "unknown", "self_pay", "military")


def local_today(now: datetime, tz: str) -> date:
    """The clinic's local day ("a day" in the clinic API means the clinic's local day)."""
    return now.astimezone(ZoneInfo(tz)).date()


def patient_record(db: Session, patient: Patient) -> ClinicalRecord:
    """The patient's clinical record (one read of their rows)."""
    return records.load_record(db, patient)


def run_check(
    record: ClinicalRecord,
    option: str,
    policy_id: str,
    now: datetime,
    tz: str,
    facts: Facts | None = None,
) -> CoverageCheck:
    """The domain check of a resolved policy (CoverageInputError for a bad option or policy)."""
    policy = resolve(option, policy_id)
    return check(policy, option, record, local_today(now, tz), facts, tz=ZoneInfo(tz))


def check_patient(
    db: Session,
    actor: Actor,
    patient: Patient,
    option: str,
    policy_id: str,
    now: datetime,
    tz: str,
) -> CoverageCheck:
    """Check one policy against the patient's record; the read is audited."""
    result = run_check(patient_record(db, patient), option, policy_id, now, tz)
    audit.record(
        db,
        now,
        "coverage.check",
        actor.who,
        patient_id=patient.id,
        detail={"policy": result.policy, "option": option, "summary": result.summary},
    )
    return result


@dataclass(frozen=True)
class ReportedCoverage:
    """The inbox's first check: the plan type the person gave and one check per policy/option."""

    plan: str | None
    checks: list[CoverageCheck]


def reported_checks(
    db: Session, req: ConsultationRequest, rt: Runtime, now: datetime
) -> ReportedCoverage | None:
    """A first check from the person's own answers against the clinic's policies for their
    plan type and the options the clinic offers. Every fact in it is patient-reported."""
    if not req.assessment:
        return None
    try:
        request = AssessmentRequest.model_validate(req.assessment)
    except ValidationError:
        return None  # stored under an older contract: nothing to check against
    plan = request.insurance.plan
    if plan in NO_POLICY_PLANS:
        return ReportedCoverage(plan, [])
    # Another tenant's configuration is not loaded here: every policy and option is checked.
    clinic = rt.clinic if req.clinic_id == rt.clinic_id else None
    row = db.get(Clinic, req.clinic_id)
    tz = row.time_zone if row else rt.clinic.time_zone
    record = record_from_request(request, req.received_at)
    today = local_today(now, tz)
    out = []
    for policy in clinic_policies(clinic):
        if plan not in policy.plan_types:
            continue
        for option in policy.options:
            if clinic is None or clinic.offers(option):
                out.append(check(policy, option, record, today, tz=ZoneInfo(tz)))
    return ReportedCoverage(plan, out)


def tz_of(actor_tz: str | None, clinic: ClinicConfig) -> str:
    """The acting clinic's time zone (from the login), else the configured clinic's."""
    return actor_tz or clinic.time_zone


def clinic_config(actor: Actor, clinic: ClinicConfig, clinic_id: int) -> ClinicConfig | None:
    """The actor's clinic configuration when this process serves it (None: another tenant,
    whose payer-policy list is not known here, so every policy is listed)."""
    return clinic if actor.clinic_id == clinic_id else None
