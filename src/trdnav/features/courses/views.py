"""The clinic API's shapes for patients, resources, courses and sessions (XCreate / XView)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Field,
    StringConstraints,
    field_validator,
)

from trdnav.domain.scheduling.calendar import parse_hhmm
from trdnav.domain.text import NOT_BLANK_TEXT, RequestModel
from trdnav.platform.strict import STRICT, IsoDate, IsoDatetime, WholeNumber

# Scheduling works within these years; anything else is a typo, never a plan (and the calendar
# arithmetic near date.min/date.max would overflow).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def _in_range(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"must be between {FIRST_DAY} and {LAST_DAY}")
    return value


def _moment_in_range(value: datetime) -> datetime:
    _in_range(value.date())
    return value


NOT_BLANK: dict[str, Any] = {"pattern": r"\S"}
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"  # what parse_hhmm accepts, as a JSON Schema pattern
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NOT_BLANK_TEXT
]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), NOT_BLANK_TEXT
]


class PatientCreate(RequestModel):
    model_config = STRICT
    given_name: Name
    family_name: Name
    birth_date: IsoDate
    # Not blank: leave a contact detail out (or send null) rather than sending "".
    email: str | None = Field(default=None, max_length=320, json_schema_extra=NOT_BLANK)
    phone: str | None = Field(default=None, max_length=40, json_schema_extra=NOT_BLANK)
    sex_at_birth: Literal["female", "male", "intersex", "unknown"] | None = None

    @field_validator("email", "phone")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("is empty: leave it out or send null")
        return value

    @field_validator("birth_date")
    @classmethod
    def _born(cls, value: date) -> date:
        if value.year < 1900:
            raise ValueError("must be after 1900")
        return value


class PatientView(BaseModel):
    id: str
    given_name: str | None
    family_name: str | None
    name: str
    birth_date: date | None
    email: str | None
    phone: str | None
    sex_at_birth: str | None


class ResourceView(BaseModel):
    id: int
    name: str
    kind: str
    coil: str | None
    options: list[str]
    capacity: int


class ResourceList(BaseModel):
    items: list[ResourceView]
    next_cursor: str | None


class SessionChoice(RequestModel):
    """One session placed by hand (the coordinator adjusted the proposal)."""

    model_config = STRICT
    starts_at: IsoDatetime
    resource_id: WholeNumber

    _range = field_validator("starts_at")(_moment_in_range)


class CourseCreate(RequestModel):
    model_config = STRICT
    option: str = Field(min_length=1, max_length=40)
    start_on: IsoDate
    preferred_time: str | None = Field(default=None, json_schema_extra={"pattern": HHMM})
    # Extensions: a clinic's own template for the option, and sessions placed by hand.
    template: str | None = Field(default=None, max_length=64)
    sessions: list[SessionChoice] | None = Field(default=None, max_length=200)

    _range = field_validator("start_on")(_in_range)

    @field_validator("preferred_time")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        if value is not None:
            parse_hhmm(value)
        return value


class SessionView(BaseModel):
    id: str
    number: int
    starts_at: datetime
    ends_at: datetime
    resource_id: int
    status: str


class CourseView(BaseModel):
    id: str
    patient_id: str
    option: str
    template: str
    status: str
    status_reason: str | None = None
    start_on: IsoDate
    sessions: list[SessionView]


class CourseStatusUpdate(RequestModel):
    multiline = frozenset({"reason"})
    model_config = STRICT
    status: Literal["completed", "discontinued"]
    reason: Reason | None = None


class SessionReschedule(RequestModel):
    model_config = STRICT
    starts_at: IsoDatetime
    resource_id: WholeNumber | None = None

    _range = field_validator("starts_at")(_moment_in_range)


class SessionCancel(RequestModel):
    multiline = frozenset({"reason"})
    model_config = STRICT
    reason: Reason
