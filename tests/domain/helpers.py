"""Builders for assessment requests in tests: a fully answered, safe adult as the baseline."""

from __future__ import annotations

from functools import cache
from typing import Any

from trdnav.domain.assessment import Engine
from trdnav.domain.evidence.loader import default_evidence
from trdnav.domain.requests import AssessmentRequest
from trdnav.domain.results import AssessmentResult, OptionResult
from trdnav.platform.clinics import load_clinic

SAFE_HISTORY: dict[str, Any] = {
    "metal_in_head": False,
    "cochlear_implant": False,
    "implanted_neurostimulator": False,
    "cardiac_device": False,
    "seizure_history": False,
    "neurological_condition": False,
    "aneurysm_or_avm": False,
    "intracerebral_hemorrhage": False,
    "hypertension": "none",
    "cardiovascular_disease": False,
    "mania_history": False,
    "psychosis": "none",
    "substance_use_disorder": "none",
    "ketamine_misuse": False,
    "bladder_disease": False,
    "ketamine_hypersensitivity": False,
}
TWO_FAILED = [
    {"name": "sertraline", "adequate": True, "outcome": "no_response"},
    {"name": "bupropion", "adequate": True, "outcome": "partial_response"},
]


def request(**overrides: Any) -> AssessmentRequest:
    """A 42-year-old with TRD and every safety question answered 'no', plus overrides.

    `medical_history` overrides merge into the safe history instead of replacing it.
    """
    history = {**SAFE_HISTORY, **overrides.pop("medical_history", {})}
    data: dict[str, Any] = {
        "age": 42,
        "pregnancy": "no",
        "conditions": ["major_depressive_disorder"],
        "phq9_items": [2, 3, 2, 2, 1, 2, 2, 1, 0],
        "suicidal_thoughts": "none",
        "antidepressant_trials": TWO_FAILED,
        "augmentation_trials": 1,
        "psychotherapy_trial": True,
        "medical_history": history,
        "insurance": {"plan": "commercial"},
    }
    data.update(overrides)
    return AssessmentRequest.model_validate(data)


@cache
def engine() -> Engine:
    """The engine with the shipped evidence and the demo clinic."""
    return Engine(default_evidence(), load_clinic())


def assess(req: AssessmentRequest) -> AssessmentResult:
    return engine().assess(req)


def option(result: AssessmentResult, option_id: str) -> OptionResult:
    return next(o for o in result.options if o.id == option_id)


def word(value: Any) -> str:
    """One answer as a spec table's test id shows it: yes/no, omitted (None), a, b, [trials]."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "omitted"
    if isinstance(value, list):
        shown = (trial_word(v) if isinstance(v, dict) else str(v) for v in value)
        return "[" + ", ".join(shown) + "]"
    return str(value)


def trial_word(trial: dict[str, Any]) -> str:
    """An antidepressant trial in a test id: its outcome, then its adequacy when not adequate."""
    adequacy = {True: "", False: " (inadequate)", None: " (adequacy unknown)"}
    return f"{trial.get('outcome') or 'outcome unknown'}{adequacy[trial.get('adequate')]}"


def describe(change: dict[str, Any]) -> str:
    """A change to the baseline person in a test id: `metal_in_head=yes, age=70`."""
    parts = []
    for key, value in change.items():
        if isinstance(value, dict):  # medical_history, logistics ...: the answer's own name
            parts += [f"{k}={word(v)}" for k, v in value.items()]
        else:
            parts.append(f"{key}={word(value)}")
    return ", ".join(parts) or "baseline"
