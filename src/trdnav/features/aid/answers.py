"""Validate one questionnaire step's raw answers and map all answers to the contract request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from trdnav.domain.requests import PREFERENCE_KEYS, AssessmentRequest
from trdnav.features.aid.steps import BY_NAME, N_, STEPS, TRIAL_ROWS, Field, Raw

_MAX_TEXT = 100


def read_step(step_name: str, form: Mapping[str, Any]) -> Raw:
    """This step's fields from a submitted form, as trimmed strings (lists for checkboxes)."""
    raw: Raw = {}
    getlist = getattr(form, "getlist", None)
    for f in BY_NAME[step_name].fields:
        if f.kind == "checkboxes":
            values = getlist(f.name) if getlist else form.get(f.name, [])
            raw[f.name] = [str(v) for v in values if isinstance(v, str)]
        else:
            value = form.get(f.name)
            raw[f.name] = value.strip()[:1000] if isinstance(value, str) else ""
    return raw


def _number_error(f: Field, value: str) -> str | None:
    try:
        number = float(value) if f.kind == "money" else int(value)
    except ValueError:
        return (
            N_("Enter a whole number, for example 42.")
            if f.kind != "money"
            else N_("Enter an amount in dollars, for example 1200.")
        )
    if not f.low <= number <= f.high:
        return N_("Enter a number from %(low)s to %(high)s.")
    return None


def validate_step(step_name: str, raw: Raw) -> dict[str, str]:
    """Errors per field name (English source messages); empty when the step is complete."""
    errors: dict[str, str] = {}
    for f in BY_NAME[step_name].fields:
        value = raw.get(f.name)
        if f.kind == "checkboxes":
            chosen = value or []
            allowed = {c[0] for c in f.choices}
            if any(v not in allowed for v in chosen):
                errors[f.name] = N_("Choose from the options shown.")
            elif f.required and not chosen:
                errors[f.name] = N_("Choose at least one.")
            continue
        text = value or ""
        if not text:
            if f.required:
                errors[f.name] = (
                    N_("Enter your answer.") if f.kind in ("int", "text") else N_("Choose one.")
                )
            continue
        if f.kind == "radio" and text not in {c[0] for c in f.choices}:
            errors[f.name] = N_("Choose from the options shown.")
        elif f.kind in ("int", "money", "percent"):
            message = _number_error(f, text)
            if message:
                errors[f.name] = message
        elif f.kind == "text" and len(text) > _MAX_TEXT:
            errors[f.name] = N_("Use at most 100 characters.")
    if step_name == "tried":
        errors.update(_trial_errors(raw))
    return errors


def _trial_errors(raw: Raw) -> dict[str, str]:
    errors: dict[str, str] = {}
    for i in range(1, TRIAL_ROWS + 1):
        named = bool(raw.get(f"trial_{i}_name"))
        answered = raw.get(f"trial_{i}_adequate") or raw.get(f"trial_{i}_outcome")
        if answered and not named:
            errors[f"trial_{i}_name"] = N_("Enter the medicine's name, or clear this row.")
    return errors


def _yn(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _opt(value: str | None) -> str | None:
    return None if value in (None, "", "unknown") else value


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _money(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def to_payload(answers: Mapping[str, Raw]) -> dict[str, Any]:
    """The contract request as a plain dict; answers that fail validation are left out (unknown)."""
    get = {name: dict(answers.get(name) or {}) for name in BY_NAME}
    for step in STEPS:  # a step with errors contributes nothing, so bad input never leaks in
        if validate_step(step.name, get[step.name]):
            get[step.name] = {}
    a, d, fe, t, h, v, ins = (get[s.name] for s in STEPS)
    payload: dict[str, Any] = {
        "age": _int(a.get("age")),
        "pregnancy": a.get("pregnancy") or None,
        "conditions": d.get("conditions") or None,
        "episode_months": _int(d.get("episode_months")),
    }
    if fe:
        payload["phq9_items"] = [int(fe[f"phq9_{i}"]) for i in range(1, 10)]
        payload["suicidal_thoughts"] = fe.get("suicidal_thoughts")
    if t:
        trials = []
        for i in range(1, TRIAL_ROWS + 1):
            name = t.get(f"trial_{i}_name")
            if name:
                trials.append(
                    {
                        "name": name,
                        "adequate": _yn(t.get(f"trial_{i}_adequate")),
                        "outcome": _opt(t.get(f"trial_{i}_outcome")),
                    }
                )
        payload["antidepressant_trials"] = trials
        payload["augmentation_trials"] = _int(t.get("augmentation_trials"))
        payload["psychotherapy_trial"] = _yn(t.get("psychotherapy_trial"))
        payload["prior_treatments"] = {
            k: _opt(t.get(f"prior_{k}")) for k in ("tms", "ketamine", "esketamine", "ect")
        }
    if h:
        history: dict[str, Any] = {}
        for f in BY_NAME["health"].fields:
            value = h.get(f.name)
            history[f.name] = _yn(value) if f.choices[0][0] == "yes" else _opt(value)
        payload["medical_history"] = history
    if v:
        payload["preferences"] = {k: _int(v.get(f"pref_{k}")) for k in PREFERENCE_KEYS}
        payload["logistics"] = {
            "can_attend_weekdays": _yn(v.get("can_attend_weekdays")),
            "has_driver": _yn(v.get("has_driver")),
            "travel_minutes": _int(v.get("travel_minutes")),
        }
    if ins:
        coinsurance = _money(ins.get("coinsurance"))
        payload["insurance"] = {
            "plan": ins.get("plan"),
            "deductible_remaining": _money(ins.get("deductible_remaining")),
            "coinsurance": None if coinsurance is None else coinsurance / 100,
            "out_of_pocket_max_remaining": _money(ins.get("out_of_pocket_max_remaining")),
        }
    return _drop_none(payload)


def _drop_none(node: dict[str, Any]) -> dict[str, Any]:
    return {
        k: _drop_none(v) if isinstance(v, dict) else v for k, v in node.items() if v is not None
    }


def to_request(answers: Mapping[str, Raw]) -> AssessmentRequest | None:
    """The contract request, or None while the required answers (age, diagnosis) are missing."""
    try:
        return AssessmentRequest.model_validate(to_payload(answers))
    except ValidationError:
        return None


def crisis_flag(answers: Mapping[str, Raw]) -> bool:
    """True when PHQ-9 item 9 is above 0 or thoughts of ending one's life were reported."""
    fe = answers.get("feelings") or {}
    item9 = fe.get("phq9_9") or "0"
    thoughts = fe.get("suicidal_thoughts") or "none"
    return item9 in ("1", "2", "3") or thoughts in ("passive", "active", "active_with_plan")
