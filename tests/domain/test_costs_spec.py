"""Spec tables for coverage likelihood and out-of-pocket arithmetic.

Arithmetic: the deductible first, then coinsurance on the rest, capped by the out-of-pocket
maximum; unknown numbers widen the range (never guessed). rTMS list price is $6,000–12,000.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.helpers import assess, describe, option, request, word
from trdnav.domain.assessment import Engine
from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.evidence.loader import default_evidence
from trdnav.platform.clinics import load_clinic

Money = float | None


def ins(plan: str | None = "commercial", d: Money = None, c: Money = None, m: Money = None) -> Any:
    """Insurance: plan, deductible remaining, coinsurance, out-of-pocket maximum remaining."""
    return {
        "insurance": {
            "plan": plan,
            "deductible_remaining": d,
            "coinsurance": c,
            "out_of_pocket_max_remaining": m,
        }
    }


def _insurance(change: dict[str, Any]) -> str:
    i = change["insurance"]
    known = [
        f"{label} {i[key]:g}"
        for label, key in (
            ("deductible", "deductible_remaining"),
            ("coinsurance", "coinsurance"),
            ("max", "out_of_pocket_max_remaining"),
        )
        if i[key] is not None
    ]
    plan = i["plan"] if i["plan"] not in (None, "unknown") else f"plan {word(i['plan'])}"
    return ", ".join([plan, *known])


def row(option_id: str, change: dict[str, Any], coverage: str, oop: tuple[int, int] | None) -> Any:
    rest = describe({k: v for k, v in change.items() if k != "insurance"})
    shown = _insurance(change) + ("" if rest == "baseline" else f", {rest}")
    cost = "no price" if oop is None else f"{oop[0]}..{oop[1]}"
    return pytest.param(
        option_id, change, coverage, oop, id=f"{option_id} | {shown} -> {coverage}, {cost}"
    )


ONE_FAILED = [{"name": "a", "adequate": True, "outcome": "no_response"}]

# A row: option, change to the baseline person, expected coverage, out of pocket (low, high) or
# None when no price is known.
# fmt: off
ROWS = [
    row("rtms",             ins(d=1200, c=0.2, m=4000),                                                "likely",   (2160, 3360)),
    row("rtms",             ins(d=20000, c=0.2),                                                       "likely",   (6000, 12000)),  # deductible above the course price
    row("rtms",             ins(d=0, c=0),                                                             "likely",   (0, 0)),         # zero coinsurance, deductible met
    row("rtms",             ins(d=1200, c=0.2, m=0),                                                   "likely",   (0, 0)),         # out-of-pocket maximum already met
    row("rtms",             ins(d=1000, c=0.5, m=2000),                                                "likely",   (2000, 2000)),   # capped by the maximum
    row("rtms",             ins(d=1000, c=1.0, m=None),                                                "likely",   (6000, 12000)),
    row("rtms",             ins(plan="self_pay", d=0, c=0, m=0),                                       "self_pay", (6000, 12000)),
    row("rtms",             ins(),                                                                     "likely",   (0, 12000)),     # nothing known: from nothing to the full price
    row("rtms",             ins(d=500, m=3000),                                                        "likely",   (500, 3000)),    # unknown coinsurance, capped
    row("rtms",             ins(d=500, c=0.1),                                                         "likely",   (1050, 1650)),
    # Criteria unmet -> "possible": the high end is the full price (it may not be covered).
    row("rtms",             {**ins(d=1000, c=0.2, m=1500), "psychotherapy_trial": False},              "possible", (1500, 12000)),
    row("rtms",             {**ins(d=1000, c=0.2), "phq9_items": None, "phq9_total": 12},              "possible", (2000, 12000)),
    row("rtms",             {**ins(plan="medicare", d=0, c=0.2), "antidepressant_trials": []},         "possible", (1200, 12000)),
    row("rtms",             {**ins(plan="medicare", d=0, c=0.2), "antidepressant_trials": ONE_FAILED}, "likely",   (1200, 2400)),
    # Payer exclusions (LCD): a seizure history or neurological disease makes Medicare coverage
    # unlikely; an unknown answer keeps it at "possible", never "likely".
    row("rtms",             {**ins(plan="medicare", d=0, c=0.2), "medical_history": {"seizure_history": True}},        "unlikely", (6000, 12000)),
    row("deep_tms",         {**ins(plan="medicare", d=0, c=0.2), "medical_history": {"seizure_history": True}},        "unlikely", (6000, 12000)),
    row("rtms",             {**ins(plan="medicare", d=0, c=0.2), "medical_history": {"seizure_history": None}},        "possible", (1200, 12000)),
    row("rtms",             {**ins(plan="medicare", d=0, c=0.2), "medical_history": {"neurological_condition": True}}, "unlikely", (6000, 12000)),
    row("rtms",             {**ins(plan="medicare", d=0, c=0.2), "medical_history": {"psychosis": "current"}},         "unlikely", (6000, 12000)),
    row("rtms",             {**ins(plan="medicare", d=0, c=0.2), "medical_history": {"psychosis": "past"}},            "likely",   (1200, 2400)),
    row("rtms",             {**ins(d=0, c=0.2), "medical_history": {"seizure_history": True}},                         "likely",   (1200, 2400)),  # the exclusion is Medicare's
    row("rtms",             ins(plan="military"),                                                      "possible", (0, 12000)),
    row("rtms",             ins(plan=None),                                                            "possible", (0, 12000)),
    row("rtms",             ins(plan="unknown", d=100, c=0.1),                                         "possible", (690, 12000)),
    # IV ketamine is usually self-pay: the full list price ($400–800 x 6–8 infusions).
    row("iv_ketamine",      ins(d=0, c=0, m=0),                                                        "unlikely", (2400, 6400)),
    row("iv_ketamine",      ins(plan="medicare", d=0, c=0),                                            "unlikely", (2400, 6400)),
    # Esketamine: likely when the approved TRD indication is met.
    row("esketamine",       ins(d=0, c=0.2),                                                           "likely",   (1460, 1570)),
    row("esketamine",       {**ins(d=0, c=0.2), "antidepressant_trials": []},                          "possible", (1460, 7850)),
    # No price in the evidence: unknown, not zero.
    row("accelerated_itbs", ins(d=0, c=0.2),                                                           "unlikely", None),
    row("ect",              ins(d=0, c=0.2),                                                           "possible", None),
]
# fmt: on


@pytest.mark.parametrize(("option_id", "change", "coverage", "oop"), ROWS)
def test_cost_row(
    option_id: str, change: dict[str, Any], coverage: str, oop: tuple[int, int] | None
) -> None:
    result = option(assess(request(**change)), option_id)
    assert result.coverage == coverage
    got = result.cost.estimated_out_of_pocket
    assert (None if got is None else (got.low, got.high)) == oop
    if oop is None:
        assert result.cost.course_list_price is None
    else:
        assert result.cost.source_ids, "every price carries its sources"


def test_clinic_price_override_is_used_and_cited() -> None:
    demo = load_clinic()
    clinic = ClinicConfig.model_validate(
        {**demo.model_dump(), "prices": {"rtms": {"course": {"low": 9000, "high": 9000}}}}
    )
    result = Engine(default_evidence(), clinic).assess(request(**ins(plan="self_pay")))
    rtms = option(result, "rtms")
    assert rtms.cost.course_list_price is not None
    assert (rtms.cost.course_list_price.low, rtms.cost.course_list_price.high) == (9000, 9000)
    assert rtms.cost.source_ids == ["CLINIC-PRICES-DEMO"]
    assert "CLINIC-PRICES-DEMO" in result.sources
    assert demo.name in result.sources["CLINIC-PRICES-DEMO"].citation


def test_a_payer_exclusion_names_itself_in_the_coverage_note() -> None:
    """Medicare + seizure history: TMS is "unlikely" and the note cites the LCD exclusion."""
    change = {**ins(plan="medicare"), "medical_history": {"seizure_history": True}}
    rtms = option(assess(request(**change)), "rtms")
    assert rtms.coverage == "unlikely"
    assert rtms.coverage_note is not None
    assert "excludes" in rtms.coverage_note.text
    assert rtms.coverage_note.source_ids == ["LCD-L34522"]
    unknown = {**ins(plan="medicare"), "medical_history": {"seizure_history": None}}
    note = option(assess(request(**unknown)), "rtms").coverage_note
    assert note is not None and "not known" in note.text


# Cost is scored against the other options (cheapest 1, dearest 0); unknown is never neutral.
# fmt: off
COST_ROWS = [
    # (low, high) out of pocket or None, the options' span of midpoints -> score
    ((1000, 3000), (2000.0, 10000.0), 1.0),    # the cheapest
    ((9000, 11000), (2000.0, 10000.0), 0.0),   # the dearest
    ((5000, 7000), (2000.0, 10000.0), 0.5),    # half way
    ((4000, 4000), (4000.0, 4000.0), 1.0),     # every option costs the same
    (None, (2000.0, 10000.0), 0.0),            # no price: counted as the costliest
    (None, None, 0.0),
]
# fmt: on


@pytest.mark.parametrize(("oop", "span", "score"), COST_ROWS)
def test_cost_score_row(oop: Any, span: Any, score: float) -> None:
    from trdnav.domain.fit import cost_score
    from trdnav.domain.results import IntRange

    got, why = cost_score(None if oop is None else IntRange(low=oop[0], high=oop[1]), span)
    assert got == pytest.approx(score)
    assert ("not known" in why) == (oop is None)


def test_unlikely_coverage_and_unknown_price_are_never_neutral() -> None:
    """Medicare: IV ketamine is "unlikely" covered, so its whole price counts; accelerated
    iTBS has no price, so it counts as the costliest; neither scores a neutral 0.5."""
    result = assess(request(**ins(plan="medicare", d=0, c=0.2), preferences={"low_cost": 4}))
    ket = option(result, "iv_ketamine")
    assert ket.coverage == "unlikely"
    assert ket.cost.estimated_out_of_pocket == ket.cost.course_list_price
    itbs = option(result, "accelerated_itbs")
    assert itbs.cost.estimated_out_of_pocket is None
    assert any("counts as the costliest" in r for r in itbs.fit_reasons)
