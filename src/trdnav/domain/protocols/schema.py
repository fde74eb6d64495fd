"""Course templates: what a course of one option is made of (phases, visit lengths, limits).

A template is data (one TOML file per option, every number with source ids) or a clinic's own
(its TOML). Code interprets it; it hides no numbers.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ResourceKind = Literal["tms", "infusion_chair", "observation_room"]
StaffRole = Literal["prescriber"]
SourceIds = list[str]


class VisitLength(BaseModel):
    """How long a visit of one type holds the resource, in minutes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    minutes: int = Field(ge=1, le=12 * 60)
    note: str = ""
    source_ids: SourceIds = Field(min_length=1)


class Phase(BaseModel):
    """Consecutive sessions with one weekly cadence (the 30 daily sessions, a taper week...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    sessions: int = Field(ge=1, le=200)
    per_week: int = Field(ge=1, le=70)  # at most this many of the phase in a Monday–Sunday week
    # Preferably start in a later Monday–Sunday week than the previous phase ended (a taper
    # week); the walker falls back to following at once when closed days leave no room.
    starts_new_week: bool = False
    source_ids: SourceIds = Field(min_length=1)


class CourseTemplate(BaseModel):
    """One course template; `option` is the option it delivers."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    option: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    name: str = Field(min_length=1)
    resource_kind: ResourceKind
    max_per_day: int = Field(ge=1, le=24)
    min_gap_minutes: int = Field(ge=0, le=24 * 60)  # end of one to start of the next, same day
    max_weeks: int = Field(ge=1, le=104)  # last session starts < max_weeks × 7 days after first
    staff_on_site: list[StaffRole] = []
    first_visit: VisitLength  # the first session (mapping, motor threshold, consent...)
    visit: VisitLength  # every later session
    phases: list[Phase] = Field(min_length=1)
    source_ids: SourceIds = Field(min_length=1)

    @model_validator(mode="after")
    def _fits(self) -> CourseTemplate:
        if self.phases[0].starts_new_week:
            raise ValueError("phases.0.starts_new_week: the first phase has no phase before it")
        return self

    @property
    def total_sessions(self) -> int:
        return sum(p.sessions for p in self.phases)

    def minutes(self, number: int) -> int:
        """Length of session `number` (1-based)."""
        return self.first_visit.minutes if number == 1 else self.visit.minutes

    def phase_of(self, number: int) -> int:
        """The phase index (0-based) of session `number` (1-based) in the planned order."""
        seen = 0
        for index, phase in enumerate(self.phases):
            seen += phase.sessions
            if number <= seen:
                return index
        return len(self.phases) - 1

    def with_lengths(self, first: int | None, later: int | None, source: str) -> CourseTemplate:
        """The template with a clinic's own visit lengths (the clinic is their source)."""
        update: dict[str, VisitLength] = {}
        if first is not None:
            update["first_visit"] = VisitLength(
                minutes=first, note="The clinic's own length.", source_ids=[source]
            )
        if later is not None:
            update["visit"] = VisitLength(
                minutes=later, note="The clinic's own length.", source_ids=[source]
            )
        return self.model_copy(update=update)
