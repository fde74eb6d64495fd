"""A clinic's configuration: who it is, what it offers, its prices and its conflicts of interest,
and what scheduling needs: opening hours, closed days, staff on site, resources, course lengths."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from trdnav.domain.coverage.loader import default_coverage
from trdnav.domain.evidence.loader import default_evidence
from trdnav.domain.evidence.schema import Span
from trdnav.domain.protocols import CourseTemplate, default_templates
from trdnav.domain.protocols.loader import parse_template
from trdnav.domain.protocols.schema import ResourceKind
from trdnav.domain.results import OptionId
from trdnav.domain.scheduling.calendar import WEEKDAYS, Window, window
from trdnav.domain.sessions.settings import SessionSettings

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Coil = Literal["figure8", "h1", "h4", "h7", "other"]
WeekHours = dict[Weekday, list[str]]


def _check_hours(value: WeekHours) -> WeekHours:
    for day, pair in value.items():
        try:
            window(pair)
        except ValueError as exc:
            raise ValueError(f"{day}: {exc}") from exc
    return value


def week_windows(value: WeekHours) -> dict[str, Window]:
    """Weekday key -> Window."""
    return {day: window(pair) for day, pair in value.items()}


class ClinicOptionError(ValueError):
    """The clinic offers or prices an option id that the evidence does not know."""


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    phone: str
    email: str
    address: str = ""
    website: str = ""


class PriceOverride(BaseModel):
    """The clinic's own course price for an option; shown with the clinic as its source."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    course: Span
    basis: str = "The clinic's own course price."


class ResourceConfig(BaseModel):
    """Something a session holds: a TMS chair with its device and coil, an infusion chair, an
    esketamine observation room. `hours` narrow the clinic's hours for this resource."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,40}$")
    name: str = Field(min_length=1, max_length=200)
    kind: ResourceKind
    coil: Coil | None = None
    options: list[OptionId] = Field(min_length=1)
    hours: WeekHours | None = None

    @field_validator("hours")
    @classmethod
    def _hours_ok(cls, value: WeekHours | None) -> WeekHours | None:
        return None if value is None else _check_hours(value)


class VisitMinutes(BaseModel):
    """The clinic's own visit lengths for one course template."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    first: int | None = Field(default=None, ge=1, le=12 * 60)
    later: int | None = Field(default=None, ge=1, le=12 * 60)


class ClinicConfig(BaseModel):
    """Clinic configuration (TOML); feeds `offered` and prices in the assessment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,40}$")
    name: str = Field(min_length=1)
    time_zone: str
    contact: Contact
    offered: list[OptionId]
    prices: dict[OptionId, PriceOverride] = {}
    conflict_of_interest: str = Field(min_length=1)
    funding: str = Field(min_length=1)
    made_by: str = "TRD Navigator contributors (open source)"
    # Scheduling. The calendar name goes into calendars and reminders: no health words in it.
    calendar_name: str | None = Field(default=None, max_length=80)
    country: str = Field(default="US", pattern=r"^[A-Z]{2}$")
    subdivision: str | None = Field(default=None, max_length=10)
    closed_dates: list[date] = []
    hours: WeekHours = {}
    prescriber_on_site: WeekHours = {}
    resources: list[ResourceConfig] = []
    visit_minutes: dict[str, VisitMinutes] = {}
    templates: list[dict[str, object]] = []  # the clinic's own course templates (checked below)
    # The payer policies (coverage data file ids) the clinic works with; empty: all of them.
    coverage_policies: list[str] = []
    # Session records: the clinic's own hard stop, motor threshold interval (issue 9).
    session_rules: SessionSettings = SessionSettings()

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("hours", "prescriber_on_site")
    @classmethod
    def _hours_ok(cls, value: WeekHours) -> WeekHours:
        return _check_hours(value)

    @model_validator(mode="after")
    def _scheduling(self) -> ClinicConfig:
        ids = [r.id for r in self.resources]
        if len(ids) != len(set(ids)):
            raise ValueError("resources: every resource needs its own id")
        templates = self.course_templates()  # raises on a bad own template or length
        for i, res in enumerate(self.resources):
            for option in res.options:
                template = templates.get(option)
                if template and template.resource_kind != res.kind:
                    raise ValueError(
                        f"resources.{i}.options: {option} needs a {template.resource_kind},"
                        f" not a {res.kind}"
                    )
        return self

    @property
    def own_source_id(self) -> str:
        """The source id of the clinic's own facts (its visit lengths and templates)."""
        return f"CLINIC-{self.slug.upper()}"

    @property
    def display_name(self) -> str:
        """The name calendars and reminders show."""
        return self.calendar_name or self.name

    def course_templates(self) -> dict[str, CourseTemplate]:
        """The project's templates with this clinic's lengths, and the clinic's own templates."""
        out = dict(default_templates())
        known = set(default_evidence().sources) | {self.own_source_id}
        for i, raw in enumerate(self.templates):
            try:
                own = parse_template(raw, f"templates.{i}", known)
            except ValueError as exc:
                raise ValueError(str(exc)) from exc
            out[own.id] = own
        for template_id, lengths in self.visit_minutes.items():
            if template_id not in out:
                raise ValueError(f"visit_minutes.{template_id}: no such course template")
            out[template_id] = out[template_id].with_lengths(
                lengths.first, lengths.later, self.own_source_id
            )
        return out

    def opening(self) -> dict[str, Window]:
        """The clinic's hours per weekday key."""
        return week_windows(self.hours)

    def resource_hours(self, resource: ResourceConfig) -> dict[str, Window]:
        """A resource's hours per weekday: its own within the clinic's."""
        clinic = self.opening()
        own = week_windows(resource.hours) if resource.hours is not None else clinic
        out = {}
        for day in WEEKDAYS:
            a, b = clinic.get(day), own.get(day)
            if a and b and min(a.end, b.end) > max(a.start, b.start):
                out[day] = Window(max(a.start, b.start), min(a.end, b.end))
        return out

    @field_validator("coverage_policies")
    @classmethod
    def _known_policies(cls, value: list[str]) -> list[str]:
        known = default_coverage().policies
        unknown = [p for p in value if p not in known]
        if unknown:
            raise ValueError(
                f"no payer policy {', '.join(map(repr, unknown))} (known: {', '.join(known)})"
            )
        return value

    @property
    def price_source_id(self) -> str:
        return f"CLINIC-PRICES-{self.slug.upper()}"

    def offers(self, option_id: str) -> bool:
        return option_id in self.offered

    def check_options(self, known: Collection[str]) -> None:
        """Refuse option ids the evidence does not know, naming them (a typo must not hide one)."""
        for key, ids in (("offered", self.offered), ("prices", list(self.prices))):
            unknown = [oid for oid in ids if oid not in known]
            if unknown:
                raise ClinicOptionError(
                    f"clinic {self.slug!r}: {key}: no option {', '.join(map(repr, unknown))} "
                    f"in the evidence (known: {', '.join(known)})"
                )
