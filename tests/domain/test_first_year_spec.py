"""Spec tables for the first 12 months (maintenance included) and Original Medicare cost sharing.

List prices (evidence sections A, C, D, G, J):
- TMS: course $6,000–12,000; a repeat is a possible extra: 16 sessions x $200–300 = $3,200–4,800
  (36.2% had TMS again within 12 months, DUNNER-2014), not covered (CMS-A57598, AETNA-CPB0469),
  so it adds to the high end only and is paid in full: first year $6,000–16,800.
- IV ketamine: 6–8 infusions x $400–800 = $2,400–6,400, then a booster every 2–6 weeks for the
  rest of the year (unconfirmed): weeks 52-4=48 // 6 = 8 to 52-2=50 // 2 = 25 boosters x
  $400–800 = $3,200–20,000: first year $5,600–26,400.
- Esketamine: two sources disagree, the range spans both: ROSS-2020 $7,300–7,850 course + 10
  months x $1,700–2,250 = $24,300–30,350; STAT-ESKETAMINE-2019 $33,000–49,200 a year:
  first year $24,300–49,200 (insured like the course).
- Accelerated iTBS and ECT: no price in the evidence, so not known (never zero).
Medicare (CMS-2026-PARTB, TMS only): the person's missing deductible is $283 and missing
coinsurance 20%; no cap is invented. rTMS course: 283 + 0.2 x (6,000-283) = 1,426.4 (floor) to
283 + 0.2 x (12,000-283) = 2,626.4 (ceil 2,627).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.domain.helpers import assess, option, request
from tests.domain.test_costs_spec import ins
from trdnav.domain.assessment import Engine
from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.evidence.loader import DATA_DIR, EvidenceError, default_evidence, load_evidence
from trdnav.platform.clinics import load_clinic

Pair = tuple[int, int] | None


def _pair(r: Any) -> Pair:
    return None if r is None else (r.low, r.high)


NO_TRIALS: dict[str, Any] = {"antidepressant_trials": []}
SEIZURE: dict[str, Any] = {"medical_history": {"seizure_history": True}}

# A row: option, change to the baseline person -> first-year list price, first-year out of pocket.
# fmt: off
FIRST_YEAR_ROWS = [
    ("rtms",             ins(plan="self_pay"),                         (6000, 16800), (6000, 16800)),
    ("deep_tms",         ins(plan="self_pay"),                         (6000, 16800), (6000, 16800)),
    # A repeat TMS course is not covered: paid in full, outside the out-of-pocket maximum.
    ("rtms",             ins(d=1200, c=0.2, m=4000),                   (6000, 16800), (2160, 8160)),
    ("rtms",             ins(d=0, c=0),                                (6000, 16800), (0, 4800)),
    ("iv_ketamine",      ins(d=0, c=0, m=0),                           (5600, 26400), (5600, 26400)),  # unlikely covered
    ("iv_ketamine",      ins(plan="self_pay"),                         (5600, 26400), (5600, 26400)),
    # Esketamine maintenance is insured like the course: 20% of $24,300 to 20% of $49,200.
    ("esketamine",       ins(d=0, c=0.2),                              (24300, 49200), (4860, 9840)),
    ("esketamine",       ins(d=1200, c=0.2, m=4000),                   (24300, 49200), (4000, 4000)),  # the maximum caps the year
    ("esketamine",       {**ins(d=0, c=0.2), **NO_TRIALS},             (24300, 49200), (4860, 49200)),  # possible: may not be covered
    ("esketamine",       ins(),                                        (24300, 49200), (0, 49200)),     # nothing known: widest
    ("esketamine",       ins(plan="self_pay"),                         (24300, 49200), (24300, 49200)),
    ("accelerated_itbs", ins(plan="self_pay"),                         None,           None),
    ("ect",              ins(d=0, c=0.2),                              None,           None),
]
# fmt: on


@pytest.mark.parametrize(
    ("option_id", "change", "list_price", "oop"),
    FIRST_YEAR_ROWS,
    ids=[f"{r[0]} {r[1]['insurance']} -> {r[2]}, {r[3]}" for r in FIRST_YEAR_ROWS],
)
def test_first_year_row(
    option_id: str, change: dict[str, Any], list_price: Pair, oop: Pair
) -> None:
    cost = option(assess(request(**change)), option_id).cost
    assert _pair(cost.first_year_list_price) == list_price
    assert _pair(cost.first_year_out_of_pocket) == oop
    if list_price is None:
        assert cost.first_year_estimates == [] and cost.first_year_source_ids == []
    else:
        assert cost.first_year_basis and cost.first_year_source_ids
        assert all(e.source_ids for e in cost.first_year_estimates)


# A row: option, change -> course out of pocket, first-year out of pocket, Part B assumed?
# fmt: off
MEDICARE_ROWS = [
    ("rtms",        ins(plan="medicare"),                        (1426, 2627),  (1426, 7427),  True),
    ("deep_tms",    ins(plan="medicare"),                        (1426, 2627),  (1426, 7427),  True),
    ("rtms",        ins(plan="medicare", d=0),                   (1200, 2400),  (1200, 7200),  True),   # only the coinsurance assumed
    ("rtms",        ins(plan="medicare", c=0.1),                 (854, 1455),   (854, 6255),   True),   # 283 + 10% of the rest
    ("rtms",        ins(plan="medicare", d=0, c=0.1),            (600, 1200),   (600, 6000),   False),  # the person's own numbers
    ("rtms",        ins(plan="medicare", m=1000),                (1000, 1000),  (1000, 5800),  True),   # the person's own cap only
    ("rtms",        {**ins(plan="medicare"), **NO_TRIALS},       (1426, 12000), (1426, 16800), True),   # possible
    ("rtms",        {**ins(plan="medicare"), **SEIZURE},         (6000, 12000), (6000, 16800), False),  # excluded: the whole price
    ("esketamine",  ins(plan="medicare"),                        (0, 7850),     (0, 49200),    False),  # no Part B figure for it
    ("iv_ketamine", ins(plan="medicare"),                        (2400, 6400),  (5600, 26400), False),
    ("rtms",        ins(plan="commercial"),                      (0, 12000),    (0, 16800),    False),  # Medicare's numbers only
]
# fmt: on


@pytest.mark.parametrize(
    ("option_id", "change", "course", "year", "assumed"),
    MEDICARE_ROWS,
    ids=[f"{r[0]} {r[1]} -> {r[2]}, {r[3]}" for r in MEDICARE_ROWS],
)
def test_medicare_row(
    option_id: str, change: dict[str, Any], course: Pair, year: Pair, assumed: bool
) -> None:
    result = assess(request(**change))
    cost = option(result, option_id).cost
    assert _pair(cost.estimated_out_of_pocket) == course
    assert _pair(cost.first_year_out_of_pocket) == year
    shared = cost.assumed_cost_sharing
    assert (shared is not None) == assumed
    if shared is not None:
        assert shared.source_ids == ["CMS-2026-PARTB"] and "CMS-2026-PARTB" in result.sources
        assert "Original Medicare" in shared.text and "ask your plan" in shared.text


def test_esketamine_spans_both_sources_and_cites_both() -> None:
    cost = option(assess(request(**ins(plan="self_pay"))), "esketamine").cost
    by_source = {tuple(e.source_ids): _pair(e.list_price) for e in cost.first_year_estimates}
    assert by_source == {
        ("ROSS-2020",): (24300, 30350),
        ("SPRAVATO-PI", "STAT-ESKETAMINE-2019"): (33000, 49200),
    }
    assert {"ROSS-2020", "SPRAVATO-PI", "STAT-ESKETAMINE-2019"} <= set(cost.first_year_source_ids)


def test_ketamine_boosters_are_unconfirmed_with_their_arithmetic() -> None:
    cost = option(assess(request(**ins(plan="self_pay"))), "iv_ketamine").cost
    (est,) = cost.first_year_estimates
    assert est.unconfirmed and "CLINIC-PAGES-2026" in est.source_ids
    assert (_pair(est.course), _pair(est.count), _pair(est.unit_price)) == (
        (2400, 6400),
        (8, 25),
        (400, 800),
    )
    assert _pair(est.after_course) == (8 * 400, 25 * 800)
    assert cost.course_list_price is not None and (cost.course_list_price.high == 8 * 800)


def test_tms_repeat_is_a_possible_uncovered_extra() -> None:
    cost = option(assess(request(**ins(plan="self_pay"))), "rtms").cost
    (est,) = cost.first_year_estimates
    assert est.possible and not est.insured
    assert "36.2%" in est.text and "DUNNER-2014" in est.source_ids
    assert {"CMS-A57598", "AETNA-CPB0469"} <= set(est.source_ids)


def test_low_cost_compares_the_first_year() -> None:
    """Self-pay, only cost matters: esketamine's course ($7,300–7,850) is cheaper than rTMS's
    ($6,000–12,000), but with maintenance its first year ($24,300–49,200) is dearer
    ($6,000–16,800), so rTMS fits better."""
    prefs = dict.fromkeys(
        ["fast_relief", "lasting_results", "few_side_effects", "avoid_medication"], 0
    ) | {"drive_myself": 0, "few_visits": 0, "low_cost": 4}
    result = assess(request(**ins(plan="self_pay"), preferences=prefs))
    rtms, esk = option(result, "rtms"), option(result, "esketamine")
    assert rtms.fit > esk.fit
    assert result.ranking.index("rtms") < result.ranking.index("esketamine")
    assert any("first 12 months" in r for r in rtms.fit_reasons)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "options/esketamine.toml",
            "year = { low = 33000, high = 49200 }",
            "year = { low = 33000, high = 49200 }\ncount = { low = 1, high = 1 }",
            r"esketamine.toml: first_year.estimates.1: .*`year` is a whole-year price",
        ),
        (
            "options/iv_ketamine.toml",
            "every_weeks = { low = 2, high = 6 }",
            "every_weeks = { low = 0, high = 6 }",
            r"iv_ketamine.toml: first_year.estimates.0: .*every_weeks must be at least 1",
        ),
        (
            "options/iv_ketamine.toml",
            "every_weeks = { low = 2, high = 6 }",
            "count = { low = 2, high = 6 }\nevery_weeks = { low = 2, high = 6 }",
            r"iv_ketamine.toml: first_year.estimates.0: .*exactly one of `count` or `every_weeks`",
        ),
        (
            "options/rtms.toml",
            'source_ids = ["CMS-2026-PARTB"]',
            'source_ids = ["CMS-2099"]',
            r"rtms.toml: medicare_part_b.source_ids: unknown source id 'CMS-2099'",
        ),
        (
            "options/esketamine.toml",
            'source_ids = ["ROSS-2020"]\n\n[[first_year.estimates]]\ntext = "List price 2019',
            'source_ids = []\n\n[[first_year.estimates]]\ntext = "List price 2019',
            r"esketamine.toml: first_year.estimates.0.source_ids: List should have at least 1 item",
        ),
        (
            "options/rtms.toml",
            "coinsurance = 0.2\n",
            "coinsurance = 20\n",
            r"rtms.toml: medicare_part_b.coinsurance: .*less than or equal to 1",
        ),
    ],
)
def test_defects_in_cost_sections_stop_loading(
    data_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    path = data_copy / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(EvidenceError, match=message):
        load_evidence(data_copy)


def test_first_year_needs_a_price(data_copy: Path) -> None:
    path = data_copy / "options/iv_ketamine.toml"
    text = path.read_text()
    start, end = text.index("[price]"), text.index("[first_year]")
    path.write_text(text[:start] + text[end:])
    with pytest.raises(EvidenceError, match=r"first_year and medicare_part_b need a \[price\]"):
        load_evidence(data_copy)


def test_a_clinic_price_starts_the_first_year_and_is_cited() -> None:
    """The clinic's own rTMS course price ($9,000) replaces the evidence course price; the
    possible repeat (16 x $200–300) still comes from the evidence."""
    demo = load_clinic()
    clinic = ClinicConfig.model_validate(
        {**demo.model_dump(), "prices": {"rtms": {"course": {"low": 9000, "high": 9000}}}}
    )
    result = Engine(default_evidence(), clinic).assess(request(**ins(plan="self_pay")))
    cost = option(result, "rtms").cost
    assert _pair(cost.first_year_list_price) == (9000, 9000 + 16 * 300)
    assert "CLINIC-PRICES-DEMO" in cost.first_year_source_ids
    assert set(cost.first_year_source_ids) <= set(result.sources)
