"""Shapes of the payer-policy data files: every criterion typed, every fact with source ids.

A policy is one payer's coverage rules for one or more options. Its `criteria` are what a
patient's record must show (age, diagnosis, severity, failed trials, augmentation,
psychotherapy, exclusions, who orders, a PDMP check); its terms (`session_limit`,
`continuation`, `approval`, `not_covered`) are what an approval allows. Where our sources say
nothing, the criterion is absent and `not_stated` says so; it is never filled in.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from trdnav.domain.requests import Plan, TrialOutcome
from trdnav.domain.results import OptionId

SourceIds = Annotated[list[str], Field(min_length=1)]
CriterionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")]
PolicyId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9-]{1,40}$")]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Disagreement(_Data):
    """Another source that says something different about the same criterion."""

    text: str = Field(min_length=1)
    source_ids: SourceIds


class _Criterion(_Data):
    id: CriterionId
    text: str = Field(min_length=1)
    note: str = ""
    disagreements: list[Disagreement] = []
    source_ids: SourceIds


class AgeCriterion(_Criterion):
    """The patient's age is within [min, max] (either end may be open)."""

    kind: Literal["age"]
    min: Annotated[int, Field(ge=0, le=120)] | None = None
    max: Annotated[int, Field(ge=0, le=120)] | None = None


class DiagnosisCriterion(_Criterion):
    """A clinician's ICD-10-CM diagnosis is one of `codes`."""

    kind: Literal["diagnosis"]
    codes: Annotated[list[str], Field(min_length=1)]


class SeverityCriterion(_Criterion):
    """The latest score of `instrument` compares with `threshold` as `comparison` says."""

    kind: Literal["severity"]
    instrument: str
    comparison: Literal[">=", ">"]
    threshold: Annotated[int, Field(ge=0)]


class FailedTrialsCriterion(_Criterion):
    """At least `min_trials` different antidepressants failed (and of `min_classes` classes).

    A trial fails when it was adequate and its outcome is one of `failure_outcomes`; with
    `intolerance_counts`, an antidepressant stopped as intolerable counts whatever its length.
    `min_weeks` asks each counted trial to have lasted at least that long.
    """

    kind: Literal["failed_trials"]
    min_trials: Annotated[int, Field(ge=1, le=10)]
    min_classes: Annotated[int, Field(ge=1, le=10)] | None = None
    failure_outcomes: Annotated[list[TrialOutcome], Field(min_length=1)] = [
        "no_response",
        "partial_response",
    ]
    intolerance_counts: bool = False
    min_weeks: Annotated[int, Field(ge=1, le=52)] | None = None


class AugmentationCriterion(_Criterion):
    """At least `min_trials` augmentation trials (an antipsychotic, lithium, T3 ...)."""

    kind: Literal["augmentation"]
    min_trials: Annotated[int, Field(ge=1, le=10)]


class PsychotherapyCriterion(_Criterion):
    """A trial of psychotherapy in the current episode."""

    kind: Literal["psychotherapy"]


class ExclusionCriterion(_Criterion):
    """None of these answers has an excluding value, and no diagnosis is one of the codes.

    `answers` maps an answer of the record (a dotted path of the assessment request, checked
    at load) to the values that exclude.
    """

    kind: Literal["exclusion"]
    answers: dict[str, Annotated[list[StrictBool | StrictInt | StrictStr], Field(min_length=1)]]
    diagnosis_codes: list[str] = []


class PrescriberCriterion(_Criterion):
    """The ordering clinician is a psychiatrist (a fact of the request, not of the record)."""

    kind: Literal["prescriber"]


class PdmpCriterion(_Criterion):
    """The prescription drug monitoring program was checked before the request."""

    kind: Literal["pdmp_check"]


Criterion = Annotated[
    AgeCriterion
    | DiagnosisCriterion
    | SeverityCriterion
    | FailedTrialsCriterion
    | AugmentationCriterion
    | PsychotherapyCriterion
    | ExclusionCriterion
    | PrescriberCriterion
    | PdmpCriterion,
    Field(discriminator="kind"),
]


class SessionLimit(_Data):
    """How many sessions a first approval allows: treatment sessions plus taper sessions."""

    sessions: Annotated[int, Field(ge=1, le=500)]
    taper_sessions: Annotated[int, Field(ge=0, le=100)] = 0
    text: str = Field(min_length=1)
    source_ids: SourceIds

    @property
    def total(self) -> int:
        return self.sessions + self.taper_sessions


class Continuation(_Data):
    """More sessions after the first approval, if the score improved enough since baseline."""

    sessions: Annotated[int, Field(ge=1, le=500)]
    taper_sessions: Annotated[int, Field(ge=0, le=100)] = 0
    min_improvement_pct: Annotated[int, Field(ge=1, le=100)]
    measured_with: str  # the instrument the clinic measures improvement with
    text: str = Field(min_length=1)
    note: str = ""
    source_ids: SourceIds

    @property
    def total(self) -> int:
        return self.sessions + self.taper_sessions


class Approval(_Data):
    """How long an approval lasts."""

    months: Annotated[int, Field(ge=1, le=24)]
    text: str = Field(min_length=1)
    source_ids: SourceIds


class NotCovered(_Data):
    """Something the policy does not cover: an option (`option`) or a kind of care (`what`)."""

    option: OptionId | None = None
    what: str = Field(min_length=1)
    text: str = Field(min_length=1)
    source_ids: SourceIds


class Policy(_Data):
    """One payer policy (one data file; the file name is its id)."""

    id: PolicyId
    name: str = Field(min_length=1)
    payer: str = Field(min_length=1)
    plan_types: Annotated[list[Plan], Field(min_length=1)]
    options: Annotated[list[OptionId], Field(min_length=1)]
    source_ids: SourceIds
    criteria: Annotated[list[Criterion], Field(min_length=1)]
    session_limit: SessionLimit | None = None
    continuation: Continuation | None = None
    approval: Approval | None = None
    not_covered: list[NotCovered] = []
    # What our sources do not say about this policy: shown, never filled in.
    not_stated: list[str] = []

    def applies_to(self, option: str) -> bool:
        """True when the policy covers the option or says it does not (both can be checked)."""
        return option in self.options or any(n.option == option for n in self.not_covered)

    def refusal(self, option: str) -> NotCovered | None:
        """The policy's statement that it does not cover this option, if there is one."""
        return next((n for n in self.not_covered if n.option == option), None)


class DrugClass(_Data):
    name: str = Field(min_length=1)
    role: Literal["antidepressant", "augmentation"]


class DrugEntry(_Data):
    drug_class: str = Field(alias="class")
    aliases: list[str] = []
    note: str = ""


class DrugFile(_Data):
    classes: dict[str, DrugClass]
    drugs: dict[str, DrugEntry]


class ProcedureCode(_Data):
    """A billing code a request may plan (CPT or HCPCS), for the options it bills."""

    system: Literal["CPT", "HCPCS"]
    description: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    options: Annotated[list[OptionId], Field(min_length=1)]
    note: str = ""
    source_ids: SourceIds


class DiagnosisList(_Data):
    codes: Annotated[list[str], Field(min_length=1)]
    text: str = Field(min_length=1)
    source_ids: SourceIds


class CodesFile(_Data):
    procedures: dict[str, ProcedureCode]
    trd_diagnoses: DiagnosisList
    # ICD-10-CM codes of depression that do not state the episode's severity (their
    # official descriptions say "unspecified" or "other"): a severity criterion stays unknown.
    unspecified_severity: list[str]
