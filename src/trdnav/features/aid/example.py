"""A complete example person for the decision aid, as the browser posts each step's form.

42, major depression, two failed adequate antidepressant trials, no safety findings, commercial
insurance. Benchmarks render her results; tests name her Dana and derive variants from her.
"""

from __future__ import annotations

from typing import Any

EXAMPLE_ANSWERS: dict[str, dict[str, Any]] = {
    "about": {"age": "42", "pregnancy": "no"},
    "diagnosis": {"conditions": ["major_depressive_disorder"]},
    "feelings": {
        **{f"phq9_{i}": v for i, v in enumerate(["2", "3", "2", "2", "1", "2", "2", "1", "0"], 1)},
        "suicidal_thoughts": "none",
    },
    "tried": {
        "trial_1_name": "sertraline",
        "trial_1_adequate": "yes",
        "trial_1_outcome": "no_response",
        "trial_2_name": "bupropion",
        "trial_2_adequate": "yes",
        "trial_2_outcome": "partial_response",
        "augmentation_trials": "0",
        "psychotherapy_trial": "yes",
        "prior_tms": "none",
        "prior_ketamine": "none",
        "prior_esketamine": "none",
        "prior_ect": "none",
    },
    "health": {
        **{
            k: "no"
            for k in (
                "metal_in_head",
                "cochlear_implant",
                "implanted_neurostimulator",
                "cardiac_device",
                "seizure_history",
                "neurological_condition",
                "aneurysm_or_avm",
                "intracerebral_hemorrhage",
                "cardiovascular_disease",
                "mania_history",
                "ketamine_misuse",
                "bladder_disease",
                "ketamine_hypersensitivity",
            )
        },
        "hypertension": "none",
        "psychosis": "none",
        "substance_use_disorder": "none",
    },
    "values": {
        "pref_fast_relief": "2",
        "pref_lasting_results": "3",
        "pref_few_side_effects": "2",
        "pref_avoid_medication": "1",
        "pref_drive_myself": "2",
        "pref_few_visits": "1",
        "pref_low_cost": "3",
        "can_attend_weekdays": "yes",
        "has_driver": "no",
    },
    "insurance": {
        "plan": "commercial",
        "deductible_remaining": "1200",
        "coinsurance": "20",
        "out_of_pocket_max_remaining": "4000",
    },
}
