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
