"""Esketamine (Spravato) session rules: the REMS and the label, enforced, not advised.

Every refusal names the field at fault. The numbers come from data/rules.toml (SPRAVATO-PI,
SPRAVATO-REMS, SPRAVATO-REMS-PMF); the clinic's hard stop comes from its configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from trdnav.domain.sessions.facts import EsketamineFacts, EsketaminePhase, facts
from trdnav.domain.sessions.forms import BloodPressure, EsketamineRecord


@dataclass(frozen=True)
class EsketamineContext:
    """What the rules need beyond the record: the patient's REMS enrolment, age and earlier
    delivered doses (other sessions), the clinic's hard stop, and now."""

    now: datetime
    enrolled_on: date | None
    age_years: int | None
    earlier_doses: list[tuple[datetime, int]] = field(default_factory=list)
    hard_stop: BloodPressure | None = None
    tz: str = "UTC"  # the clinic's zone: days and weeks are its local ones


def first_dose_expected(age_years: int | None, f: EsketamineFacts) -> int | None:
    """The label's day-1 dose for this age (None when the age is unknown)."""
    if age_years is None:
        return None
    return f.first_dose_mg_older if age_years >= f.older_age else f.first_dose_mg


def _phase(week: int, f: EsketamineFacts) -> EsketaminePhase:
    for p in f.phases:
        if week >= p.first_week and (p.last_week is None or week <= p.last_week):
            return p
    return f.phases[-1]


def phase(first_dose_on: date, on: date, f: EsketamineFacts | None = None) -> tuple[int, str]:
    """The week of treatment (1-based, from the first dose) and the label's phase name."""
    f = f or facts().esketamine
    week = max(1, (on - first_dose_on).days // 7 + 1)
    return week, _phase(week, f).name


def _schedule(
    rec: EsketamineRecord, ctx: EsketamineContext, f: EsketamineFacts
) -> list[dict[str, str]]:
    """At most one dose a day and the phase's doses a week (weeks from the first dose)."""
    zone = ZoneInfo(ctx.tz)
    day = rec.administered_at.astimezone(zone).date()
    others = [at.astimezone(zone).date() for at, _ in ctx.earlier_doses]
    if not others:
        return []
    if day in others:
        return [
            {"field": "administered_at", "message": "Another esketamine dose was given that day"}
        ]
    first = min([*others, day])
    week = (day - first).days // 7
    same_week = [d for d in others if (d - first).days // 7 == week]
    p = _phase(week + 1, f)
    if len(same_week) >= p.max_per_week:
        given = ", ".join(d.isoformat() for d in sorted(same_week))
        return [
            {
                "field": "administered_at",
                "message": f"{p.name}: at most {p.max_per_week} dose(s) in treatment week "
                f"{week + 1}, already given {given}",
            }
        ]
    return []


def above_guide(bp: BloodPressure, f: EsketamineFacts | None = None) -> bool:
    """Above the label's 140/90 guide (weigh benefit and risk; a prescriber decides)."""
    f = f or facts().esketamine
    return bp.above(f.bp_guide_systolic, f.bp_guide_diastolic)


def over_hard_stop(bp: BloodPressure | None, hard_stop: BloodPressure | None) -> bool:
    """At or above the clinic's own hard stop (no hard stop configured: never)."""
    if bp is None or hard_stop is None:
        return False
    return bp.systolic >= hard_stop.systolic or bp.diastolic >= hard_stop.diastolic


def refusals(rec: EsketamineRecord, ctx: EsketamineContext) -> list[dict[str, str]]:
    """Every rule the record breaks, as {field, message}; empty when it may be stored."""
    f = facts().esketamine
    out: list[dict[str, str]] = []

    def refuse(name: str, message: str) -> None:
        out.append({"field": name, "message": message})

    given = rec.administered_at
    if given > ctx.now:
        refuse("administered_at", "cannot be in the future")
    if ctx.enrolled_on is None:
        refuse(
            "rems_enrolment",
            "The patient must be enrolled in the Spravato REMS before the first dose",
        )
    elif ctx.enrolled_on > given.date():
        refuse("rems_enrolment", f"The REMS enrolment ({ctx.enrolled_on}) is after this dose")
    out.extend(_dose(rec, ctx, f))
    out.extend(_schedule(rec, ctx, f))
    out.extend(_pressure(rec, ctx, f))
    if rec.discharged_at is not None:
        out.extend(_discharge(rec, ctx, f))
    return out


def _dose(
    rec: EsketamineRecord, ctx: EsketamineContext, f: EsketamineFacts
) -> list[dict[str, str]]:
    allowed = ", ".join(f"{d} mg" for d in f.doses_mg)
    if rec.dose_mg not in f.doses_mg:
        return [{"field": "dose_mg", "message": f"must be one of {allowed} (28 mg devices)"}]
    earlier = [d for at, d in ctx.earlier_doses if at < rec.administered_at]
    if earlier:
        return []
    if rec.dose_mg in f.never_first_mg:
        return [
            {
                "field": "dose_mg",
                "message": f"{rec.dose_mg} mg is never a first dose: the label starts at "
                f"{f.first_dose_mg} mg ({f.first_dose_mg_older} mg at {f.older_age} and over)",
            }
        ]
    expected = first_dose_expected(ctx.age_years, f)
    if expected is not None and rec.dose_mg != expected:
        return [
            {
                "field": "dose_mg",
                "message": f"The first dose at age {ctx.age_years} is {expected} mg by the label",
            }
        ]
    return []


def _pressure(
    rec: EsketamineRecord, ctx: EsketamineContext, f: EsketamineFacts
) -> list[dict[str, str]]:
    out = []
    if over_hard_stop(rec.bp_pre, ctx.hard_stop):
        out.append(
            {
                "field": "bp_pre",
                "message": f"{rec.bp_pre} is at or above the clinic's hard stop "
                f"({ctx.hard_stop}): no dose today",
            }
        )
    decision = rec.prescriber_decision
    guide = f"{f.bp_guide_systolic}/{f.bp_guide_diastolic}"
    if above_guide(rec.bp_pre, f) and decision is None:
        out.append(
            {
                "field": "prescriber_decision",
                "message": f"Blood pressure {rec.bp_pre} is above {guide}: a prescriber must "
                "decide, with a reason, before dosing",
            }
        )
    if decision is not None and not decision.proceed:
        out.append(
            {
                "field": "prescriber_decision.proceed",
                "message": "The prescriber decided not to dose: a dose cannot be recorded",
            }
        )
    return out


def _discharge(
    rec: EsketamineRecord, ctx: EsketamineContext, f: EsketamineFacts
) -> list[dict[str, str]]:
    assert rec.discharged_at is not None
    out = []
    earliest = rec.administered_at + timedelta(minutes=f.observation_minutes)
    if rec.discharged_at > ctx.now:
        out.append({"field": "discharged_at", "message": "cannot be in the future"})
    if rec.discharged_at < earliest:
        minutes = int((rec.discharged_at - rec.administered_at).total_seconds() // 60)
        out.append(
            {
                "field": "discharged_at",
                "message": f"Discharge {minutes} minutes after the dose is refused: the REMS "
                f"requires at least {f.observation_minutes} minutes of monitoring",
            }
        )
    if rec.bp_40min is None:
        out.append(
            {
                "field": "bp_40min",
                "message": f"is required: BP about {f.bp_recheck_minutes} min after the dose",
            }
        )
    if rec.bp_discharge is None:
        out.append({"field": "bp_discharge", "message": "is required: BP before discharge"})
    for name, label in (
        ("sedation_resolved", "sedation"),
        ("dissociation_resolved", "dissociation"),
    ):
        if not getattr(rec, name):
            out.append({"field": name, "message": f"Discharge refused until {label} has resolved"})
    if rec.respiratory_depression and not rec.respiratory_depression_resolved:
        out.append(
            {
                "field": "respiratory_depression_resolved",
                "message": "Discharge refused until respiratory depression has resolved",
            }
        )
    return out


def monitoring_minutes(rec: EsketamineRecord) -> int | None:
    """Minutes from the first device to the end of monitoring (the REMS form asks)."""
    if rec.discharged_at is None:
        return None
    return int((rec.discharged_at - rec.administered_at).total_seconds() // 60)


def form_due_on(session_on: date) -> date:
    """When the REMS Patient Monitoring Form of a session is due."""
    return session_on + timedelta(days=facts().esketamine.form_due_days)
