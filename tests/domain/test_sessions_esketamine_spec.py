"""Spec table for the esketamine session rules (SPRAVATO-PI, SPRAVATO-REMS): one row = what
differs from a safe, complete 56 mg first dose -> the fields refused (empty: stored)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from trdnav.domain.sessions import esketamine
from trdnav.domain.sessions.facts import facts
from trdnav.domain.sessions.forms import BloodPressure, EsketamineRecord

GIVEN = datetime(2027, 1, 5, 15, 0, tzinfo=UTC)
NOW = GIVEN + timedelta(hours=4)
ENROLLED = date(2027, 1, 2)
SAFE: dict[str, Any] = {
    "kind": "esketamine",
    "dose_mg": 56,
    "administered_at": GIVEN,
    "bp_pre": {"systolic": 130, "diastolic": 85},
    "bp_40min": {"systolic": 138, "diastolic": 88},
    "bp_discharge": {"systolic": 128, "diastolic": 80},
    "sedation_resolved": True,
    "dissociation_resolved": True,
    "discharged_at": GIVEN + timedelta(minutes=120),
}
DECIDED = {"proceed": True, "reason": "Rechecked after rest; benefit outweighs risk"}
HARD = {"systolic": 180, "diastolic": 110}
EARLIER_56 = [(GIVEN - timedelta(days=3), 56)]
D = timedelta(days=1)
WEEK1_TWO = [(GIVEN - 4 * D, 56), (GIVEN - 2 * D, 56)]  # first dose 4 days ago: week 1
WEEK5_ONE = [(GIVEN - 30 * D, 56), (GIVEN - 2 * D, 56)]  # first dose 30 days ago: week 5
WEEK9_ONE = [(GIVEN - 57 * D, 56), (GIVEN - 1 * D, 84)]  # first dose 57 days ago: week 9


def row(name: str, record: dict[str, Any], ctx: dict[str, Any], refused: set[str]) -> Any:
    return pytest.param(record, ctx, refused, id=name)


# fmt: off
ROWS = [
    row("safe first dose",                     {},                                              {},                                   set()),
    row("not enrolled in the REMS",            {},                                              {"enrolled_on": None},                {"rems_enrolment"}),
    row("enrolled after the dose",             {},                                              {"enrolled_on": date(2027, 1, 6)},    {"rems_enrolment"}),
    row("enrolled the same day",               {},                                              {"enrolled_on": date(2027, 1, 5)},    set()),
    row("84 mg as the first dose",             {"dose_mg": 84},                                 {},                                   {"dose_mg"}),
    row("84 mg after a 56 mg start",           {"dose_mg": 84},                                 {"earlier_doses": EARLIER_56},        set()),
    row("56 mg after a 56 mg start",           {},                                              {"earlier_doses": EARLIER_56},        set()),
    row("28 mg first under 65",                {"dose_mg": 28},                                 {},                                   {"dose_mg"}),
    row("28 mg first at 65",                   {"dose_mg": 28},                                 {"age_years": 65},                    set()),
    row("56 mg first at 70",                   {},                                              {"age_years": 70},                    {"dose_mg"}),
    row("56 mg first, age unknown",            {},                                              {"age_years": None},                  set()),
    row("84 mg first, age unknown",            {"dose_mg": 84},                                 {"age_years": None},                  {"dose_mg"}),
    row("a dose not made of 28 mg devices",    {"dose_mg": 42},                                 {},                                   {"dose_mg"}),
    row("BP 140/90 is not above the guide",    {"bp_pre": {"systolic": 140, "diastolic": 90}},  {},                                   set()),
    row("BP 141/80 without a decision",        {"bp_pre": {"systolic": 141, "diastolic": 80}},  {},                                   {"prescriber_decision"}),
    row("BP 130/91 without a decision",        {"bp_pre": {"systolic": 130, "diastolic": 91}},  {},                                   {"prescriber_decision"}),
    row("BP 150/95 with a decision",           {"bp_pre": {"systolic": 150, "diastolic": 95}, "prescriber_decision": DECIDED}, {},   set()),
    row("decision not to dose",                {"prescriber_decision": {"proceed": False, "reason": "Too high"}}, {},                 {"prescriber_decision.proceed"}),
    row("BP at the clinic hard stop",          {"bp_pre": {"systolic": 180, "diastolic": 95}, "prescriber_decision": DECIDED}, {"hard_stop": HARD}, {"bp_pre"}),
    row("BP under the clinic hard stop",       {"bp_pre": {"systolic": 179, "diastolic": 109}, "prescriber_decision": DECIDED}, {"hard_stop": HARD}, set()),
    row("discharged at 119 minutes",           {"discharged_at": GIVEN + timedelta(minutes=119)}, {},                                 {"discharged_at"}),
    row("discharged at 120 minutes",           {"discharged_at": GIVEN + timedelta(minutes=120)}, {},                                 set()),
    row("discharged with sedation",            {"sedation_resolved": False},                    {},                                   {"sedation_resolved"}),
    row("discharged with dissociation",        {"dissociation_resolved": False},                {},                                   {"dissociation_resolved"}),
    row("respiratory depression unresolved",   {"respiratory_depression": True},                {},                                   {"respiratory_depression_resolved"}),
    row("respiratory depression resolved",     {"respiratory_depression": True, "respiratory_depression_resolved": True}, {},          set()),
    row("discharged without BP at discharge",  {"bp_discharge": None},                          {},                                   {"bp_discharge"}),
    row("discharged without BP at 40 min",     {"bp_40min": None},                              {},                                   {"bp_40min"}),
    row("still monitoring: no discharge yet",  {"discharged_at": None, "bp_40min": None, "bp_discharge": None, "sedation_resolved": False}, {}, set()),
    row("third dose in induction week 1",     {},                                              {"earlier_doses": WEEK1_TWO},         {"administered_at"}),
    row("second dose in induction week",     {},                                              {"earlier_doses": EARLIER_56},        set()),
    row("second dose the same day",          {},                                              {"earlier_doses": [(GIVEN - timedelta(hours=3), 56)]}, {"administered_at"}),
    row("second dose in week 5 (weekly)",    {},                                              {"earlier_doses": WEEK5_ONE},         {"administered_at"}),
    row("first dose of week 5",              {},                                              {"earlier_doses": [(GIVEN - 30 * D, 56)]}, set()),
    row("second dose in week 9",             {},                                              {"earlier_doses": WEEK9_ONE},         {"administered_at"}),
    row("dose in the future",                  {"administered_at": NOW + timedelta(minutes=1), "discharged_at": None}, {},           {"administered_at"}),
    row("discharge in the future",             {"discharged_at": NOW + timedelta(minutes=5)},   {},                                   {"discharged_at"}),
]
# fmt: on


@pytest.mark.parametrize(("record", "ctx", "refused"), ROWS)
def test_esketamine_rule(record: dict[str, Any], ctx: dict[str, Any], refused: set[str]) -> None:
    rec = EsketamineRecord.model_validate({**SAFE, **record})
    hard = ctx.get("hard_stop")
    context = esketamine.EsketamineContext(
        now=NOW,
        enrolled_on=ctx.get("enrolled_on", ENROLLED),
        age_years=ctx.get("age_years", 46),
        earlier_doses=ctx.get("earlier_doses", []),
        hard_stop=BloodPressure.model_validate(hard) if hard else None,
    )
    errors = esketamine.refusals(rec, context)
    assert {e["field"] for e in errors} == refused
    assert all(e["message"] for e in errors)


# fmt: off
PHASES = [
    (date(2027, 1, 4), date(2027, 1, 4), 1, "Induction"),
    (date(2027, 1, 4), date(2027, 1, 31), 4, "Induction"),
    (date(2027, 1, 4), date(2027, 2, 1), 5, "Weeks 5–8"),
    (date(2027, 1, 4), date(2027, 2, 28), 8, "Weeks 5–8"),
    (date(2027, 1, 4), date(2027, 3, 1), 9, "Week 9 on"),
]
# fmt: on


@pytest.mark.parametrize(("first", "on", "week", "name"), PHASES)
def test_label_phase(first: date, on: date, week: int, name: str) -> None:
    got_week, got_name = esketamine.phase(first, on)
    assert got_week == week and got_name.startswith(name)


def test_facts_cite_known_sources() -> None:
    f = facts()
    assert f.esketamine.observation_minutes == 120 and f.esketamine.form_due_days == 7
    assert (f.esketamine.bp_guide_systolic, f.esketamine.bp_guide_diastolic) == (140, 90)
    assert "SPRAVATO-REMS" in f.esketamine.source_ids
