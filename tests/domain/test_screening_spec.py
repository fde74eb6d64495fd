"""Spec table for screening: one row = a change to a safe baseline person -> what one option shows.

The baseline (tests/domain/helpers.py) is a 42-year-old with major depression, two failed adequate
antidepressant trials and every safety question answered "no": every option starts eligible.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.helpers import assess, option, request

TMS = ("rtms", "deep_tms", "accelerated_itbs")
ONE_FAILED = [{"name": "sertraline", "adequate": True, "outcome": "no_response"}]
KETAMINE = ("iv_ketamine", "esketamine")


def mh(**answers: Any) -> dict[str, Any]:
    return {"medical_history": answers}


# (option, change to the baseline, expected candidacy, expected finding (level, code) or None)
ROWS: list[tuple[str, dict[str, Any], str, tuple[str, str] | None]] = [
    # Absolute TMS contraindications (device documentation), for every TMS option.
    *[
        (o, mh(metal_in_head=True), "contraindicated", ("contraindication", "metal_in_head"))
        for o in TMS
    ],
    *[
        (o, mh(cochlear_implant=True), "contraindicated", ("contraindication", "cochlear_implant"))
        for o in TMS
    ],
    *[
        (
            o,
            mh(implanted_neurostimulator=True),
            "contraindicated",
            ("contraindication", "implanted_neurostimulator"),
        )
        for o in TMS
    ],
    *[
        (o, mh(cardiac_device=True), "contraindicated", ("contraindication", "cardiac_device"))
        for o in TMS
    ],
    # Unknown safety answers ask for confirmation and never read as "fine" nor change candidacy.
    *[(o, mh(metal_in_head=None), "eligible", ("confirm", "metal_in_head_unknown")) for o in TMS],
    *[
        (o, mh(cochlear_implant=None), "eligible", ("confirm", "cochlear_implant_unknown"))
        for o in TMS
    ],
    *[
        (o, mh(seizure_history=None), "eligible", ("confirm", "seizure_history_unknown"))
        for o in TMS
    ],
    ("esketamine", mh(aneurysm_or_avm=None), "eligible", ("confirm", "aneurysm_or_avm_unknown")),
    (
        "iv_ketamine",
        mh(hypertension=None),
        "eligible",
        ("confirm", "hypertension_uncontrolled_unknown"),
    ),
    *[
        (o, {"pregnancy": "unknown"}, "eligible", ("confirm", "pregnancy_unknown"))
        for o in KETAMINE
    ],
    *[(o, {"pregnancy": None}, "eligible", ("confirm", "pregnancy_unknown")) for o in KETAMINE],
    # Relative TMS contraindications.
    *[(o, mh(seizure_history=True), "caution", ("caution", "seizure_history")) for o in TMS],
    *[
        (o, mh(neurological_condition=True), "caution", ("caution", "neurological_condition"))
        for o in TMS
    ],
    *[(o, mh(psychosis="current"), "caution", ("caution", "psychosis_current")) for o in TMS],
    ("rtms", mh(psychosis="past"), "eligible", None),
    *[
        (o, mh(substance_use_disorder="current"), "caution", ("caution", "substance_use_current"))
        for o in TMS
    ],
    ("rtms", mh(substance_use_disorder="past"), "eligible", None),
    *[(o, mh(mania_history=True), "caution", ("caution", "mania_history")) for o in TMS],
    ("rtms", {"conditions": ["bipolar_depression"]}, "caution", ("caution", "bipolar_switch")),
    # TMS is not ruled out by ketamine's exclusions, and ECT has no screening rules in the evidence.
    ("rtms", mh(aneurysm_or_avm=True, hypertension="uncontrolled"), "eligible", None),
    ("ect", mh(metal_in_head=True, seizure_history=True), "eligible", ("info", "referral")),
    # IV ketamine: consensus exclusions are cautions (no label); hypersensitivity is absolute.
    ("iv_ketamine", mh(psychosis="past"), "caution", ("caution", "psychosis")),
    ("iv_ketamine", mh(psychosis="current"), "caution", ("caution", "psychosis")),
    ("iv_ketamine", mh(mania_history=True), "caution", ("caution", "mania_history")),
    ("iv_ketamine", mh(substance_use_disorder="past"), "caution", ("caution", "substance_use")),
    ("iv_ketamine", mh(ketamine_misuse=True), "caution", ("caution", "ketamine_misuse")),
    (
        "iv_ketamine",
        mh(hypertension="uncontrolled"),
        "caution",
        ("caution", "hypertension_uncontrolled"),
    ),
    (
        "iv_ketamine",
        mh(hypertension="controlled"),
        "caution",
        ("caution", "hypertension_controlled"),
    ),
    (
        "iv_ketamine",
        mh(cardiovascular_disease=True),
        "caution",
        ("caution", "cardiovascular_disease"),
    ),
    ("iv_ketamine", mh(aneurysm_or_avm=True), "caution", ("caution", "aneurysm_or_avm")),
    (
        "iv_ketamine",
        mh(intracerebral_hemorrhage=True),
        "caution",
        ("caution", "intracerebral_hemorrhage"),
    ),
    ("iv_ketamine", {"pregnancy": "yes"}, "caution", ("caution", "pregnancy")),
    ("iv_ketamine", {"pregnancy": "breastfeeding"}, "caution", ("caution", "pregnancy")),
    ("iv_ketamine", mh(bladder_disease=True), "caution", ("caution", "bladder_disease")),
    *[
        (
            o,
            mh(ketamine_hypersensitivity=True),
            "contraindicated",
            ("contraindication", "ketamine_hypersensitivity"),
        )
        for o in KETAMINE
    ],
    # Esketamine label: vascular contraindications are absolute.
    (
        "esketamine",
        mh(aneurysm_or_avm=True),
        "contraindicated",
        ("contraindication", "aneurysm_or_avm"),
    ),
    (
        "esketamine",
        mh(intracerebral_hemorrhage=True),
        "contraindicated",
        ("contraindication", "intracerebral_hemorrhage"),
    ),
    ("esketamine", {"pregnancy": "yes"}, "caution", ("caution", "pregnancy")),
    ("esketamine", {"pregnancy": "planning"}, "caution", ("caution", "pregnancy")),
    ("esketamine", {"pregnancy": "breastfeeding"}, "eligible", None),
    ("esketamine", mh(hypertension="controlled"), "caution", ("caution", "hypertension")),
    ("esketamine", mh(bladder_disease=True), "eligible", None),
    ("esketamine", {"age": 70}, "eligible", ("info", "older_adult_dose")),
    ("esketamine", {}, "eligible", ("info", "rems")),
    # Logistics are information, never a change of candidacy.
    ("iv_ketamine", {"logistics": {"has_driver": False}}, "eligible", ("info", "needs_a_ride")),
    ("esketamine", {"logistics": {"has_driver": False}}, "eligible", ("info", "needs_a_ride")),
    *[
        (o, {"logistics": {"can_attend_weekdays": False}}, "eligible", ("info", "weekday_visits"))
        for o in TMS
    ],
    # Indications by condition and age (regulatory status is asserted separately below).
    *[
        (o, {"age": 14}, "not_indicated", ("info", "not_indicated"))
        for o in (*TMS, *KETAMINE, "ect")
    ],
    ("rtms", {"age": 15}, "eligible", ("info", "indication")),
    ("rtms", {"age": 17}, "eligible", ("info", "indication")),
    ("deep_tms", {"age": 17}, "not_indicated", ("info", "not_indicated")),
    ("esketamine", {"age": 17}, "not_indicated", ("info", "not_indicated")),
    ("iv_ketamine", {"age": 17}, "not_indicated", ("info", "not_indicated")),
    *[(o, {"age": 18}, "eligible", ("info", "indication")) for o in (*TMS, *KETAMINE, "ect")],
    ("deep_tms", {"conditions": ["ocd"]}, "eligible", ("info", "indication")),
    ("rtms", {"conditions": ["ocd"]}, "not_indicated", ("info", "not_indicated")),
    ("esketamine", {"conditions": ["ocd"]}, "not_indicated", ("info", "not_indicated")),
    ("deep_tms", {"conditions": ["smoking_cessation"]}, "eligible", ("info", "indication")),
    (
        "accelerated_itbs",
        {"conditions": ["smoking_cessation"]},
        "not_indicated",
        ("info", "not_indicated"),
    ),
    ("iv_ketamine", {"conditions": ["ptsd"]}, "eligible", ("info", "indication")),
    ("iv_ketamine", {"conditions": ["generalized_anxiety"]}, "eligible", ("info", "indication")),
    ("rtms", {"conditions": ["ptsd"]}, "not_indicated", ("info", "not_indicated")),
    (
        "esketamine",
        {"conditions": ["bipolar_depression"]},
        "not_indicated",
        ("info", "not_indicated"),
    ),
    ("ect", {"conditions": ["bipolar_depression"]}, "eligible", ("info", "indication")),
    # An absolute contraindication outranks "not indicated".
    (
        "rtms",
        {"age": 12, **mh(cochlear_implant=True)},
        "contraindicated",
        ("contraindication", "cochlear_implant"),
    ),
    # Treatment history against the label.
    (
        "esketamine",
        {"antidepressant_trials": ONE_FAILED},
        "eligible",
        ("info", "treatment_history_below_label"),
    ),
    ("esketamine", {"antidepressant_trials": [], "suicidal_thoughts": "active"}, "eligible", None),
    ("rtms", {"antidepressant_trials": None}, "eligible", ("confirm", "treatment_history_unknown")),
    (
        "esketamine",
        {"antidepressant_trials": None},
        "eligible",
        ("confirm", "treatment_history_unknown"),
    ),
    (
        "esketamine",
        {"antidepressant_trials": [{"name": "a", "adequate": None, "outcome": "no_response"}]},
        "eligible",
        ("confirm", "treatment_history_below_label"),
    ),
    ("rtms", {"antidepressant_trials": []}, "eligible", ("info", "treatment_history_below_label")),
    ("ect", {"antidepressant_trials": None}, "eligible", None),
]


@pytest.mark.parametrize(("option_id", "change", "candidacy", "finding"), ROWS)
def test_screening_row(
    option_id: str, change: dict[str, Any], candidacy: str, finding: tuple[str, str] | None
) -> None:
    result = option(assess(request(**change)), option_id)
    assert result.candidacy == candidacy
    found = {(f.level, f.code) for f in result.findings}
    if finding is not None:
        assert finding in found
    if candidacy == "eligible":  # eligible means nothing above "confirm"
        assert not [lvl for lvl, _ in found if lvl in ("contraindication", "caution")]


def test_baseline_person_is_eligible_for_every_option() -> None:
    result = assess(request())
    assert {o.id: o.candidacy for o in result.options} == dict.fromkeys(
        ("rtms", "deep_tms", "accelerated_itbs", "iv_ketamine", "esketamine", "ect"), "eligible"
    )
    assert not [f for o in result.options for f in o.findings if f.level == "confirm"]


def test_every_unanswered_safety_question_asks_for_confirmation() -> None:
    """Nothing answered but age and conditions: each option asks for every relevant answer."""
    from trdnav.domain.requests import AssessmentRequest

    result = assess(AssessmentRequest(age=40, conditions=["major_depressive_disorder"]))
    codes = {o.id: {f.code for f in o.findings if f.level == "confirm"} for o in result.options}
    assert {
        "metal_in_head_unknown",
        "cochlear_implant_unknown",
        "cardiac_device_unknown",
        "implanted_neurostimulator_unknown",
        "seizure_history_unknown",
    } <= codes["rtms"]
    assert {
        "aneurysm_or_avm_unknown",
        "intracerebral_hemorrhage_unknown",
        "ketamine_hypersensitivity_unknown",
        "pregnancy_unknown",
    } <= codes["esketamine"]
    assert {"psychosis_unknown", "bladder_disease_unknown", "pregnancy_unknown"} <= codes[
        "iv_ketamine"
    ]
    # Unknown answers are shown, but they do not make anyone contraindicated.
    assert all(o.candidacy == "eligible" for o in result.options)


@pytest.mark.parametrize(
    ("change", "option_id", "status"),
    [
        ({}, "rtms", "fda_cleared"),
        ({"age": 16}, "rtms", "fda_cleared"),
        ({}, "esketamine", "fda_approved"),
        ({}, "iv_ketamine", "off_label"),
        ({"conditions": ["bipolar_depression"]}, "rtms", "off_label"),
        ({"conditions": ["ocd"]}, "deep_tms", "fda_cleared"),
        ({"conditions": ["ptsd"]}, "iv_ketamine", "off_label"),
        # Of several matching uses, the strongest status is reported.
        (
            {"conditions": ["bipolar_depression", "major_depressive_disorder"]},
            "rtms",
            "fda_cleared",
        ),
    ],
)
def test_regulatory_status(change: dict[str, Any], option_id: str, status: str) -> None:
    assert option(assess(request(**change)), option_id).regulatory_status == status


def test_findings_are_ordered_strongest_first() -> None:
    order = {"contraindication": 0, "caution": 1, "confirm": 2, "info": 3}
    result = assess(
        request(
            medical_history={
                "metal_in_head": True,
                "seizure_history": True,
                "cochlear_implant": None,
            }
        )
    )
    levels = [order[f.level] for f in option(result, "rtms").findings]
    assert levels == sorted(levels) and levels[0] == 0
