"""Builders for the coverage spec tables: a record in one short line, checked against a policy.

rec(age=42, dx="F33.2", trials=["sertraline 8w no", "bupropion 8w partial"],
    phq9=[(17, "2026-10-01")], psy=True, aug=1, safe=True, psychosis="current")
A trial is "name [Nw] [sub] [no|partial|intol|resp] [reported] [?]": N weeks at a therapeutic dose
(sub: below it), the outcome, reported by the patient (adequate by their word), ? adequacy unknown.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from trdnav.domain.coverage.check import Facts, check
from trdnav.domain.coverage.loader import default_coverage
from trdnav.domain.coverage.results import CoverageCheck, CriterionCheck
from trdnav.domain.record import Administration, Answer, ClinicalRecord, Diagnosis, Trial

TODAY = date(2026, 11, 20)
OUTCOMES = {
    "no": "no_response",
    "partial": "partial_response",
    "intol": "intolerable",
    "resp": "response",
}
TMS_SAFETY = (
    "metal_in_head",
    "cochlear_implant",
    "implanted_neurostimulator",
    "seizure_history",
    "neurological_condition",
)


def trial(spec: str) -> Trial:
    """One trial from its short form (see the module docstring)."""
    name, *words = spec.split()
    kw: dict[str, Any] = {"name": name.replace("_", " "), "source": "clinician"}
    for word in words:
        if word.endswith("w") and word[:-1].isdigit():
            kw["weeks"] = int(word[:-1])
            kw.setdefault("therapeutic_dose", True)
        elif word == "sub":
            kw["therapeutic_dose"] = False
        elif word == "reported":
            kw["source"], kw["reported_adequate"] = "reported", True
        elif word in OUTCOMES:
            kw["outcome"] = OUTCOMES[word]
        elif word != "?":
            raise ValueError(f"unknown trial word {word!r}")
    return Trial(**kw)


def rec(
    age: int | None = None,
    dx: str | tuple[str, ...] = (),
    rdx: str | tuple[str, ...] = (),
    trials: list[str] | None = None,
    phq9: list[tuple[int, str]] | None = None,
    psy: bool | None = None,
    aug: int | None = None,
    safe: bool = False,
    reported: bool = False,
    **history: Any,
) -> ClinicalRecord:
    """A record; answers are clinician-confirmed unless `reported` (then patient-reported)."""

    def answer(value: Any) -> Answer:
        return Answer(reported=value) if reported else Answer(reported=value, confirmed=value)

    answers: dict[str, Answer] = {}
    if psy is not None:
        answers["psychotherapy_trial"] = answer(psy)
    if aug is not None:
        answers["augmentation_trials"] = answer(aug)
    if safe:
        for key in TMS_SAFETY:
            answers[f"medical_history.{key}"] = answer(False)
        answers["medical_history.psychosis"] = answer("none")
    for key, value in history.items():
        answers[f"medical_history.{key}"] = answer(value)
    codes = (dx,) if isinstance(dx, str) else dx
    reported_codes = (rdx,) if isinstance(rdx, str) else rdx
    return ClinicalRecord(
        birth_date=None if age is None else date(TODAY.year - age, 1, 1),
        diagnoses=[Diagnosis(code=c, source="clinician") for c in codes]
        + [Diagnosis(code=c, source="reported") for c in reported_codes],
        answers=answers,
        trials=None if trials is None else [trial(t) for t in trials],
        administrations=[
            Administration(
                instrument="phq9",
                total=total,
                administered_at=datetime.fromisoformat(on).replace(hour=15, tzinfo=UTC),
                source="clinician",
            )
            for total, on in phq9 or []
        ],
    )


def checked(
    policy: str, record: ClinicalRecord, facts: Facts | None = None, option: str | None = None
) -> CoverageCheck:
    """The check of a policy (for its first option unless given) on TODAY."""
    found = default_coverage().policies[policy]
    return check(found, option or found.options[0], record, TODAY, facts)


def criterion(
    policy: str, criterion_id: str, record: ClinicalRecord, facts: Facts | None = None
) -> CriterionCheck:
    """One criterion of a policy's check."""
    result = checked(policy, record, facts)
    return next(c for c in result.criteria if c.id == criterion_id)


def verdict(met: bool | None) -> str:
    return {True: "met", False: "not met", None: "unknown"}[met]


def row(
    criterion_id: str,
    given: str,
    record: ClinicalRecord,
    met: bool | None,
    facts: Facts | None = None,
) -> Any:
    """A spec row: criterion, what the record says, the expected met / not met / unknown."""
    return pytest.param(
        criterion_id, record, facts, met, id=f"{criterion_id}: {given} -> {verdict(met)}"
    )


def summary_row(
    given: str, record: ClinicalRecord, summary: str, facts: Facts | None = None
) -> Any:
    return pytest.param(record, facts, summary, id=f"summary: {given} -> {summary}")
