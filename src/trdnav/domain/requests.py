"""The assessment request (contract assessment-v1): what a person tells us.

An omitted answer means "unknown" (None here). Validation names the field that is wrong.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, ConfigDict, Field, field_validator

from trdnav.domain.text import RequestModel

Condition = Literal[
    "major_depressive_disorder",
    "bipolar_depression",
    "ocd",
    "ptsd",
    "generalized_anxiety",
    "smoking_cessation",
]
Pregnancy = Literal["no", "yes", "planning", "breastfeeding", "unknown"]
SuicidalThoughts = Literal["none", "passive", "active", "active_with_plan"]
TrialOutcome = Literal["no_response", "partial_response", "intolerable", "response"]
PriorResult = Literal["none", "responded", "did_not_respond", "stopped_side_effects"]
Hypertension = Literal["none", "controlled", "uncontrolled"]
History = Literal["none", "past", "current"]
Plan = Literal["medicare", "medicaid", "commercial", "military", "self_pay", "unknown"]


def _whole(value: object) -> object:
    # JSON does not tell 17 from 17.0 (JSON Schema calls both an integer); "17" and true stay out.
    return int(value) if isinstance(value, float) and value.is_integer() else value


WHOLE = BeforeValidator(_whole)  # last in Annotated[...], so the bounds stay in the schema
ItemScore = Annotated[int, Field(ge=0, le=3), WHOLE]
Weight = Annotated[int, Field(ge=0, le=4), WHOLE]
Money = Annotated[float, Field(ge=0, le=10_000_000)]

CONDITIONS: tuple[Condition, ...] = (
    "major_depressive_disorder",
    "bipolar_depression",
    "ocd",
    "ptsd",
    "generalized_anxiety",
    "smoking_cessation",
)


class _Strict(RequestModel):
    # Unknown keys are rejected so a misspelt safety answer never silently reads as "unknown".
    model_config = ConfigDict(extra="forbid", frozen=True)


class AntidepressantTrial(_Strict):
    name: str = Field(min_length=1, max_length=100)
    adequate: bool | None = None
    outcome: TrialOutcome | None = None


class PriorTreatments(_Strict):
    tms: PriorResult | None = None
    ketamine: PriorResult | None = None
    esketamine: PriorResult | None = None
    ect: PriorResult | None = None


class MedicalHistory(_Strict):
    metal_in_head: bool | None = None
    cochlear_implant: bool | None = None
    implanted_neurostimulator: bool | None = None
    cardiac_device: bool | None = None
    seizure_history: bool | None = None
    neurological_condition: bool | None = None
    aneurysm_or_avm: bool | None = None
    intracerebral_hemorrhage: bool | None = None
    hypertension: Hypertension | None = None
    cardiovascular_disease: bool | None = None
    mania_history: bool | None = None
    psychosis: History | None = None
    substance_use_disorder: History | None = None
    ketamine_misuse: bool | None = None
    bladder_disease: bool | None = None
    ketamine_hypersensitivity: bool | None = None


PREFERENCE_KEYS: tuple[str, ...] = (
    "fast_relief",
    "lasting_results",
    "few_side_effects",
    "avoid_medication",
    "drive_myself",
    "few_visits",
    "low_cost",
)


class Preferences(_Strict):
    fast_relief: Weight | None = None
    lasting_results: Weight | None = None
    few_side_effects: Weight | None = None
    avoid_medication: Weight | None = None
    drive_myself: Weight | None = None
    few_visits: Weight | None = None
    low_cost: Weight | None = None


class Insurance(_Strict):
    plan: Plan | None = None
    deductible_remaining: Money | None = None
    coinsurance: Annotated[float, Field(ge=0, le=1)] | None = None
    out_of_pocket_max_remaining: Money | None = None


class Logistics(_Strict):
    can_attend_weekdays: bool | None = None
    has_driver: bool | None = None
    travel_minutes: Annotated[int, Field(ge=0, le=1440), WHOLE] | None = None


class AssessmentRequest(_Strict):
    """Contract assessment-v1 request. Only `age` and `conditions` are required."""

    age: Annotated[int, Field(ge=0, le=120), WHOLE]
    conditions: Annotated[
        list[Condition], Field(min_length=1, max_length=6, json_schema_extra={"uniqueItems": True})
    ]
    pregnancy: Pregnancy | None = None
    phq9_items: Annotated[list[ItemScore], Field(min_length=9, max_length=9)] | None = None
    phq9_total: Annotated[int, Field(ge=0, le=27), WHOLE] | None = None
    suicidal_thoughts: SuicidalThoughts | None = None
    episode_months: Annotated[int, Field(ge=0, le=1200), WHOLE] | None = None
    antidepressant_trials: Annotated[list[AntidepressantTrial], Field(max_length=50)] | None = None
    augmentation_trials: Annotated[int, Field(ge=0, le=50), WHOLE] | None = None
    psychotherapy_trial: bool | None = None
    # Taking an antidepressant now (adolescent TMS is cleared only as an add-on to one).
    taking_antidepressant: bool | None = None
    prior_treatments: PriorTreatments = PriorTreatments()
    medical_history: MedicalHistory = MedicalHistory()
    preferences: Preferences = Preferences()
    insurance: Insurance = Insurance()
    logistics: Logistics = Logistics()

    @field_validator("conditions")
    @classmethod
    def _unique_conditions(cls, value: list[Condition]) -> list[Condition]:
        if len(set(value)) != len(value):
            raise ValueError("each condition may be listed once")
        return value
