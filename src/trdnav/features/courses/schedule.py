"""A clinic's schedule as the booking service sees it: configuration, resources, closed days
(public holidays from the `holidays` package plus the clinic's own), staff on site, and a board
of what is taken, read inside the booking's own transaction."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from trdnav.domain.clinic import ClinicConfig, week_windows
from trdnav.domain.protocols import CourseTemplate
from trdnav.domain.scheduling.calendar import (
    Window,
    intersect,
    to_local,
    to_utc,
    weekday_key,
)
from trdnav.storage.models import Clinic, ClinicSettings, CourseSession, Resource
from trdnav.storage.models.scheduling import OCCUPYING

_LOCK = 0x7472  # pg_advisory_xact_lock(_LOCK, clinic_id): one booking at a time per clinic


@lru_cache(maxsize=64)
def _public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    try:
        found = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:  # a country the package does not know: the clinic lists its own
        return frozenset()
    return frozenset(found)


@lru_cache(maxsize=64)
def _parse_config(raw: str) -> ClinicConfig:
    return ClinicConfig.model_validate_json(raw)


@dataclass
class Schedule:
    """One clinic's scheduling facts."""

    clinic_id: int
    config: ClinicConfig
    resources: dict[str, Resource]  # by key, active ones
    templates: dict[str, CourseTemplate] = field(default_factory=dict)

    @property
    def tz(self) -> str:
        return self.config.time_zone

    def closed(self, day: date) -> bool:
        """Closed all day: a public holiday of the clinic's country/state or its own closed day."""
        if day in self.config.closed_dates:
            return True
        return day in _public_holidays(self.config.country, self.config.subdivision, day.year)

    def holiday_name(self, day: date) -> str | None:
        """What closes the clinic that day, if anything."""
        if day in self.config.closed_dates:
            return "Clinic closed"
        names = holidays.country_holidays(
            self.config.country, subdiv=self.config.subdivision, years=day.year
        )
        return names.get(day)

    def serving(self, option: str) -> list[Resource]:
        """Active resources that serve an option, in the clinic file's order."""
        return [r for r in self.resources.values() if option in r.options]

    def window(self, template: CourseTemplate, key: str, day: date) -> Window | None:
        """When a session of this template may use this resource that day (staff included)."""
        if self.closed(day) or key not in self.resources:
            return None
        conf = next((r for r in self.config.resources if r.id == key), None)
        if conf is None:
            return None
        win = self.config.resource_hours(conf).get(weekday_key(day))
        if "prescriber" in template.staff_on_site:
            win = intersect(win, week_windows(self.config.prescriber_on_site).get(weekday_key(day)))
        return win


def load_schedule(db: Session, clinic_id: int) -> Schedule:
    """The schedule of a clinic from its registered configuration and resource rows."""
    stored = db.get(ClinicSettings, clinic_id)
    if stored is None:
        clinic = db.get(Clinic, clinic_id)
        raise LookupError(f"clinic {clinic.slug if clinic else clinic_id} has no configuration")

    config = _parse_config(json.dumps(stored.config, sort_keys=True))
    rows = db.scalars(
        select(Resource)
        .where(Resource.clinic_id == clinic_id, Resource.active.is_(True))
        .order_by(Resource.id)
    )
    resources = {r.key: r for r in rows}
    return Schedule(clinic_id, config, resources, config.course_templates())


def lock_clinic(db: Session, clinic_id: int) -> None:
    """Serialize bookings of one clinic (PostgreSQL; SQLite's BEGIN IMMEDIATE already does)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:k, :c)"), {"k": _LOCK, "c": clinic_id})


class DbBoard:
    """What is free, from the sessions stored between two days (read once, then kept in step
    with the sessions this booking places)."""

    def __init__(
        self,
        db: Session,
        schedule: Schedule,
        template: CourseTemplate,
        patient_id: str,
        first: date,
        last: date,
        ignore: set[str] | None = None,
    ) -> None:
        self.schedule, self.template = schedule, template
        self.by_resource: dict[tuple[str, date], list[tuple[int, int]]] = defaultdict(list)
        self.by_patient: dict[date, list[tuple[int, int]]] = defaultdict(list)
        keys = {r.id: k for k, r in schedule.resources.items()}
        start = to_utc(first, 0, schedule.tz) - timedelta(days=1)
        end = to_utc(last, 0, schedule.tz) + timedelta(days=2)
        rows = db.scalars(
            select(CourseSession).where(
                CourseSession.clinic_id == schedule.clinic_id,
                CourseSession.status.in_(OCCUPYING),
                CourseSession.starts_at < end,
                CourseSession.ends_at > start,
            )
        )
        for row in rows:
            if ignore and row.id in ignore:
                continue
            self.add(keys.get(row.resource_id, f"#{row.resource_id}"), row, patient_id)

    def add(self, key: str, row: CourseSession, patient_id: str) -> None:
        day, s = to_local(row.starts_at, self.schedule.tz)
        e = s + int((row.ends_at - row.starts_at).total_seconds() // 60)
        self.by_resource[(key, day)].append((s, e))
        if row.patient_id == patient_id:
            self.by_patient[day].append((s, e))

    def window(self, resource: str, day: date) -> Window | None:
        return self.schedule.window(self.template, resource, day)

    def free(self, resource: str, day: date, start: int, end: int) -> bool:
        return all(e <= start or end <= s for s, e in self.by_resource.get((resource, day), ()))

    def patient_free(self, day: date, start: int, end: int) -> bool:
        return all(e <= start or end <= s for s, e in self.by_patient.get(day, ()))

    def who_holds(self, resource: str, day: date, start: int, end: int) -> bool:
        return not self.free(resource, day, start, end)


def utc_now_day(now: datetime, tz: str) -> date:
    """Today in the clinic."""
    return to_local(now, tz)[0]
