"""The planner's input and output (contract planner-v1), and the instance compiled for solving."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from trdnav.domain.protocols import default_templates
from trdnav.domain.scheduling.calendar import Window, hhmm, weekday_key, window
from trdnav.domain.scheduling.rules import PhaseRule, Rules, Slot

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Hours = dict[Weekday, list[str]]
LocalTime = str  # "2027-01-04T09:00", the clinic's wall clock, no offset


def _hours(value: Hours) -> Hours:
    for day, pair in value.items():
        try:
            window(pair)
        except ValueError as exc:
            raise ValueError(f"{day}: {exc}") from exc
    return value


def parse_local(value: str) -> tuple[date, int]:
    """'2027-01-04T09:00' -> (date, minute of day); ValueError otherwise."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a local time YYYY-MM-DDTHH:MM") from exc
    if moment.tzinfo is not None:
        raise ValueError(f"{value!r}: local wall-clock time without an offset")
    return moment.date(), moment.hour * 60 + moment.minute


def local(day: date, minute: int) -> str:
    """(date, minute) -> '2027-01-04T09:00'."""
    return f"{day.isoformat()}T{hhmm(minute)}"


class PhaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sessions: int = Field(ge=1, le=200)
    per_week: int = Field(ge=1, le=70)
    starts_new_week: bool = False  # extension: a taper week starts in a later week


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    session_minutes: int = Field(ge=1, le=720)
    first_session_minutes: int | None = Field(default=None, ge=1, le=720)  # extension
    max_per_day: int = Field(ge=1, le=24)
    min_gap_minutes: int = Field(default=0, ge=0, le=1440)
    max_weeks: int = Field(ge=1, le=104)
    phases: list[PhaseIn] = Field(min_length=1)

    def rules(self) -> Rules:
        return Rules(
            first_minutes=self.first_session_minutes or self.session_minutes,
            minutes=self.session_minutes,
            max_per_day=self.max_per_day,
            min_gap_minutes=self.min_gap_minutes,
            max_weeks=self.max_weeks,
            phases=tuple(PhaseRule(p.sessions, p.per_week, p.starts_new_week) for p in self.phases),
        )


class ResourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1, max_length=100)
    options: list[str] = Field(min_length=1)
    hours: Hours

    @field_validator("hours")
    @classmethod
    def _hours_ok(cls, value: Hours) -> Hours:
        return _hours(value)


class BookedIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    resource: str
    start: LocalTime
    end: LocalTime

    @field_validator("start", "end")
    @classmethod
    def _time(cls, value: str) -> str:
        parse_local(value)
        return value


class PatientIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1, max_length=100)
    option: str
    earliest_start: date
    priority: int = Field(default=1, ge=1, le=1000)
    available: Hours | None = None

    @field_validator("available")
    @classmethod
    def _hours_ok(cls, value: Hours | None) -> Hours | None:
        return None if value is None else _hours(value)


class Instance(BaseModel):
    """A clinic's waitlist to plan (contract planner-v1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start: date
    horizon_days: int = Field(ge=1, le=366)
    closed_dates: list[date] = []
    resources: list[ResourceIn] = Field(min_length=1)
    booked: list[BookedIn] = []
    templates: dict[str, TemplateIn] = {}
    patients: list[PatientIn] = []

    @model_validator(mode="after")
    def _consistent(self) -> Instance:
        ids = [r.id for r in self.resources]
        if len(set(ids)) != len(ids):
            raise ValueError("resources: every resource needs its own id")
        pids = [p.id for p in self.patients]
        if len(set(pids)) != len(pids):
            raise ValueError("patients: every patient needs its own id")
        for i, b in enumerate(self.booked):
            if b.resource not in ids:
                raise ValueError(f"booked.{i}.resource: no resource {b.resource!r}")
            (d1, s), (d2, e) = parse_local(b.start), parse_local(b.end)
            if (d2, e) <= (d1, s):
                raise ValueError(f"booked.{i}.end: not after its start")
        project = default_templates()
        for i, p in enumerate(self.patients):
            if p.option not in self.templates and p.option not in project:
                raise ValueError(f"patients.{i}.option: no course template for {p.option!r}")
        return self

    def template(self, option: str) -> TemplateIn:
        """The instance's template for an option, else the project's own."""
        if option in self.templates:
            return self.templates[option]
        t = default_templates()[option]
        return TemplateIn(
            session_minutes=t.visit.minutes,
            first_session_minutes=t.first_visit.minutes,
            max_per_day=t.max_per_day,
            min_gap_minutes=t.min_gap_minutes,
            max_weeks=t.max_weeks,
            phases=[
                PhaseIn(sessions=p.sessions, per_week=p.per_week, starts_new_week=p.starts_new_week)
                for p in t.phases
            ],
        )


class SessionOut(BaseModel):
    resource: str
    start: LocalTime
    end: LocalTime


class CourseOut(BaseModel):
    patient: str
    sessions: list[SessionOut]


class Metrics(BaseModel):
    scheduled: int
    total_wait_days: int
    weighted_scheduled: int


class Plan(BaseModel):
    """Who starts when and where (contract planner-v1)."""

    courses: list[CourseOut]
    unscheduled: list[str]
    metrics: Metrics
    status: Literal["optimal", "feasible"]
    solver: str


@dataclass
class Problem:
    """An instance compiled for solving: windows by weekday, bookings by (resource, day)."""

    instance: Instance
    end: date  # first day outside the horizon
    closed: frozenset[date]
    hours: dict[str, dict[str, Window]]
    booked: dict[tuple[str, date], list[tuple[int, int]]]
    rules: dict[str, Rules]
    patients: list[PatientIn]
    available: dict[str, dict[str, Window] | None]
    serving: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, instance: Instance) -> Problem:
        booked: dict[tuple[str, date], list[tuple[int, int]]] = defaultdict(list)
        for b in instance.booked:
            (d1, s), (d2, e) = parse_local(b.start), parse_local(b.end)
            day = d1
            while day <= d2:  # a booking over midnight holds both days
                lo = s if day == d1 else 0
                hi = e if day == d2 else 24 * 60
                booked[(b.resource, day)].append((lo, hi))
                day += timedelta(days=1)
        options = {p.option for p in instance.patients}
        return cls(
            instance=instance,
            end=instance.start + timedelta(days=instance.horizon_days),
            closed=frozenset(instance.closed_dates),
            hours={r.id: {d: window(h) for d, h in r.hours.items()} for r in instance.resources},
            booked=dict(booked),
            rules={o: instance.template(o).rules() for o in options},
            patients=list(instance.patients),
            available={
                p.id: None
                if p.available is None
                else {d: window(h) for d, h in p.available.items()}
                for p in instance.patients
            },
            serving={
                o: [r.id for r in instance.resources if o in r.options] for o in sorted(options)
            },
        )

    def window(self, resource: str, day: date) -> Window | None:
        """The resource's hours that day inside the horizon; None when closed."""
        if day in self.closed or day < self.instance.start or day >= self.end:
            return None
        return self.hours[resource].get(weekday_key(day))

    def patient_window(self, patient_id: str, day: date) -> Window | None:
        own = self.available[patient_id]
        if own is None:
            return Window(0, 24 * 60)
        return own.get(weekday_key(day))


Assignment = dict[str, list[Slot]]  # patient id -> the planned sessions
