"""Screening answers: the allowed values of each, and the clinician's confirmation form."""

from __future__ import annotations

from typing import Any, get_args

from trdnav.domain.record import ANSWER_KEYS
from trdnav.domain.requests import (
    History,
    Hypertension,
    Pregnancy,
    PriorResult,
    SuicidalThoughts,
)

# The screening answers a clinician confirms are the record's answer keys.
SCREENING_KEYS = ANSWER_KEYS

BOOL = ("yes", "no")
# Allowed values per key; an int range where the answer is a number.
CHOICES: dict[str, tuple[str, ...] | tuple[int, int]] = {
    "age": (0, 120),
    "pregnancy": get_args(Pregnancy),
    "suicidal_thoughts": get_args(SuicidalThoughts),
    "episode_months": (0, 1200),
    "augmentation_trials": (0, 50),
    "psychotherapy_trial": BOOL,
    "medical_history.hypertension": get_args(Hypertension),
    "medical_history.psychosis": get_args(History),
    "medical_history.substance_use_disorder": get_args(History),
}
for _k in ("tms", "ketamine", "esketamine", "ect"):
    CHOICES[f"prior_treatments.{_k}"] = get_args(PriorResult)

LABELS = {
    "age": "Age",
    "pregnancy": "Pregnancy",
    "suicidal_thoughts": "Thoughts of suicide",
    "episode_months": "Months in this episode",
    "augmentation_trials": "Augmentation trials",
    "psychotherapy_trial": "Tried psychotherapy",
    "taking_antidepressant": "Taking an antidepressant now",
    "prior_treatments.tms": "Earlier TMS",
    "prior_treatments.ketamine": "Earlier ketamine",
    "prior_treatments.esketamine": "Earlier esketamine",
    "prior_treatments.ect": "Earlier ECT",
    "medical_history.metal_in_head": "Metal within 30 cm of the head",
    "medical_history.implanted_neurostimulator": "Implanted neurostimulator (DBS, VNS)",
    "medical_history.cardiac_device": "Pacemaker, ICD or wearable defibrillator",
    "medical_history.aneurysm_or_avm": "Aneurysm or AVM",
    "medical_history.substance_use_disorder": "Substance use disorder",
    "medical_history.ketamine_misuse": "Ketamine misuse",
}


class AnswerError(ValueError):
    """A confirmed value is not allowed for its answer; `field` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def choices(key: str) -> tuple[str, ...] | tuple[int, int]:
    """The values a key allows (booleans are yes/no)."""
    return CHOICES.get(key, BOOL)


def is_number(key: str) -> bool:
    """True when the answer is a whole number (the choices are a range)."""
    allowed = choices(key)
    return bool(allowed) and isinstance(allowed[0], int)


def label(key: str) -> str:
    """A readable label for an answer key."""
    return LABELS.get(key) or key.split(".")[-1].replace("_", " ").capitalize()


def parse_confirmed(data: dict[str, Any]) -> dict[str, Any]:
    """Form fields `confirm.<key>` as typed values; an empty field means "not confirmed"."""
    out: dict[str, Any] = {}
    for field, raw in data.items():
        if not field.startswith("confirm.") or raw in (None, ""):
            continue
        key = field.removeprefix("confirm.")
        if key not in SCREENING_KEYS:
            raise AnswerError(field, "is not a screening answer")
        allowed = choices(key)
        if is_number(key):
            low, high = int(allowed[0]), int(allowed[1])
            try:
                value: Any = int(str(raw))
            except ValueError as exc:
                raise AnswerError(field, "must be a whole number") from exc
            if not low <= value <= high:
                raise AnswerError(field, f"must be between {low} and {high}")
        elif raw not in allowed:
            raise AnswerError(field, "must be one of " + ", ".join(map(str, allowed)))
        else:
            value = (raw == "yes") if allowed == BOOL else raw
        out[key] = value
    return out


def form_value(value: Any) -> str:
    """A stored answer as the form shows it."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else str(value)
