"""Questionnaire answers: per-step validation names the field; mapping follows the contract."""

from __future__ import annotations

from datetime import date

import pytest

from tests.features.aid.aid_data import COLIN, DANA, RILEY, variant
from trdnav.domain import alerts
from trdnav.domain.record import request_data
from trdnav.domain.requests import AssessmentRequest
from trdnav.features.aid.answers import crisis_alert, to_record, to_request, validate_step
from trdnav.features.aid.steps import STEP_NAMES


@pytest.mark.parametrize("step", STEP_NAMES)
def test_dana_every_step_is_valid(step: str) -> None:
    assert validate_step(step, DANA[step]) == {}


@pytest.mark.parametrize(
    ("step", "changes", "field", "message"),
    [
        ("about", {"age": ""}, "age", "Enter your answer."),
        ("about", {"age": "200"}, "age", "Enter a number from %(low)s to %(high)s."),
        ("about", {"age": "forty"}, "age", "Enter a whole number, for example 42."),
        ("about", {"pregnancy": "maybe"}, "pregnancy", "Choose from the options shown."),
        ("diagnosis", {"conditions": []}, "conditions", "Choose at least one."),
        ("diagnosis", {"conditions": ["flu"]}, "conditions", "Choose from the options shown."),
        ("feelings", {"phq9_9": ""}, "phq9_9", "Choose one."),
        ("feelings", {"phq9_3": "4"}, "phq9_3", "Choose from the options shown."),
        (
            "tried",
            {"trial_1_name": ""},
            "trial_1_name",
            "Enter the medicine's name, or clear this row.",
        ),
        ("health", {"cochlear_implant": ""}, "cochlear_implant", "Choose one."),
        (
            "insurance",
            {"coinsurance": "120"},
            "coinsurance",
            "Enter a number from %(low)s to %(high)s.",
        ),
        (
            "insurance",
            {"deductible_remaining": "-5"},
            "deductible_remaining",
            "Enter a number from %(low)s to %(high)s.",
        ),
    ],
)
def test_bad_answers_name_the_field(step: str, changes: dict, field: str, message: str) -> None:
    raw = {**DANA[step], **changes}
    assert validate_step(step, raw)[field] == message


def test_dana_maps_to_the_contract_request() -> None:
    request = to_request(DANA)
    assert request is not None
    assert request.age == 42
    assert request.conditions == ["major_depressive_disorder"]
    assert request.phq9_items == [2, 3, 2, 2, 1, 2, 2, 1, 0]
    assert request.suicidal_thoughts == "none"
    assert [t.name for t in request.antidepressant_trials or []] == ["sertraline", "bupropion"]
    assert request.antidepressant_trials and request.antidepressant_trials[1].outcome == (
        "partial_response"
    )
    assert request.medical_history.cochlear_implant is False
    assert request.preferences.low_cost == 3
    assert request.insurance.coinsurance == pytest.approx(0.2)
    assert request.logistics.travel_minutes is None  # not asked: nothing uses it
    assert request.episode_months is None


def test_i_dont_know_is_unknown_not_no() -> None:
    answers = variant(health={"seizure_history": "unknown", "psychosis": "unknown"})
    request = to_request(answers)
    assert request is not None
    assert request.medical_history.seizure_history is None
    assert request.medical_history.psychosis is None


def test_a_step_with_errors_contributes_nothing() -> None:
    answers = variant(insurance={"coinsurance": "120"})
    assert "insurance" not in request_data(to_record(answers), date(2026, 11, 24))


def test_missing_age_or_diagnosis_gives_no_request() -> None:
    assert to_request({}) is None
    assert to_request({"about": DANA["about"]}) is None
    assert to_request({"about": DANA["about"], "diagnosis": DANA["diagnosis"]}) is not None


def test_colin_has_a_cochlear_implant() -> None:
    request = to_request(COLIN)
    assert request is not None and request.medical_history.cochlear_implant is True


# Item 9 and the thoughts question, as typed (partial steps included) -> the panel's urgency.
@pytest.mark.parametrize(
    ("item9", "thoughts", "expected"),
    [
        ("0", "none", None),
        ("1", "none", "prompt"),
        ("0", "passive", "prompt"),
        ("0", "", None),
        ("", "active_with_plan", "urgent"),
        ("3", "active", "urgent"),
        ("3", "passive", "prompt"),
        ("", "", None),  # nothing answered yet: no panel (the engine asks instead)
        ("9", "nonsense", None),  # tampered values are not read as answers
    ],
)
def test_crisis_alert(item9: str, thoughts: str, expected: str | None) -> None:
    answers = {"feelings": {"phq9_9": item9, "suicidal_thoughts": thoughts}}
    alert = crisis_alert(answers)
    assert (alert.urgency if alert else None) == expected


@pytest.mark.parametrize("items9", [0, 1, 2, 3])
@pytest.mark.parametrize("thoughts", [None, "none", "passive", "active", "active_with_plan"])
def test_the_aid_and_the_engine_apply_the_same_rule(items9: int, thoughts: str | None) -> None:
    """The panel on the page and the engine's alert never disagree (one rule, in the domain)."""
    feelings = {f"phq9_{i}": "1" for i in range(1, 10)} | {"phq9_9": str(items9)}
    if thoughts:
        feelings["suicidal_thoughts"] = thoughts
    page = crisis_alert({"feelings": feelings})
    engine = [
        a for a in alerts.suicide_alerts(_request(items9, thoughts)) if a.code == "suicide_risk"
    ]
    assert page == (engine[0] if engine else None)


def _request(item9: int, thoughts: str | None) -> AssessmentRequest:
    data: dict[str, object] = {"age": 40, "conditions": ["major_depressive_disorder"]}
    data["phq9_items"] = [1] * 8 + [item9]
    if thoughts:
        data["suicidal_thoughts"] = thoughts
    return AssessmentRequest.model_validate(data)


def test_riley_raises_the_flag_even_before_the_step_is_complete() -> None:
    assert crisis_alert(RILEY) is not None
    assert crisis_alert({"feelings": {"phq9_9": "2"}}) is not None


def test_priorities_alone_make_a_valid_values_step() -> None:
    """The results page's priorities form must count even when logistics were never answered."""
    prefs = {k: v for k, v in DANA["values"].items() if k.startswith("pref_")}
    assert validate_step("values", prefs) == {}
    request = to_request(variant(values={}) | {"values": prefs})
    assert request is not None and request.preferences.low_cost == 3
    assert request.logistics.has_driver is None
