"""The coverage tab of a patient record: choose a policy and option, see the check, the
patient's prior-authorization requests, and start one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.coverage.results import CoverageCheck
from trdnav.domain.coverage.schema import Policy
from trdnav.domain.evidence.loader import default_evidence
from trdnav.features.coverage.authorizations import for_patient
from trdnav.features.coverage.policies import CoverageInputError, clinic_policies
from trdnav.features.coverage.service import patient_record, run_check
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import Patient, PriorAuthorization


@dataclass(frozen=True)
class Choice:
    """One policy and option the tab can check."""

    policy: Policy
    option: str
    option_name: str

    @property
    def value(self) -> str:
        return f"{self.policy.id}:{self.option}"


@dataclass(frozen=True)
class Tab:
    patient: Patient
    plan: str | None  # the plan type on the record (as the patient gave it)
    choices: list[Choice]
    chosen: Choice | None
    check: CoverageCheck | None
    authorizations: list[PriorAuthorization]
    errors: list[dict[str, str]] = field(default_factory=list)


def choices(clinic: ClinicConfig | None) -> list[Choice]:
    """The clinic's policies with each option they cover (that the clinic offers, if known)."""
    options = default_evidence().options
    return [
        Choice(p, o, options[o].name)
        for p in clinic_policies(clinic)
        for o in p.options
        if clinic is None or clinic.offers(o)
    ]


def _default(found: list[Choice], plan: str | None) -> Choice | None:
    return next((c for c in found if plan in c.policy.plan_types), found[0] if found else None)


def coverage_tab(
    db: Session,
    actor: Actor,
    patient: Patient,
    option: str | None,
    policy_id: str | None,
    clinic: ClinicConfig | None,
    now: datetime,
    tz: str,
) -> Tab:
    """The tab for one choice (default: the first policy for the patient's plan type)."""
    record = patient_record(db, patient)
    plan = record.insurance.plan
    found = choices(clinic)
    chosen = _default(found, plan)
    errors: list[dict[str, str]] = []
    check = None
    if option or policy_id:
        chosen = next((c for c in found if (c.option, c.policy.id) == (option, policy_id)), None)
    try:
        if option or policy_id:
            check = run_check(record, option or "", policy_id or "", now, tz)
        elif chosen is not None:
            check = run_check(record, chosen.option, chosen.policy.id, now, tz)
    except CoverageInputError as exc:
        errors.append({"field": "check", "message": f"{exc.field}: {exc.message}"})
    audit.record(
        db,
        now,
        "coverage.check",
        actor.who,
        patient_id=patient.id,
        detail={
            "policy": check.policy if check else None,
            "option": check.option if check else None,
            "summary": check.summary if check else None,
        },
    )
    return Tab(patient, plan, found, chosen, check, for_patient(db, patient), errors)
