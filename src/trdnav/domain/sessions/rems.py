"""The REMS Patient Monitoring Form of one esketamine session, assembled from its record
(fields as SPRAVATO-REMS-PMF lists them), and its place in the queue (due 7 days after)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from trdnav.domain.sessions.esketamine import monitoring_minutes
from trdnav.domain.sessions.forms import EsketamineRecord

SOURCE_IDS = ("SPRAVATO-REMS-PMF", "SPRAVATO-REMS")
CONCOMITANT = (
    "benzodiazepine",
    "non_benzodiazepine_hypnotic",
    "psychostimulant",
    "maoi",
    "opioid",
)


@dataclass(frozen=True)
class Person:
    name: str
    birth_date: date | None
    sex: str | None


def _bp(value: Any) -> str | None:
    return None if value is None else str(value)


def assemble(
    rec: EsketamineRecord, patient: Person, monitored_by: str, site: str, session_on: date
) -> dict[str, Any]:
    """The form's fields, in its order; None where the record does not tell."""
    serious = [ae.kind for ae in rec.adverse_events if ae.serious]
    return {
        "patient_name": patient.name,
        "patient_birth_date": patient.birth_date.isoformat() if patient.birth_date else None,
        "patient_sex": patient.sex,
        **{f"concomitant_{c}": c in rec.concomitant for c in CONCOMITANT},
        "monitoring_hcp": monitored_by,
        "site": site,
        "session_date": session_on.isoformat(),
        "dose_mg": rec.dose_mg,
        "device_lots": ", ".join(rec.device_lots) or None,
        "total_monitoring_minutes": monitoring_minutes(rec),
        "ready_without_2h_rule_at": rec.ready_at.isoformat() if rec.ready_at else None,
        "vitals_acceptable_pre": rec.vitals_acceptable_pre,
        "vitals_acceptable_discharge": rec.vitals_acceptable_discharge,
        "bp_pre": _bp(rec.bp_pre),
        "bp_40min": _bp(rec.bp_40min),
        "bp_discharge": _bp(rec.bp_discharge),
        "sedation": rec.sedation,
        "dissociation": rec.dissociation,
        "respiratory_depression": rec.respiratory_depression,
        "serious_adverse_events": ", ".join(serious) or "none",
    }


def overdue(due_on: date, today: date, submitted: bool) -> bool:
    """A form not submitted by its due day is overdue the day after."""
    return not submitted and today > due_on
