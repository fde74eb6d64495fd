"""One prior-authorization request as its page shows it: the live criteria check with the
request's own facts, the status history, tracking against the course, related requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.coverage.results import CoverageCheck
from trdnav.domain.coverage.schema import Policy
from trdnav.domain.record import ClinicalRecord
from trdnav.features.coverage.authorizations import events, facts_of, policy_of
from trdnav.features.coverage.service import local_today, patient_record, run_check
from trdnav.features.coverage.tracking import Standing, course_sessions, standing
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.storage.models import AuthorizationEvent, Patient, PriorAuthorization


@dataclass(frozen=True)
class Detail:
    pa: PriorAuthorization
    patient: Patient
    record: ClinicalRecord
    policy: Policy
    check: CoverageCheck
    events: list[AuthorizationEvent]
    standing: Standing | None
    related: list[PriorAuthorization]  # the approval it continues, and continuations of it


def load(db: Session, pa: PriorAuthorization, now: datetime, tz: str) -> Detail:
    """Everything about one request (not audited: callers audit their own read)."""
    patient = db.get(Patient, pa.patient_id)
    assert patient is not None  # a foreign key
    record = patient_record(db, patient)
    check = run_check(record, pa.option_id, pa.policy_id, now, tz, facts_of(pa))
    related = list(
        db.scalars(
            select(PriorAuthorization).where(
                (PriorAuthorization.continuation_of == pa.id)
                | (PriorAuthorization.id == (pa.continuation_of or ""))
            )
        )
    )
    found = standing(pa, course_sessions(db, pa), local_today(now, tz))
    return Detail(pa, patient, record, policy_of(pa), check, events(db, pa), found, related)


def read(db: Session, actor: Actor, pa: PriorAuthorization, now: datetime, tz: str) -> Detail:
    """The request's page data; the read is audited."""
    found = load(db, pa, now, tz)
    audit.record(
        db,
        now,
        "authorization.view",
        actor.who,
        patient_id=pa.patient_id,
        target=f"authorization:{pa.id}",
    )
    return found
