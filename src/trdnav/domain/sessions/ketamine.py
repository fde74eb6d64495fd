"""IV ketamine session rules: times in order and not in the future; the vitals timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from trdnav.domain.sessions.facts import facts
from trdnav.domain.sessions.forms import IvKetamineRecord


def refusals(rec: IvKetamineRecord, now: datetime) -> list[dict[str, str]]:
    """Rules an IV ketamine record breaks, as {field, message}."""
    out = []
    for i, v in enumerate(rec.vitals):
        if v.at > now:
            out.append({"field": f"vitals.{i}.at", "message": "cannot be in the future"})
        if v.diastolic >= v.systolic:
            out.append({"field": f"vitals.{i}.diastolic", "message": "must be below systolic"})
    if rec.discharged_at is not None:
        if rec.discharged_at > now:
            out.append({"field": "discharged_at", "message": "cannot be in the future"})
        if rec.started_at is not None and rec.discharged_at < rec.started_at:
            out.append({"field": "discharged_at", "message": "must be after started_at"})
    return out


def deviations(rec: IvKetamineRecord) -> list[dict[str, Any]]:
    """Where the record differs from the usual protocol (shown; off-label, the prescriber's)."""
    f = facts().iv_ketamine
    out: list[dict[str, Any]] = []
    if rec.dose_mg_per_kg != f.usual_dose_mg_per_kg:
        out.append(
            {
                "field": "dose_mg_per_kg",
                "expected": f.usual_dose_mg_per_kg,
                "recorded": rec.dose_mg_per_kg,
            }
        )
    if rec.infusion_minutes != f.usual_infusion_minutes:
        out.append(
            {
                "field": "infusion_minutes",
                "expected": f.usual_infusion_minutes,
                "recorded": rec.infusion_minutes,
            }
        )
    return out
