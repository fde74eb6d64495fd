"""Clinic time: weekday hours as minute windows, Monday–Sunday weeks, local wall clock <-> UTC.

"A day" is the clinic's local day; times are stored in UTC. Conversions go through zoneinfo, so
a course that crosses a daylight-saving change keeps its local time (09:00 stays 09:00).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class Window(NamedTuple):
    """[start, end) in minutes after local midnight."""

    start: int
    end: int

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


def parse_hhmm(value: str) -> int:
    """'09:30' -> 570; ValueError naming the expected form otherwise."""
    match = _HHMM.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a time of day HH:MM")
    return int(match.group(1)) * 60 + int(match.group(2))


def hhmm(minute: int) -> str:
    """570 -> '09:30'."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def window(pair: tuple[str, str] | list[str]) -> Window:
    """A weekday's hours ['08:00', '18:00'] as a Window; ValueError when empty or reversed."""
    if len(pair) != 2:
        raise ValueError("hours are [opening, closing], e.g. ['08:00', '18:00']")
    start, end = parse_hhmm(pair[0]), parse_hhmm(pair[1])
    if end <= start:
        raise ValueError(f"closing {pair[1]} is not after opening {pair[0]}")
    return Window(start, end)


def weekday_key(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def week_of(day: date) -> date:
    """The Monday of the Monday–Sunday week holding `day`."""
    return day - timedelta(days=day.weekday())


def intersect(a: Window | None, b: Window | None) -> Window | None:
    """The overlap of two windows, or None."""
    if a is None or b is None:
        return None
    start, end = max(a.start, b.start), min(a.end, b.end)
    return Window(start, end) if end > start else None


def to_utc(day: date, minute: int, tz: str) -> datetime:
    """A local wall-clock time of the clinic as an aware UTC datetime."""
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC)


def to_local(moment: datetime, tz: str) -> tuple[date, int]:
    """An aware datetime as (the clinic's local day, minutes after local midnight)."""
    local = moment.astimezone(ZoneInfo(tz))
    return local.date(), local.hour * 60 + local.minute


def spoken_local(moment: datetime, tz: str) -> str:
    """A moment as the clinic's local day and time in words, for emails ("Monday 07 December
    2026 at 09:30")."""
    day, minute = to_local(moment, tz)
    return f"{day.strftime('%A %d %B %Y')} at {hhmm(minute)}"
