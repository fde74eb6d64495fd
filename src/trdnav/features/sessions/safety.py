"""Safety events of a session record become safety alerts (features/alerts): a seizure, a
serious adverse event, respiratory depression, a mania switch, a blood pressure at or above the
clinic's hard stop. A correction raises only what the version before it did not have."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from trdnav.domain.sessions.esketamine import over_hard_stop
from trdnav.domain.sessions.forms import (
    BloodPressure,
    EsketamineRecord,
    IvKetamineRecord,
    TmsRecord,
)
from trdnav.features.alerts.service import raise_alert, register_kind
from trdnav.platform.access import Actor
from trdnav.storage.models import SessionRecord

if TYPE_CHECKING:
    from trdnav.features.sessions.service import ClinicRules

register_kind(
    "respiratory_depression", "Respiratory depression during a session", ("prescriber", "nurse")
)
register_kind("mania_switch", "Possible switch to mania during a course", ("prescriber",))

URGENCY = {
    "seizure": "urgent",
    "serious_adverse_event": "urgent",
    "respiratory_depression": "urgent",
    "hypertension": "urgent",
    "mania_switch": "prompt",
}


def events(
    record: TmsRecord | IvKetamineRecord | EsketamineRecord, hard_stop: BloodPressure | None
) -> set[str]:
    """The alert kinds a record's content calls for."""
    out: set[str] = set()
    for ae in record.adverse_events:
        if ae.kind in ("seizure", "respiratory_depression", "mania_switch"):
            out.add(ae.kind)
        if ae.serious:
            out.add("serious_adverse_event")
    if isinstance(record, EsketamineRecord):
        if record.respiratory_depression:
            out.add("respiratory_depression")
        if any(over_hard_stop(bp, hard_stop) for bp in (record.bp_40min, record.bp_discharge)):
            out.add("hypertension")
    if isinstance(record, IvKetamineRecord):
        readings = [
            BloodPressure.model_construct(systolic=v.systolic, diastolic=v.diastolic)
            for v in record.vitals
        ]
        if any(over_hard_stop(bp, hard_stop) for bp in readings):
            out.add("hypertension")
    return out


def raise_for(
    db: Session,
    actor: Actor,
    row: SessionRecord,
    record: TmsRecord | IvKetamineRecord | EsketamineRecord,
    previous: SessionRecord | None,
    rules: ClinicRules,
    now: datetime,
) -> list[Any]:
    """Raise the alerts a new record version calls for and its previous version did not."""
    from trdnav.domain.sessions.forms import parse_record

    hard_stop = rules.settings.bp_hard_stop
    before: set[str] = set()
    if previous is not None:
        before = events(parse_record(previous.detail)[0], hard_stop)
    return [
        raise_alert(
            db,
            clinic_id=row.clinic_id,
            patient_id=row.patient_id,
            kind=kind,
            urgency=URGENCY[kind],
            source=f"session:{row.session_id}",
            now=now,
            who=actor.who,
        )
        for kind in sorted(events(record, hard_stop) - before)
    ]
