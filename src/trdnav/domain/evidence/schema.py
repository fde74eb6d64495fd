"""Shapes of the evidence data files. Every fact carries `source_ids`; ranges are checked."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)

from trdnav.domain.requests import Condition, Plan
from trdnav.domain.results import Coverage, OptionId, RegulatoryStatus

SourceIds = Annotated[list[str], Field(min_length=1)]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# What kind of document a source is (IPDAS source balance); the sources page groups by it.
SourceType = Literal[
    "trial",
    "meta_analysis",
    "registry",
    "study",
    "regulatory",
    "payer",
    "guideline",
    "manufacturer",
    "clinic_marketing",
    "secondary",
    "standard",
    "software_issue",
]


class SourceEntry(_Data):
    citation: str = Field(min_length=1)
    type: SourceType
    # A conflict of interest the evidence file shows (who wrote it and what they sell).
    conflict: str | None = None
    # Which of its figures the evidence file marks "(unconfirmed)".
    unconfirmed: str | None = None
    year: int | None = None
    url: str | None = None


class Span(_Data):
    """A closed interval of whole numbers (sessions, days, dollars)."""

    low: Annotated[int, Field(ge=0)]
    high: Annotated[int, Field(ge=0)]

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self


class Rate(_Data):
    """A proportion range, both ends within 0..1."""

    low: Annotated[float, Field(ge=0, le=1)]
    high: Annotated[float, Field(ge=0, le=1)]

    @model_validator(mode="after")
    def _ordered(self) -> Rate:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self


class Indication(_Data):
    condition: Condition
    status: RegulatoryStatus
    min_age: Annotated[int, Field(ge=0)]
    max_age: int | None = None
    note: str = ""
    # The label asks for this many failed antidepressant trials in the current episode.
    min_failed_trials: int = 0
    # ... unless one of these is present (esketamine: acute suicidal ideation).
    waived_by_suicidal_thoughts: list[str] = []
    # Cleared only as an add-on to an antidepressant (adolescent TMS).
    adjunct: bool = False
    source_ids: SourceIds


FindingLevelData = Literal["contraindication", "caution", "info"]


class Rule(_Data):
    """One screening rule: when the answer at `field` is one of `when`, emit a finding.

    `field` is a dotted path into the request ("medical_history.seizure_history"), or
    "conditions" (matches when any listed condition is present); with `min_age` the rule
    matches from that age; with neither, it always applies (general information). When the
    answer is missing and `unknown` is set, a `confirm` finding asks a clinician to check it.
    `when` values are kept exactly as written (strict types) and checked against the type of
    the answer at `field` when the evidence loads (evidence/fields.py).
    """

    code: str
    field: str | None = None
    when: list[StrictBool | StrictInt | StrictFloat | StrictStr] = []
    level: FindingLevelData
    message: str
    unknown: str | None = None
    min_age: int | None = None
    source_ids: SourceIds


class YoungNote(_Data):
    """Why an option is not available below its youngest age, in plain words, with sources."""

    text: str
    source_ids: SourceIds


class ScreeningGaps(_Data):
    """What this aid does not ask for an option whose safety list is longer than its questions:
    the option is then "not assessed by this aid", never "no concern"."""

    message: str
    source_ids: SourceIds


class RuleSet(_Data):
    rules: list[Rule]


class CourseData(_Data):
    sessions: Span
    weeks: Span
    visit_days: Span
    maintenance: str
    source_ids: SourceIds


class OutcomesData(_Data):
    response: Rate | None = None
    remission: Rate | None = None
    timeframe: str
    # What kind of study the numbers come from, in the evidence file's words (never a grade
    # that no source gives).
    design: str
    source_ids: SourceIds


class ArmOutcome(_Data):
    """One outcome of a comparison: the treated arm and the control arm, 0..1. Response and
    remission are benefits; relapse (among people who got better) is the lack of one."""

    kind: Literal["response", "remission", "relapse"]
    treated: Rate
    control: Rate
    # The evidence file marks the per-arm figures "(unconfirmed)": shown as approximate only.
    unconfirmed: bool = False


class ComparisonData(_Data):
    """A trial's treated arm next to its control arm, at one time point and design."""

    treated: str
    control: str
    timepoint: str
    design: str
    certainty: str = ""  # only where the source states it (Cochrane "very low certainty")
    outcomes: Annotated[list[ArmOutcome], Field(min_length=1)]
    source_ids: SourceIds


class ComparisonNote(_Data):
    """What the evidence does not give (ECT: no sham arm), in plain words."""

    text: str
    source_ids: SourceIds


class HarmData(_Data):
    """A harm with its denominator: per 100 people (drawn as an icon array) or, when the source
    counts sessions or infusions, that denominator in words (never converted to people)."""

    name: str
    per_100_people: Rate | None = None
    fewer_than: bool = False  # the source says "fewer than" the high end ("<5% stop")
    other_denominator: str | None = None
    source_ids: SourceIds

    @model_validator(mode="after")
    def _one_denominator(self) -> HarmData:
        if (self.per_100_people is None) == (self.other_denominator is None):
            raise ValueError("give exactly one of `per_100_people` or `other_denominator`")
        return self


class SideEffectData(_Data):
    name: str
    frequency: str
    serious: bool = False
    source_ids: SourceIds


class PriceData(_Data):
    course: Span | None = None
    per_session: Span | None = None
    basis: str
    source_ids: SourceIds

    @model_validator(mode="after")
    def _one_form(self) -> PriceData:
        if (self.course is None) == (self.per_session is None):
            raise ValueError("give exactly one of `course` or `per_session`")
        return self


class FirstYearEstimateData(_Data):
    """One way to price the first 12 months at list: either the whole year as a source gives
    it (`year`), or the first course plus what follows it: `count` sessions (or months), or one
    session `every_weeks` for the rest of the year, at `unit` each.

    `possible`: only some people need what follows (only the high end counts it); `insured`
    false: insurers do not pay for what follows, so it is out of pocket in full.
    """

    text: str = Field(min_length=1)
    year: Span | None = None
    count: Span | None = None
    every_weeks: Span | None = None
    unit: Span | None = None
    possible: bool = False
    insured: bool = True
    unconfirmed: bool = False
    source_ids: SourceIds

    @model_validator(mode="after")
    def _one_form(self) -> FirstYearEstimateData:
        if self.year is not None:
            if (self.count, self.every_weeks, self.unit) != (None, None, None):
                raise ValueError("`year` is a whole-year price: give no count, every_weeks or unit")
        elif self.unit is None or (self.count is None) == (self.every_weeks is None):
            raise ValueError("give `year`, or `unit` with exactly one of `count` or `every_weeks`")
        if self.every_weeks is not None and self.every_weeks.low < 1:
            raise ValueError("every_weeks must be at least 1")
        return self


class FirstYearData(_Data):
    """The first 12 months from the start, with maintenance; the range spans every estimate."""

    text: str = Field(min_length=1)
    estimates: Annotated[list[FirstYearEstimateData], Field(min_length=1)]
    source_ids: SourceIds


class CostSharingData(_Data):
    """Cost sharing assumed for a plan when the person did not give their own numbers."""

    deductible: Annotated[int, Field(ge=0)]
    coinsurance: Annotated[float, Field(ge=0, le=1)]
    text: str = Field(min_length=1)
    source_ids: SourceIds


class CoverageCriteria(_Data):
    min_failed_trials: int | None = None
    min_phq9: int | None = None
    psychotherapy: bool | None = None
    min_augmentation: int | None = None
    meets_trd: bool | None = None


class CoverageExclusion(_Data):
    """A condition the payer excludes: when the answer at `field` is one of `when`, coverage
    is "unlikely" with this note; when that answer is unknown, "likely" drops to "possible"."""

    field: str
    when: list[StrictBool | StrictInt | StrictFloat | StrictStr]
    note: str
    source_ids: SourceIds

    def as_rule(self) -> Rule:
        """The same match as a screening rule, so the loader type-checks it the same way."""
        return Rule(
            code="exclusion",
            field=self.field,
            when=self.when,
            level="info",
            message=self.note,
            unknown=self.note,
            source_ids=self.source_ids,
        )


class CoverageRule(_Data):
    """Likelihood of coverage for one plan type; `otherwise` applies when criteria are unmet."""

    likelihood: Coverage
    criteria: CoverageCriteria = CoverageCriteria()
    otherwise: Coverage | None = None
    exclusions: list[CoverageExclusion] = []
    note: str = ""
    source_ids: SourceIds


class Rating(_Data):
    """How well an option serves one preference, 0..1, with why (reviewable judgement)."""

    score: Annotated[float, Field(ge=0, le=1)]
    why: str
    source_ids: SourceIds


class Ratings(_Data):
    lasting_results: Rating
    few_side_effects: Rating
    avoid_medication: Rating
    drive_myself: Rating


class TimeToBenefit(_Data):
    days: Span | None = None
    text: str
    source_ids: SourceIds


class Durability(_Data):
    text: str
    source_ids: SourceIds


class Delivery(_Data):
    text: str
    driving: str
    source_ids: SourceIds


class EvidenceStrength(_Data):
    rank: Annotated[int, Field(ge=1, le=5)]
    why: str
    source_ids: SourceIds


class OptionData(_Data):
    id: OptionId
    name: str
    family: Literal["tms", "ketamine", "ect"]
    evidence_strength: EvidenceStrength
    delivery: Delivery
    time_to_benefit: TimeToBenefit
    durability: Durability
    indications: Annotated[list[Indication], Field(min_length=1)]
    rule_sets: list[str] = []
    rules: list[Rule] = []
    screening_gaps: ScreeningGaps | None = None
    under_age: YoungNote | None = None
    course: CourseData
    outcomes: OutcomesData
    comparisons: list[ComparisonData] = []
    comparison_note: ComparisonNote | None = None
    harms: list[HarmData] = []
    side_effects: Annotated[list[SideEffectData], Field(min_length=1)]
    price: PriceData | None = None
    first_year: FirstYearData | None = None
    medicare_part_b: CostSharingData | None = None
    coverage: dict[Plan, CoverageRule]
    ratings: Ratings

    @model_validator(mode="after")
    def _every_plan(self) -> OptionData:
        missing = {"medicare", "medicaid", "commercial", "military", "unknown"} - set(self.coverage)
        if missing:
            raise ValueError(f"coverage is missing plans: {', '.join(sorted(missing))}")
        if self.price is None and (self.first_year or self.medicare_part_b) is not None:
            raise ValueError("first_year and medicare_part_b need a [price] to start from")
        return self


class Scales(_Data):
    """Product parameters turning course facts into 0..1 preference scores (not clinical facts)."""

    fastest_days: int
    slowest_days: int
    fewest_visit_days: int
    most_visit_days: int
    costliest_out_of_pocket: int
    default_weight: Annotated[int, Field(ge=0, le=4)]
