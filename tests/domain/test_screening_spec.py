"""Spec table for screening: one row = a change to a safe baseline person -> what one option shows.

The baseline (tests/domain/helpers.py) is a 42-year-old with major depression, two failed adequate
antidepressant trials and every safety question answered "no": every option starts eligible.
A row reads: option, change to the baseline, expected candidacy, a finding it must include.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.helpers import assess, describe, option, request

Finding = tuple[str, str]  # (level, code)


def mh(**answers: Any) -> dict[str, Any]:
    """A change to the medical history (merged into the safe one)."""
    return {"medical_history": answers}


def lg(**answers: Any) -> dict[str, Any]:
    """A change to the logistics answers."""
    return {"logistics": answers}


def trial(adequate: bool | None, outcome: str) -> dict[str, Any]:
    return {"name": "sertraline", "adequate": adequate, "outcome": outcome}


def ci(code: str) -> Finding:
    return ("contraindication", code)


def caution(code: str) -> Finding:
    return ("caution", code)


def confirm(code: str) -> Finding:
    return ("confirm", code)


def info(code: str) -> Finding:
    return ("info", code)


def row(option_id: str, change: dict[str, Any], candidacy: str, finding: Finding | None) -> Any:
    shown = "" if finding is None else f" ({finding[0]} {finding[1]})"
    return pytest.param(
        option_id,
        change,
        candidacy,
        finding,
        id=f"{option_id} | {describe(change)} -> {candidacy}{shown}",
    )


def prior(**answers: Any) -> dict[str, Any]:
    """A change to the earlier treatments (the rest stay unanswered)."""
    return {"prior_treatments": answers}


# fmt: off
ROWS = [
    # Earlier treatments count: helped (info, with the evidence's numbers), did not help or
    # stopped for side effects (a caution the clinician weighs), for the same treatment only.
    row("rtms",             prior(tms="responded"),                                       "eligible",        info("prior_tms_helped")),
    row("deep_tms",         prior(tms="did_not_respond"),                                 "caution",         caution("prior_tms_no_help")),
    row("accelerated_itbs", prior(tms="stopped_side_effects"),                            "caution",         caution("prior_tms_side_effects")),
    row("iv_ketamine",      prior(tms="did_not_respond"),                                 "eligible",        None),
    row("iv_ketamine",      prior(ketamine="responded"),                                  "eligible",        info("prior_ketamine_helped")),
    row("iv_ketamine",      prior(ketamine="did_not_respond"),                            "caution",         caution("prior_ketamine_no_help")),
    row("esketamine",       prior(esketamine="responded"),                                "eligible",        info("prior_esketamine_helped")),
    row("esketamine",       prior(esketamine="stopped_side_effects"),                     "caution",         caution("prior_esketamine_side_effects")),
    row("ect",              prior(ect="responded"),                                       "eligible",        info("prior_ect_helped")),
    row("ect",              prior(ect="did_not_respond"),                                 "caution",         caution("prior_ect_no_help")),
    row("rtms",             prior(tms="none"),                                            "eligible",        None),
    # ECT: no absolute contraindication but high-risk conditions (APA), and the implant makers'
    # contraindication; its screening stays incomplete (lung disease, anaesthetic risk not asked).
    row("ect",              mh(cochlear_implant=True),                                    "contraindicated", ci("ect_cochlear_implant")),
    row("ect",              mh(aneurysm_or_avm=True),                                     "caution",         caution("ect_aneurysm")),
    row("ect",              mh(hypertension="uncontrolled"),                              "caution",         caution("ect_anaesthesia_blood_pressure")),
    row("ect",              mh(hypertension="controlled"),                                "eligible",        confirm("screening_incomplete")),
    row("ect",              mh(neurological_condition=True),                              "caution",         caution("ect_brain_condition")),
    row("ect",              mh(intracerebral_hemorrhage=True),                            "caution",         caution("ect_brain_bleed")),
    row("ect",              mh(cardiovascular_disease=True),                              "caution",         caution("ect_heart")),
    row("ect",              mh(cochlear_implant=None),                                    "eligible",        confirm("ect_cochlear_implant_unknown")),
    row("ect",              mh(aneurysm_or_avm=None),                                     "eligible",        confirm("ect_aneurysm_unknown")),
    row("ect",              {},                                                           "eligible",        confirm("screening_incomplete")),
    # Absolute TMS contraindications (device documentation), for every TMS option.
    row("rtms",             mh(metal_in_head=True),                                       "contraindicated", ci("metal_in_head")),
    row("deep_tms",         mh(metal_in_head=True),                                       "contraindicated", ci("metal_in_head")),
    row("accelerated_itbs", mh(metal_in_head=True),                                       "contraindicated", ci("metal_in_head")),
    row("rtms",             mh(cochlear_implant=True),                                    "contraindicated", ci("cochlear_implant")),
    row("deep_tms",         mh(cochlear_implant=True),                                    "contraindicated", ci("cochlear_implant")),
    row("accelerated_itbs", mh(cochlear_implant=True),                                    "contraindicated", ci("cochlear_implant")),
    row("rtms",             mh(implanted_neurostimulator=True),                           "contraindicated", ci("implanted_neurostimulator")),
    row("deep_tms",         mh(implanted_neurostimulator=True),                           "contraindicated", ci("implanted_neurostimulator")),
    row("accelerated_itbs", mh(implanted_neurostimulator=True),                           "contraindicated", ci("implanted_neurostimulator")),
    row("rtms",             mh(cardiac_device=True),                                      "contraindicated", ci("cardiac_device")),
    row("deep_tms",         mh(cardiac_device=True),                                      "contraindicated", ci("cardiac_device")),
    row("accelerated_itbs", mh(cardiac_device=True),                                      "contraindicated", ci("cardiac_device")),
    # Unknown safety answers ask for confirmation and never read as "fine" nor change candidacy.
    row("rtms",             mh(metal_in_head=None),                                       "eligible",        confirm("metal_in_head_unknown")),
    row("deep_tms",         mh(metal_in_head=None),                                       "eligible",        confirm("metal_in_head_unknown")),
    row("accelerated_itbs", mh(metal_in_head=None),                                       "eligible",        confirm("metal_in_head_unknown")),
    row("rtms",             mh(cochlear_implant=None),                                    "eligible",        confirm("cochlear_implant_unknown")),
    row("deep_tms",         mh(cochlear_implant=None),                                    "eligible",        confirm("cochlear_implant_unknown")),
    row("accelerated_itbs", mh(cochlear_implant=None),                                    "eligible",        confirm("cochlear_implant_unknown")),
    row("rtms",             mh(seizure_history=None),                                     "eligible",        confirm("seizure_history_unknown")),
    row("deep_tms",         mh(seizure_history=None),                                     "eligible",        confirm("seizure_history_unknown")),
    row("accelerated_itbs", mh(seizure_history=None),                                     "eligible",        confirm("seizure_history_unknown")),
    row("esketamine",       mh(aneurysm_or_avm=None),                                     "eligible",        confirm("aneurysm_or_avm_unknown")),
    row("iv_ketamine",      mh(hypertension=None),                                        "eligible",        confirm("hypertension_uncontrolled_unknown")),
    row("iv_ketamine",      {"pregnancy": "unknown"},                                     "eligible",        confirm("pregnancy_unknown")),
    row("esketamine",       {"pregnancy": "unknown"},                                     "eligible",        confirm("pregnancy_unknown")),
    row("iv_ketamine",      {"pregnancy": None},                                          "eligible",        confirm("pregnancy_unknown")),
    row("esketamine",       {"pregnancy": None},                                          "eligible",        confirm("pregnancy_unknown")),
    # Relative TMS contraindications.
    row("rtms",             mh(seizure_history=True),                                     "caution",         caution("seizure_history")),
    row("deep_tms",         mh(seizure_history=True),                                     "caution",         caution("seizure_history")),
    row("accelerated_itbs", mh(seizure_history=True),                                     "caution",         caution("seizure_history")),
    row("rtms",             mh(neurological_condition=True),                              "caution",         caution("neurological_condition")),
    row("deep_tms",         mh(neurological_condition=True),                              "caution",         caution("neurological_condition")),
    row("accelerated_itbs", mh(neurological_condition=True),                              "caution",         caution("neurological_condition")),
    row("rtms",             mh(psychosis="current"),                                      "caution",         caution("psychosis_current")),
    row("deep_tms",         mh(psychosis="current"),                                      "caution",         caution("psychosis_current")),
    row("accelerated_itbs", mh(psychosis="current"),                                      "caution",         caution("psychosis_current")),
    row("rtms",             mh(psychosis="past"),                                         "eligible",        None),
    row("rtms",             mh(substance_use_disorder="current"),                         "caution",         caution("substance_use_current")),
    row("deep_tms",         mh(substance_use_disorder="current"),                         "caution",         caution("substance_use_current")),
    row("accelerated_itbs", mh(substance_use_disorder="current"),                         "caution",         caution("substance_use_current")),
    row("rtms",             mh(substance_use_disorder="past"),                            "eligible",        None),
    row("rtms",             mh(mania_history=True),                                       "caution",         caution("mania_history")),
    row("deep_tms",         mh(mania_history=True),                                       "caution",         caution("mania_history")),
    row("accelerated_itbs", mh(mania_history=True),                                       "caution",         caution("mania_history")),
    row("rtms",             {"conditions": ["bipolar_depression"]},                       "caution",         caution("bipolar_switch")),
    # TMS is not ruled out by ketamine's exclusions, and ECT has no screening rules in the evidence.
    row("rtms",             mh(aneurysm_or_avm=True, hypertension="uncontrolled"),        "eligible",        None),
    row("ect",              mh(metal_in_head=True, seizure_history=True),                 "eligible",        info("referral")),
    # IV ketamine: consensus exclusions are cautions (no label); hypersensitivity is absolute.
    row("iv_ketamine",      mh(psychosis="past"),                                         "caution",         caution("psychosis")),
    row("iv_ketamine",      mh(psychosis="current"),                                      "caution",         caution("psychosis")),
    row("iv_ketamine",      mh(mania_history=True),                                       "caution",         caution("mania_history")),
    row("iv_ketamine",      mh(substance_use_disorder="past"),                            "caution",         caution("substance_use")),
    row("iv_ketamine",      mh(ketamine_misuse=True),                                     "caution",         caution("ketamine_misuse")),
    row("iv_ketamine",      mh(hypertension="uncontrolled"),                              "caution",         caution("hypertension_uncontrolled")),
    row("iv_ketamine",      mh(hypertension="controlled"),                                "caution",         caution("hypertension_controlled")),
    row("iv_ketamine",      mh(cardiovascular_disease=True),                              "caution",         caution("cardiovascular_disease")),
    row("iv_ketamine",      mh(aneurysm_or_avm=True),                                     "caution",         caution("aneurysm_or_avm")),
    row("iv_ketamine",      mh(intracerebral_hemorrhage=True),                            "caution",         caution("intracerebral_hemorrhage")),
    row("iv_ketamine",      {"pregnancy": "yes"},                                         "caution",         caution("pregnancy")),
    row("iv_ketamine",      {"pregnancy": "breastfeeding"},                               "caution",         caution("pregnancy")),
    row("iv_ketamine",      mh(bladder_disease=True),                                     "caution",         caution("bladder_disease")),
    row("iv_ketamine",      mh(ketamine_hypersensitivity=True),                           "contraindicated", ci("ketamine_hypersensitivity")),
    row("esketamine",       mh(ketamine_hypersensitivity=True),                           "contraindicated", ci("ketamine_hypersensitivity")),
    # Esketamine label: vascular contraindications are absolute.
    row("esketamine",       mh(aneurysm_or_avm=True),                                     "contraindicated", ci("aneurysm_or_avm")),
    row("esketamine",       mh(intracerebral_hemorrhage=True),                            "contraindicated", ci("intracerebral_hemorrhage")),
    row("esketamine",       {"pregnancy": "yes"},                                         "caution",         caution("pregnancy")),
    row("esketamine",       {"pregnancy": "planning"},                                    "caution",         caution("pregnancy")),
    row("esketamine",       {"pregnancy": "breastfeeding"},                               "eligible",        None),
    row("esketamine",       mh(hypertension="controlled"),                                "caution",         caution("hypertension")),
    row("esketamine",       mh(bladder_disease=True),                                     "eligible",        None),
    row("esketamine",       {"age": 70},                                                  "eligible",        info("older_adult_dose")),
    row("esketamine",       {},                                                           "eligible",        info("rems")),
    # Logistics are information, never a change of candidacy.
    row("iv_ketamine",      lg(has_driver=False),                                         "eligible",        info("needs_a_ride")),
    row("esketamine",       lg(has_driver=False),                                         "eligible",        info("needs_a_ride")),
    row("rtms",             lg(can_attend_weekdays=False),                                "eligible",        info("weekday_visits")),
    row("deep_tms",         lg(can_attend_weekdays=False),                                "eligible",        info("weekday_visits")),
    row("accelerated_itbs", lg(can_attend_weekdays=False),                                "eligible",        info("weekday_visits")),
    # Indications by condition and age (regulatory status is asserted separately below).
    row("rtms",             {"age": 14},                                                  "not_indicated",   info("under_age")),
    row("deep_tms",         {"age": 14},                                                  "not_indicated",   info("under_age")),
    row("accelerated_itbs", {"age": 14},                                                  "not_indicated",   info("under_age")),
    row("iv_ketamine",      {"age": 14},                                                  "not_indicated",   info("under_age")),
    row("esketamine",       {"age": 14},                                                  "not_indicated",   info("under_age")),
    row("ect",              {"age": 14},                                                  "eligible",        info("indication")     ),  # FDA: 13 and over
    row("rtms",             {"age": 15},                                                  "eligible",        info("indication")),
    row("rtms",             {"age": 17},                                                  "eligible",        info("indication")),
    # Adolescent TMS is cleared only as an add-on to an antidepressant: asked, and it counts.
    row("rtms",             {"age": 16, "taking_antidepressant": False},                  "caution",         caution("adjunct_not_taking")),
    row("rtms",             {"age": 16, "taking_antidepressant": None},                   "eligible",        confirm("adjunct_unknown")),
    row("rtms",             {"age": 16, "taking_antidepressant": True},                   "eligible",        info("indication")),
    row("rtms",             {"age": 30, "taking_antidepressant": False},                  "eligible",        info("indication")),
    row("ect",              {"age": 12},                                                  "not_indicated",   info("under_age")),
    row("esketamine",       {"age": 16, "conditions": ["ocd"]},                           "not_indicated",   info("not_indicated")),
    row("deep_tms",         {"age": 17},                                                  "not_indicated",   info("under_age")),
    row("esketamine",       {"age": 17},                                                  "not_indicated",   info("under_age")),
    row("iv_ketamine",      {"age": 17},                                                  "not_indicated",   info("under_age")),
    row("rtms",             {"age": 18},                                                  "eligible",        info("indication")),
    row("deep_tms",         {"age": 18},                                                  "eligible",        info("indication")),
    row("accelerated_itbs", {"age": 18},                                                  "eligible",        info("indication")),
    row("iv_ketamine",      {"age": 18},                                                  "eligible",        info("indication")),
    row("esketamine",       {"age": 18},                                                  "eligible",        info("indication")),
    row("ect",              {"age": 18},                                                  "eligible",        info("indication")),
    row("deep_tms",         {"conditions": ["ocd"]},                                      "eligible",        info("indication")),
    row("rtms",             {"conditions": ["ocd"]},                                      "not_indicated",   info("not_indicated")),
    row("esketamine",       {"conditions": ["ocd"]},                                      "not_indicated",   info("not_indicated")),
    row("deep_tms",         {"conditions": ["smoking_cessation"]},                        "eligible",        info("indication")),
    row("accelerated_itbs", {"conditions": ["smoking_cessation"]},                        "not_indicated",   info("not_indicated")),
    row("iv_ketamine",      {"conditions": ["ptsd"]},                                     "eligible",        info("indication")),
    row("iv_ketamine",      {"conditions": ["generalized_anxiety"]},                      "eligible",        info("indication")),
    row("rtms",             {"conditions": ["ptsd"]},                                     "not_indicated",   info("not_indicated")),
    row("esketamine",       {"conditions": ["bipolar_depression"]},                       "not_indicated",   info("not_indicated")),
    row("ect",              {"conditions": ["bipolar_depression"]},                       "eligible",        info("indication")),
    # An absolute contraindication outranks "not indicated".
    row("rtms",             {"age": 12, **mh(cochlear_implant=True)},                     "contraindicated", ci("cochlear_implant")),
    # Treatment history against the label.
    row("esketamine",       {"antidepressant_trials": [trial(True, "no_response")]},      "eligible",        info("treatment_history_below_label")),
    row("esketamine",       {"antidepressant_trials": [], "suicidal_thoughts": "active"}, "eligible",        None),
    row("rtms",             {"antidepressant_trials": None},                              "eligible",        confirm("treatment_history_unknown")),
    row("esketamine",       {"antidepressant_trials": None},                              "eligible",        confirm("treatment_history_unknown")),
    row("esketamine",       {"antidepressant_trials": [trial(None, "no_response")]},      "eligible",        confirm("treatment_history_below_label")),
    row("rtms",             {"antidepressant_trials": []},                                "eligible",        info("treatment_history_below_label")),
    row("ect",              {"antidepressant_trials": None},                              "eligible",        None),
]
# fmt: on


@pytest.mark.parametrize(("option_id", "change", "candidacy", "finding"), ROWS)
def test_screening_row(
    option_id: str, change: dict[str, Any], candidacy: str, finding: Finding | None
) -> None:
    result = option(assess(request(**change)), option_id)
    assert result.candidacy == candidacy
    found = {(f.level, f.code) for f in result.findings}
    if finding is not None:
        assert finding in found
    if finding == ("info", "under_age"):  # plain words: not approved under the age, not "not a use"
        text = next(f.message for f in result.findings if f.code == "under_age")
        assert "under" in text and "recognized use" not in text
    if candidacy == "eligible":  # eligible means nothing above "confirm"
        assert not [lvl for lvl, _ in found if lvl in ("contraindication", "caution")]


def test_baseline_person_is_eligible_for_every_option() -> None:
    result = assess(request())
    assert {o.id: o.candidacy for o in result.options} == dict.fromkeys(
        ("rtms", "deep_tms", "accelerated_itbs", "iv_ketamine", "esketamine", "ect"), "eligible"
    )
    confirms = [(o.id, f.code) for o in result.options for f in o.findings if f.level == "confirm"]
    # Only ECT asks more than these questions cover: "not assessed by this aid", never "fine".
    assert confirms == [("ect", "screening_incomplete")]


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


def status(option_id: str, change: dict[str, Any], expected: str) -> Any:
    return pytest.param(
        option_id, change, expected, id=f"{option_id} | {describe(change)} -> {expected}"
    )


# fmt: off
STATUS_ROWS = [
    status("rtms",        {},                                                                  "fda_cleared"),
    status("rtms",        {"age": 16},                                                         "fda_cleared"),
    status("esketamine",  {},                                                                  "fda_approved"),
    status("iv_ketamine", {},                                                                  "off_label"),
    status("rtms",        {"conditions": ["bipolar_depression"]},                              "off_label"),
    status("deep_tms",    {"conditions": ["ocd"]},                                             "fda_cleared"),
    status("iv_ketamine", {"conditions": ["ptsd"]},                                            "off_label"),
    # Of several matching uses, the strongest status is reported.
    status("rtms",        {"conditions": ["bipolar_depression", "major_depressive_disorder"]}, "fda_cleared"),
]
# fmt: on


@pytest.mark.parametrize(("option_id", "change", "expected"), STATUS_ROWS)
def test_regulatory_status(option_id: str, change: dict[str, Any], expected: str) -> None:
    assert option(assess(request(**change)), option_id).regulatory_status == expected


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


def test_esketamine_says_not_approved_under_18() -> None:
    found = option(assess(request(age=16)), "esketamine").findings
    assert found[0].code == "under_age"
    assert found[0].message.startswith("Esketamine (Spravato) is not approved for anyone under 18")
    assert found[0].source_ids == ["SPRAVATO-PI"]
