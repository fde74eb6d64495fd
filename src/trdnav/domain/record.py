"""The clinical record over time, and the ONE mapping between it and an assessment request.

A record is what is known about one person: answers (what they reported beside what a
clinician confirmed), diagnoses, antidepressant trials in the current episode, and
administrations of instruments (PHQ-9, GAD-7). The decision aid, a consultation request,
its conversion into a patient record and the workspace's candidacy check all meet here:
`record_from_request` reads a person's own answers into a record, and `request_data` /
`to_request` turn any record into the assessment request the engine takes. Nothing else maps
records to requests.

Unknown stays unknown: an answer nobody gave is left out of the request (the engine then asks a
clinician to confirm it); it is never filled in with a default.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from trdnav.domain.codes import icd10
from trdnav.domain.requests import (
    AssessmentRequest,
    Condition,
    Insurance,
    Logistics,
    MedicalHistory,
    Preferences,
    PriorTreatments,
    TrialOutcome,
)

Source = Literal["reported", "clinician"]
"""Who said it: the person themselves (aid, consultation request) or a clinician."""
AdministrationSource = Literal["reported", "clinician", "patient"]
"""reported: typed into the aid; clinician: administered by staff; patient: a self-report link."""
Adherence = Literal["good", "fair", "poor"]
ADHERENCE: tuple[Adherence, ...] = get_args(Adherence)
OUTCOMES: tuple[TrialOutcome, ...] = get_args(TrialOutcome)
ADEQUATE_WEEKS = 6  # GLOSSARY "trial": adequate = therapeutic dose for at least 6 weeks (ATHF)

# The answers a person gives and a clinician confirms, as dotted paths of the request.
ANSWER_KEYS: tuple[str, ...] = (
    "age",
    "pregnancy",
    "suicidal_thoughts",
    "episode_months",
    "augmentation_trials",
    "psychotherapy_trial",
    "taking_antidepressant",
    *(f"prior_treatments.{k}" for k in PriorTreatments.model_fields),
    *(f"medical_history.{k}" for k in MedicalHistory.model_fields),
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Answer(_Frozen):
    """One answer: what the person reported beside what a clinician confirmed."""

    reported: Any = None
    confirmed: Any = None

    @property
    def value(self) -> Any:
        """The confirmed value where there is one, else the reported one (None: unknown)."""
        return self.reported if self.confirmed is None else self.confirmed


class Diagnosis(_Frozen):
    """An ICD-10-CM diagnosis; `reported` ones stand for what the person said they have."""

    code: str
    source: Source


class Trial(_Frozen):
    """One antidepressant tried in the current episode, with what decides its adequacy."""

    name: str = Field(min_length=1, max_length=100)
    source: Source = "reported"
    reported_adequate: bool | None = None
    therapeutic_dose: bool | None = None
    weeks: int | None = Field(default=None, ge=0, le=520)
    adherence: Adherence | None = None
    outcome: TrialOutcome | None = None

    @property
    def adequate(self) -> bool | None:
        """Adequate = therapeutic dose for at least 6 weeks, taken (GLOSSARY "trial"; ATHF).

        A trial only the person reported keeps their own answer until a clinician records dose
        and duration; unknown stays unknown.
        """
        if self.therapeutic_dose is None and self.weeks is None:
            return self.reported_adequate
        if self.therapeutic_dose is False or self.adherence == "poor":
            return False
        if self.weeks is not None and self.weeks < ADEQUATE_WEEKS:
            return False
        if self.therapeutic_dose is None or self.weeks is None:
            return None
        return True


class Administration(_Frozen):
    """One completed instrument (PHQ-9, GAD-7): its item scores where known, and its total."""

    instrument: str
    items: list[int] | None = None
    total: int = Field(ge=0)
    administered_at: datetime | None = None
    source: AdministrationSource


class ClinicalRecord(_Frozen):
    """Everything known about one person's current episode, as the engine needs it."""

    birth_date: date | None = None
    reported_conditions: list[Condition] = []
    diagnoses: list[Diagnosis] = []
    answers: dict[str, Answer] = {}
    trials: list[Trial] | None = None  # None: nobody asked; [] : none tried in this episode
    administrations: list[Administration] = []
    preferences: Preferences = Preferences()
    insurance: Insurance = Insurance()
    logistics: Logistics = Logistics()

    def answer(self, key: str) -> Any:
        """The current value of an answer (confirmed, else reported), or None when unknown."""
        found = self.answers.get(key)
        return None if found is None else found.value

    def age(self, today: date) -> int | None:
        """Age from the date of birth when known, else the age given as an answer."""
        if self.birth_date is None:
            value = self.answer("age")
            return value if isinstance(value, int) and not isinstance(value, bool) else None
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def conditions(self) -> list[Condition]:
        """A clinician's diagnoses, once there is one; until then what the person reported."""
        clinician = [d.code for d in self.diagnoses if d.source == "clinician"]
        if not clinician:
            return list(dict.fromkeys(self.reported_conditions))
        found = [c.condition for code in clinician if (c := icd10.lookup(code)) and c.condition]
        return list(dict.fromkeys(found))

    def latest(self, instrument: str) -> Administration | None:
        """The most recent administration of an instrument (undated ones count as oldest)."""
        dated = [
            (a.administered_at is not None, a.administered_at or datetime.min, i, a)
            for i, a in enumerate(self.administrations)
            if a.instrument == instrument
        ]
        return max(dated, key=lambda row: row[:3])[3] if dated else None


def request_data(record: ClinicalRecord, today: date) -> dict[str, Any]:
    """The assessment request for this record as plain data; validate with `to_request`."""
    data: dict[str, Any] = {"age": record.age(today), "conditions": record.conditions()}
    for key in ANSWER_KEYS:
        value = record.answer(key)
        if key == "age" or value is None:
            continue
        head, _, tail = key.partition(".")
        if tail:
            data.setdefault(head, {})[tail] = value
        else:
            data[head] = value
    phq9 = record.latest("phq9")
    if phq9 is not None:
        if phq9.items is not None:
            data["phq9_items"] = list(phq9.items)
        else:
            data["phq9_total"] = phq9.total
    if record.trials is not None:
        data["antidepressant_trials"] = [
            {
                k: v
                for k, v in {"name": t.name, "adequate": t.adequate, "outcome": t.outcome}.items()
                if v is not None
            }
            for t in record.trials
        ]
    for part in ("preferences", "insurance", "logistics"):
        given = getattr(record, part).model_dump(exclude_none=True)
        if given:
            data[part] = given
    return data


def to_request(record: ClinicalRecord, today: date) -> AssessmentRequest:
    """The assessment request for this record; raises pydantic's ValidationError naming each
    field that is missing or out of range (for example `age` before anyone gave it)."""
    return AssessmentRequest.model_validate(request_data(record, today))


def record_from_request(
    request: AssessmentRequest, administered_at: datetime | None = None
) -> ClinicalRecord:
    """A record of what a person reported about themselves (aid or consultation request)."""
    answers: dict[str, Answer] = {}
    for key in ANSWER_KEYS:
        value: Any = request
        for part in key.split("."):
            value = getattr(value, part)
        if value is not None:
            answers[key] = Answer(reported=value)
    administrations = []
    if request.phq9_items is not None or request.phq9_total is not None:
        items = None if request.phq9_items is None else list(request.phq9_items)
        total = sum(items) if items is not None else request.phq9_total
        assert total is not None
        administrations.append(
            Administration(
                instrument="phq9",
                items=items,
                total=total,
                administered_at=administered_at,
                source="reported",
            )
        )
    return ClinicalRecord(
        reported_conditions=list(request.conditions),
        answers=answers,
        trials=None
        if request.antidepressant_trials is None
        else [
            Trial(name=t.name, reported_adequate=t.adequate, outcome=t.outcome)
            for t in request.antidepressant_trials
        ],
        administrations=administrations,
        preferences=request.preferences,
        insurance=request.insurance,
        logistics=request.logistics,
    )
