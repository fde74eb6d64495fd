"""Validate one questionnaire step's raw answers; read all of them into a clinical record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, get_args

from pydantic import ValidationError

from trdnav.domain import alerts, record
from trdnav.domain.measures import instruments
from trdnav.domain.record import Administration, Answer, ClinicalRecord, Trial
from trdnav.domain.requests import (
    PREFERENCE_KEYS,
    AssessmentRequest,
    Insurance,
    Logistics,
    Preferences,
    PriorTreatments,
    SuicidalThoughts,
)
from trdnav.domain.results import Alert
from trdnav.features.aid.steps import BY_NAME, N_, STEPS, TRIAL_ROWS, Field, Raw, phq9_fields

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


ADD_ON_MAX_AGE = 21  # adolescent TMS clearances: ages 15-21, as an add-on (NEUROSTAR-2024)


TRIAL_ROWS_KEY = "tried_rows"  # draft key: how many medicine rows the person asked to see


def trial_rows(answers: Mapping[str, Raw]) -> int:
    """Medicine rows shown on "What you have tried": one, every filled row, and any added."""
    raw = answers.get("tried") or {}
    filled = [
        i
        for i in range(1, TRIAL_ROWS + 1)
        if any(raw.get(f"trial_{i}_{part}") for part in ("name", "adequate", "outcome"))
    ]
    added = _int(str((answers.get(TRIAL_ROWS_KEY) or {}).get("n") or "")) or 0
    return max(1, min(TRIAL_ROWS, max([added, *filled])))


def hidden_fields(step_name: str, answers: Mapping[str, Raw]) -> frozenset[str]:
    """Questions not asked of this person (their answer would not count) or not yet added."""
    if step_name != "tried":
        return frozenset()
    shown = trial_rows(answers)
    hidden = {
        f"trial_{i}_{part}"
        for i in range(shown + 1, TRIAL_ROWS + 1)
        for part in ("name", "adequate", "outcome")
    }
    age = _int(str((answers.get("about") or {}).get("age") or ""))
    if age and age > ADD_ON_MAX_AGE:
        hidden.add("taking_antidepressant")
    return frozenset(hidden)


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


def to_record(answers: Mapping[str, Raw]) -> ClinicalRecord:
    """What the person told the aid, as a (patient-reported) clinical record.

    A step with errors contributes nothing, so bad input never leaks in: its answers stay
    unknown, and the engine asks a clinician to confirm the ones that matter.
    """
    get = {name: dict(answers.get(name) or {}) for name in BY_NAME}
    for step in STEPS:
        if validate_step(step.name, get[step.name]):
            get[step.name] = {}
    a, d, fe, t, h, v, ins = (get[s.name] for s in STEPS)
    reported: dict[str, Any] = {
        "age": _int(a.get("age")),
        "pregnancy": _opt(a.get("pregnancy")),
    }
    administrations = []
    if fe:
        items = [int(fe[f.name]) for f in phq9_fields()]
        administrations.append(
            Administration(instrument="phq9", items=items, total=sum(items), source="reported")
        )
        reported["suicidal_thoughts"] = fe.get("suicidal_thoughts")
    trials = None
    if t:
        trials = [
            Trial(
                name=name,
                reported_adequate=_yn(t.get(f"trial_{i}_adequate")),
                outcome=_opt(t.get(f"trial_{i}_outcome")),
            )
            for i in range(1, TRIAL_ROWS + 1)
            if (name := t.get(f"trial_{i}_name"))
        ]
        reported["augmentation_trials"] = _int(t.get("augmentation_trials"))
        reported["psychotherapy_trial"] = _yn(t.get("psychotherapy_trial"))
        reported["taking_antidepressant"] = _yn(t.get("taking_antidepressant"))
        for k in PriorTreatments.model_fields:
            reported[f"prior_treatments.{k}"] = _opt(t.get(f"prior_{k}"))
    for f in BY_NAME["health"].fields if h else ():
        value = h.get(f.name)
        yes_no = f.choices[0][0] == "yes"
        reported[f"medical_history.{f.name}"] = _yn(value) if yes_no else _opt(value)
    coinsurance = _money(ins.get("coinsurance"))
    return ClinicalRecord(
        reported_conditions=d.get("conditions") or [],
        answers={k: Answer(reported=value) for k, value in reported.items() if value is not None},
        trials=trials,
        administrations=administrations,
        preferences=Preferences(**{k: _int(v.get(f"pref_{k}")) for k in PREFERENCE_KEYS}),
        logistics=Logistics(
            can_attend_weekdays=_yn(v.get("can_attend_weekdays")),
            has_driver=_yn(v.get("has_driver")),
        ),
        insurance=Insurance(
            plan=ins.get("plan") or None,
            deductible_remaining=_money(ins.get("deductible_remaining")),
            coinsurance=None if coinsurance is None else coinsurance / 100,
            out_of_pocket_max_remaining=_money(ins.get("out_of_pocket_max_remaining")),
        ),
    )


def to_request(answers: Mapping[str, Raw]) -> AssessmentRequest | None:
    """The contract request, or None while the required answers (age, diagnosis) are missing."""
    try:
        # No date of birth is asked, so the record's age is the age given: `today` is moot.
        return record.to_request(to_record(answers), date.today())
    except ValidationError:
        return None


def _risk_answers(answers: Mapping[str, Raw]) -> tuple[int | None, SuicidalThoughts | None]:
    """The risk item's score and the answer about thoughts of ending one's life, if valid."""
    fe = answers.get("feelings") or {}
    risk = instruments.get("phq9").risk_item
    item = _int(str(fe.get(f"phq9_{risk}") or "")) if risk is not None else None
    thoughts = fe.get("suicidal_thoughts")
    return (
        item if item is not None and 0 <= item <= 3 else None,
        thoughts if thoughts in get_args(SuicidalThoughts) else None,
    )


def crisis_alert(answers: Mapping[str, Raw]) -> Alert | None:
    """The suicide-risk alert for what the person said so far (the one domain rule), if any.

    Works on a partly answered "how you feel" step too: the risk item and the question about
    thoughts of ending one's life are read as soon as either is answered.
    """
    alert = alerts.suicide_risk(*_risk_answers(answers))
    return alert if alert is not None and alert.code == alerts.SUICIDE_RISK else None


def needs_safety_check(answers: Mapping[str, Raw]) -> bool:
    """Whether the "Are you safe right now?" step comes next (a plan or intent)."""
    return alerts.needs_safety_check(*_risk_answers(answers))


CRISIS_FIELDS: tuple[str, ...] = (
    f"phq9_{instruments.get('phq9').risk_item}",
    "suicidal_thoughts",
)


def crisis_place(raw: Raw, trigger: str | None = None, shown_at: str | None = None) -> str:
    """Which crisis question the panel sits under: the one just answered, else where it was."""
    if trigger in CRISIS_FIELDS:
        return trigger
    if shown_at in CRISIS_FIELDS:
        return shown_at
    thoughts = raw.get("suicidal_thoughts")
    return "suicidal_thoughts" if thoughts and thoughts != "none" else CRISIS_FIELDS[0]
