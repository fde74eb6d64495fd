"""Invariants of the engine over generated requests (Hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.helpers import engine
from trdnav.domain.assessment import Engine
from trdnav.domain.evidence.loader import load_evidence
from trdnav.domain.requests import CONDITIONS, PREFERENCE_KEYS, AssessmentRequest, MedicalHistory
from trdnav.domain.results import AssessmentResult
from trdnav.platform.clinics import load_clinic


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


BOOL_FIELDS = [n for n, f in MedicalHistory.model_fields.items() if f.annotation == (bool | None)]
history = st.fixed_dictionaries(
    {},
    optional={
        **{name: maybe(st.booleans()) for name in BOOL_FIELDS},
        "hypertension": maybe(st.sampled_from(["none", "controlled", "uncontrolled"])),
        "psychosis": maybe(st.sampled_from(["none", "past", "current"])),
        "substance_use_disorder": maybe(st.sampled_from(["none", "past", "current"])),
    },
)
trial = st.fixed_dictionaries(
    {"name": st.sampled_from(["sertraline", "bupropion", "venlafaxine"])},
    optional={
        "adequate": maybe(st.booleans()),
        "outcome": maybe(
            st.sampled_from(["no_response", "partial_response", "intolerable", "response"])
        ),
    },
)
money = st.floats(min_value=0, max_value=50_000, allow_nan=False)
requests = st.builds(
    dict,
    age=st.integers(0, 120),
    conditions=st.lists(st.sampled_from(CONDITIONS), min_size=1, max_size=3, unique=True),
    pregnancy=maybe(st.sampled_from(["no", "yes", "planning", "breastfeeding", "unknown"])),
    phq9_items=maybe(st.lists(st.integers(0, 3), min_size=9, max_size=9)),
    phq9_total=maybe(st.integers(0, 27)),
    suicidal_thoughts=maybe(st.sampled_from(["none", "passive", "active", "active_with_plan"])),
    antidepressant_trials=maybe(st.lists(trial, max_size=5)),
    augmentation_trials=maybe(st.integers(0, 5)),
    psychotherapy_trial=maybe(st.booleans()),
    medical_history=history,
    preferences=st.fixed_dictionaries(
        {}, optional=dict.fromkeys(PREFERENCE_KEYS, maybe(st.integers(0, 4)))
    ),
    insurance=st.fixed_dictionaries(
        {},
        optional={
            "plan": maybe(
                st.sampled_from(
                    ["medicare", "medicaid", "commercial", "military", "self_pay", "unknown"]
                )
            ),
            "deductible_remaining": maybe(money),
            "coinsurance": maybe(st.floats(min_value=0, max_value=1, allow_nan=False)),
            "out_of_pocket_max_remaining": maybe(money),
        },
    ),
).map(AssessmentRequest.model_validate)


@settings(max_examples=300, deadline=None)
@given(requests)
def test_ranking_holds_exactly_the_eligible_and_caution_options_best_fit_first(
    req: AssessmentRequest,
) -> None:
    result = engine().assess(req)
    by_id = {o.id: o for o in result.options}
    assert set(result.ranking) == {
        o.id for o in result.options if o.candidacy in ("eligible", "caution")
    }
    assert all(
        by_id[i].candidacy not in ("contraindicated", "not_indicated") for i in result.ranking
    )
    fits = [by_id[i].fit for i in result.ranking]
    assert fits == sorted(fits, reverse=True)
    for o in result.options:
        assert 0 <= o.fit <= 100
        if o.candidacy in ("contraindicated", "not_indicated"):
            assert o.fit == 0
        if any(f.level == "contraindication" for f in o.findings):
            assert o.candidacy == "contraindicated"


@settings(max_examples=300, deadline=None)
@given(requests)
def test_out_of_pocket_never_exceeds_list_price_or_the_maximum(req: AssessmentRequest) -> None:
    cap = req.insurance.out_of_pocket_max_remaining
    for o in engine().assess(req).options:
        oop, price = o.cost.estimated_out_of_pocket, o.cost.course_list_price
        if price is None:
            assert oop is None
            continue
        assert oop is not None
        assert 0 <= oop.low <= oop.high <= price.high
        if o.coverage == "likely" and cap is not None:
            assert oop.high <= cap
        # The first 12 months: known exactly when the course price is, never below the course.
        year, year_price = o.cost.first_year_out_of_pocket, o.cost.first_year_list_price
        assert (year is None) == (year_price is None)
        if year is not None and year_price is not None:
            assert oop.low <= year.low <= year.high <= year_price.high
            assert oop.high <= year.high and price.high <= year_price.high


@settings(max_examples=200, deadline=None)
@given(requests)
def test_result_validates_and_every_cited_source_is_listed(req: AssessmentRequest) -> None:
    result = engine().assess(req)
    again = AssessmentResult.model_validate_json(result.model_dump_json())
    assert again == result
    assert len(result.options) == 6
    cited = set()
    for o in result.options:
        assert o.outcomes.source_ids and o.course.source_ids
        cited |= {s for f in o.findings for s in f.source_ids}
        cited |= set(o.outcomes.source_ids) | set(o.cost.source_ids) | set(o.course.source_ids)
        cost = o.cost
        assert (cost.first_year_list_price is None) == (not cost.first_year_source_ids)
        cited |= set(cost.first_year_source_ids)
        for e in cost.first_year_estimates:
            assert e.source_ids and set(e.source_ids) <= set(cost.first_year_source_ids)
        if cost.assumed_cost_sharing is not None:
            cited |= set(cost.assumed_cost_sharing.source_ids)
    assert cited <= set(result.sources)
    total = result.severity.phq9_total
    assert total is None or 0 <= total <= 27


@settings(max_examples=100, deadline=None)
@given(requests)
def test_same_input_same_output(req: AssessmentRequest) -> None:
    other = Engine(load_evidence(), load_clinic())  # a separate engine, evidence read again
    first = engine().assess(req).model_dump_json()
    assert engine().assess(req).model_dump_json() == first
    assert (
        other.assess(AssessmentRequest.model_validate_json(req.model_dump_json())).model_dump_json()
        == first
    )


@settings(max_examples=200, deadline=None)
@given(requests)
def test_self_harm_always_raises_the_alert(req: AssessmentRequest) -> None:
    alerts = {a.code for a in engine().assess(req).alerts}
    item9 = req.phq9_items[8] if req.phq9_items else 0
    if item9 > 0 or req.suicidal_thoughts not in (None, "none"):
        assert "suicide_risk" in alerts
    else:
        assert "suicide_risk" not in alerts
