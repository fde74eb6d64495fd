"""What a session record holds, per option family (contract clinic-api-v1, "Session records").

The API body and the workspace form both validate through these models; the rules that need the
patient's history or the clinic's settings are in `esketamine`, `tms` and `ketamine`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from trdnav.domain.text import NOT_BLANK_TEXT

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), NOT_BLANK_TEXT
]
Short = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), NOT_BLANK_TEXT
]

# What a session may record as an adverse event (BRAINCLOUD-TMS; SPRAVATO-PI; YALE-BP-2024).
AdverseKind = Literal[
    "headache",
    "scalp_pain",
    "twitching",
    "hearing",
    "mania_switch",
    "seizure",
    "hypertension",
    "sedation",
    "dissociation",
    "respiratory_depression",
    "nausea",
    "other",
]
ADVERSE_LABELS = {
    "headache": "Headache",
    "scalp_pain": "Scalp pain",
    "twitching": "Twitching",
    "hearing": "Hearing change",
    "mania_switch": "Possible switch to mania",
    "seizure": "Seizure",
    "hypertension": "Raised blood pressure",
    "sedation": "Sedation",
    "dissociation": "Dissociation",
    "respiratory_depression": "Respiratory depression",
    "nausea": "Nausea",
    "other": "Other",
}
KINDS = ("tms", "iv_ketamine", "esketamine")
# The option a course delivers -> the kind of record its sessions take.
KIND_OF_OPTION = {
    "rtms": "tms",
    "deep_tms": "tms",
    "accelerated_itbs": "tms",
    "iv_ketamine": "iv_ketamine",
    "esketamine": "esketamine",
}


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BloodPressure(_Form):
    systolic: int = Field(ge=50, le=300)
    diastolic: int = Field(ge=20, le=200)

    @model_validator(mode="after")
    def _order(self) -> BloodPressure:
        if self.diastolic >= self.systolic:
            raise ValueError("diastolic must be below systolic")
        return self

    def above(self, systolic: int, diastolic: int) -> bool:
        """True when either pressure is above the given limit."""
        return self.systolic > systolic or self.diastolic > diastolic

    def __str__(self) -> str:
        return f"{self.systolic}/{self.diastolic}"


class AdverseEvent(_Form):
    kind: AdverseKind
    serious: bool = False
    note: str | None = Field(default=None, max_length=2000)


class PrescriberDecision(_Form):
    proceed: bool
    reason: Text
    # Who decided: filled in when a prescriber records it; a nurse names the prescriber.
    prescriber: Short | None = None


class TmsRecord(_Form):
    kind: Literal["tms"]
    coil: Literal["figure8", "h1", "h4", "h7", "other"]
    target: Literal["left_dlpfc", "right_dlpfc", "bilateral_dlpfc", "dmpfc", "other"]
    mode: Literal["rtms", "itbs", "ctbs"] = "rtms"
    target_method: Literal["5.5cm", "beam_f3", "neuronavigation", "other"] | None = None
    motor_threshold_pct: int = Field(ge=1, le=100)
    mt_measured: bool = False  # measured again at this session (else carried forward)
    mt_method: Literal["visual", "emg"] | None = None
    intensity_pct_mt: int = Field(ge=1, le=200)
    frequency_hz: float = Field(gt=0, le=100)
    pulses: int = Field(ge=1, le=20000)
    trains: int | None = Field(default=None, ge=1, le=1000)
    train_seconds: float | None = Field(default=None, gt=0, le=600)
    inter_train_seconds: float | None = Field(default=None, ge=0, le=600)
    adverse_events: list[AdverseEvent] = []


class Vital(_Form):
    at: AwareDatetime
    systolic: int = Field(ge=50, le=300)
    diastolic: int = Field(ge=20, le=200)
    heart_rate: int = Field(ge=20, le=250)
    spo2: int = Field(ge=50, le=100)


class IvKetamineRecord(_Form):
    kind: Literal["iv_ketamine"]
    weight_kg: float = Field(gt=20, le=400)
    dose_mg_per_kg: float = Field(gt=0, le=2)
    infusion_minutes: int = Field(ge=1, le=600)
    started_at: AwareDatetime | None = None
    vitals: list[Vital] = []
    discharged_at: AwareDatetime | None = None
    discharged_to_adult: bool | None = None
    adverse_events: list[AdverseEvent] = []

    @property
    def dose_mg(self) -> float:
        return round(self.weight_kg * self.dose_mg_per_kg, 1)


Concomitant = Literal[
    "benzodiazepine", "non_benzodiazepine_hypnotic", "psychostimulant", "maoi", "opioid"
]


CONCOMITANT_LABELS = {
    "benzodiazepine": "Benzodiazepines",
    "non_benzodiazepine_hypnotic": "Non-benzodiazepine sleep medicines",
    "psychostimulant": "Psychostimulants",
    "maoi": "MAOIs",
    "opioid": "Opioids",
}


class EsketamineRecord(_Form):
    kind: Literal["esketamine"]
    dose_mg: int
    administered_at: AwareDatetime
    device_lots: list[Short] = []
    bp_pre: BloodPressure
    bp_40min: BloodPressure | None = None
    bp_discharge: BloodPressure | None = None
    spo2_min: int | None = Field(default=None, ge=50, le=100)
    sedation: bool = False
    dissociation: bool = False
    respiratory_depression: bool = False
    sedation_resolved: bool = False
    dissociation_resolved: bool = False
    respiratory_depression_resolved: bool = False
    vitals_acceptable_pre: bool | None = None
    vitals_acceptable_discharge: bool | None = None
    ready_at: AwareDatetime | None = None  # when ready without the 2-hour rule
    discharged_at: AwareDatetime | None = None
    concomitant: list[Concomitant] = []
    adverse_events: list[AdverseEvent] = []
    prescriber_decision: PrescriberDecision | None = None


AnyRecord = Annotated[TmsRecord | IvKetamineRecord | EsketamineRecord, Field(discriminator="kind")]


class Refused(ValueError):
    """A record the rules refuse; `errors` lists one {field, message} per refused rule."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


_ADAPTER: TypeAdapter[TmsRecord | IvKetamineRecord | EsketamineRecord] = TypeAdapter(AnyRecord)
_MESSAGES = {"extra_forbidden": "is not a field of this record", "missing": "is required"}


def parse_record(
    data: object,
) -> tuple[TmsRecord | IvKetamineRecord | EsketamineRecord, str | None]:
    """The record and the correction reason from a JSON body; Refused names each bad field."""
    if not isinstance(data, dict):
        raise Refused([{"field": "body", "message": "must be a JSON object"}])
    body = dict(data)
    reason = body.pop("reason", None)
    errors: list[dict[str, str]] = []
    if reason is not None and (not isinstance(reason, str) or len(reason) > 2000):
        errors.append({"field": "reason", "message": "must be text of at most 2,000 characters"})
    if body.get("kind") not in KINDS:
        errors.append({"field": "kind", "message": f"must be one of {', '.join(KINDS)}"})
        raise Refused(errors)
    try:
        record = _ADAPTER.validate_python(body)
    except ValidationError as exc:
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            if loc and loc[0] == body["kind"]:
                loc = loc[1:]
            message = _MESSAGES.get(err["type"], err["msg"]).removeprefix("Value error, ")
            errors.append({"field": ".".join(loc) or "body", "message": message})
    if errors:
        raise Refused(errors)
    text = reason.strip() if isinstance(reason, str) and reason.strip() else None
    return record, text
