"""The assessment result (contract assessment-v1): what the engine says, with its sources."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

# The ids contract assessment-v1 promises in every result, in this order. Options are data
# (evidence/data/options/*.toml, the file name is the id); these six must always be there and
# more may follow, so an option id is a string checked against the loaded evidence.
CONTRACT_OPTION_IDS: tuple[str, ...] = (
    "rtms",
    "deep_tms",
    "accelerated_itbs",
    "iv_ketamine",
    "esketamine",
    "ect",
)
OPTION_ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"  # fits storage (String(32))
OptionId = Annotated[
    str,
    Field(
        pattern=OPTION_ID_PATTERN,
        description=(
            "A treatment option of the evidence base. Always present: "
            + ", ".join(CONTRACT_OPTION_IDS)
            + " (contract assessment-v1); more ids may follow."
        ),
        examples=list(CONTRACT_OPTION_IDS),
    ),
]


Band = Literal["minimal", "mild", "moderate", "moderately_severe", "severe", "unknown"]
Candidacy = Literal["eligible", "caution", "contraindicated", "not_indicated"]
RegulatoryStatus = Literal["fda_cleared", "fda_approved", "off_label"]
FindingLevel = Literal["contraindication", "caution", "confirm", "info"]
Coverage = Literal["likely", "possible", "unlikely", "self_pay"]
Urgency = Literal["urgent", "prompt", "routine"]


_set = object.__setattr__
_DEFAULTS: dict[type[BaseModel], dict[str, object]] = {}
_IMMUTABLE = (str, int, float, bool, type(None))


def _plain_defaults(cls: type[BaseModel]) -> dict[str, object]:
    """The fields' defaults that need no copy and no factory (what pydantic would fill in)."""
    known = _DEFAULTS.get(cls)
    if known is None:
        known = _DEFAULTS[cls] = {
            name: f.default
            for name, f in cls.__pydantic_fields__.items()
            if f.default_factory is None and type(f.default) in _IMMUTABLE
        }
    return known


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)

    @classmethod
    def model_construct(  # type: ignore[override]  # the pydantic plugin types it per model
        cls, _fields_set: set[str] | None = None, **values: Any
    ) -> Self:
        """pydantic's model_construct, without its per-field Python loop when every field is
        given by name (the engine's hot path); anything else takes pydantic's own path."""
        fields = cls.__pydantic_fields__
        full = values
        if values.keys() != fields.keys() and values.keys() <= fields.keys():
            defaults = _plain_defaults(cls)
            if fields.keys() - values.keys() <= defaults.keys():
                full = {n: values[n] if n in values else defaults[n] for n in fields}
        if (
            _fields_set is not None
            or full.keys() != fields.keys()
            or cls.__pydantic_post_init__ is not None
            or cls.__private_attributes__
        ):
            return super().model_construct(_fields_set, **values)
        obj = cls.__new__(cls)
        _set(obj, "__dict__", full)
        _set(obj, "__pydantic_fields_set__", set(values))
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj


class Range(_View):
    low: float
    high: float


class IntRange(_View):
    low: int
    high: int


class Severity(_View):
    phq9_total: int | None
    band: Band


class TreatmentResistance(_View):
    failed_adequate_trials: int
    intolerant_trials: int
    meets_trd_definition: bool
    history_known: bool = Field(description="False when no antidepressant trials were reported.")


class Alert(_View):
    code: str
    urgency: Urgency
    message: str
    resources: list[str]


class Finding(_View):
    level: FindingLevel
    code: str
    message: str
    source_ids: list[str]


class Course(_View):
    sessions: IntRange
    weeks: IntRange
    visit_days: IntRange
    maintenance: str
    source_ids: list[str]


class Outcomes(_View):
    response: Range | None = Field(description="Share of people who respond; null when unknown.")
    remission: Range | None
    timeframe: str
    design: str = Field(
        default="",
        description="What kind of study the figures come from, in the evidence file's words.",
    )
    source_ids: list[str]


class SourcedText(_View):
    text: str
    source_ids: list[str]


class FirstYearEstimate(_View):
    """One estimate of the first 12 months at list price, with its arithmetic."""

    text: str
    course: IntRange | None = Field(
        description="The course list price it starts from; null for a whole-year price."
    )
    count: IntRange | None = Field(description="Sessions (or months) after the first course.")
    unit_price: IntRange | None = Field(description="The list price of each of them.")
    after_course: IntRange | None = Field(description="count x unit_price.")
    list_price: IntRange = Field(description="The first 12 months at list price.")
    possible: bool = Field(
        description="Only some people need what follows the course: only the high end counts it."
    )
    insured: bool = Field(
        description="False: insurers do not pay for what follows the course (paid in full)."
    )
    unconfirmed: bool
    source_ids: list[str]


class Cost(_View):
    course_list_price: IntRange | None
    estimated_out_of_pocket: IntRange | None
    currency: Literal["USD"] = "USD"
    basis: str
    source_ids: list[str]
    first_year_list_price: IntRange | None = Field(
        default=None,
        description="The first 12 months including maintenance, at list price; null when unknown.",
    )
    first_year_out_of_pocket: IntRange | None = Field(
        default=None, description="This person's estimated share of the first 12 months."
    )
    first_year_basis: str = ""
    first_year_estimates: list[FirstYearEstimate] = Field(
        default_factory=list, description="The range spans every estimate."
    )
    first_year_source_ids: list[str] = Field(default_factory=list)
    assumed_cost_sharing: SourcedText | None = Field(
        default=None,
        description="Cost sharing assumed because the person did not give their own numbers.",
    )


class SideEffect(_View):
    name: str
    frequency: str
    serious: bool
    source_ids: list[str]


class Delivery(_View):
    text: str
    driving: str
    source_ids: list[str]


class EvidenceStrength(_View):
    rank: int = Field(ge=1, le=5, description="Used to break ties in the ranking; 5 strongest.")
    why: str
    source_ids: list[str]


class OptionResult(_View):
    id: OptionId
    name: str
    offered: bool
    candidacy: Candidacy
    regulatory_status: RegulatoryStatus
    findings: list[Finding]
    course: Course
    time_to_benefit_days: IntRange | None
    time_to_benefit: SourcedText
    durability: SourcedText
    delivery: Delivery
    side_effects: list[SideEffect]
    outcomes: Outcomes
    cost: Cost
    coverage: Coverage
    coverage_note: SourcedText | None
    evidence_strength: EvidenceStrength
    fit: int = Field(ge=0, le=100)
    fit_reasons: list[str]


class Source(_View):
    citation: str
    year: int | None
    url: str | None
    type: str | None = Field(
        default=None,
        description="Kind of source: trial, meta_analysis, registry, study, regulatory, payer, "
        "guideline, manufacturer, clinic_marketing, secondary, standard, software_issue.",
    )
    conflict: str | None = Field(
        default=None, description="A conflict of interest the evidence file shows, if any."
    )


class AssessmentResult(_View):
    """Contract assessment-v1 result."""

    evidence_version: str
    severity: Severity
    treatment_resistance: TreatmentResistance
    alerts: list[Alert]
    options: list[OptionResult]
    ranking: list[OptionId]
    sources: dict[str, Source]
    disclaimer: str
