"""Laying out a course (the walker) and the one course check, as spec rows."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from itertools import pairwise

import pytest

from trdnav.domain.protocols import default_templates
from trdnav.domain.scheduling.calendar import Window, to_local, to_utc, week_of, weekday_key
from trdnav.domain.scheduling.rules import Rules, Slot, check_course
from trdnav.domain.scheduling.walk import Failure, walk

MON = date(2027, 1, 4)
HOURS = {d: Window(8 * 60, 18 * 60) for d in ("mon", "tue", "wed", "thu", "fri")}


class Open:
    """A board: weekday hours, some closed dates, some busy spans."""

    def __init__(self, closed: set[date] | None = None, busy: dict | None = None) -> None:  # type: ignore[type-arg]
        self.closed = closed or set()
        self.busy = busy or {}

    def window(self, resource: str, day: date) -> Window | None:
        return None if day in self.closed else HOURS.get(weekday_key(day))

    def free(self, resource: str, day: date, start: int, end: int) -> bool:
        return all(e <= start or end <= s for s, e in self.busy.get((resource, day), []))


def rules(tid: str) -> Rules:
    return Rules.of(default_templates()[tid])


def test_rtms_is_30_daily_then_a_3_2_1_taper_at_the_same_time() -> None:
    slots = walk(rules("rtms"), MON, 9 * 60, ["tms-1"], Open())
    assert isinstance(slots, list) and len(slots) == 36
    weeks = Counter(week_of(s.day) for s in slots)
    assert [weeks[MON + timedelta(weeks=w)] for w in range(9)] == [5, 5, 5, 5, 5, 5, 3, 2, 1]
    assert {s.start for s in slots} == {9 * 60}
    assert slots[0].end - slots[0].start == 60 and slots[1].end - slots[1].start == 40
    assert len({s.day for s in slots}) == 36  # one TMS session a day
    assert check_course(rules("rtms"), slots, Open().window) == []


def test_closed_days_are_skipped_and_the_time_moves_only_when_taken() -> None:
    holiday = MON + timedelta(days=14)  # a Monday in week 3
    busy = {("tms-1", MON + timedelta(days=2)): [(9 * 60, 10 * 60)]}
    slots = walk(rules("rtms"), MON, 9 * 60, ["tms-1"], Open({holiday}, busy))
    assert isinstance(slots, list)
    assert holiday not in {s.day for s in slots} and len(slots) == 36
    assert check_course(rules("rtms"), slots, Open({holiday}).window) == []
    moved = [s for s in slots if s.start != 9 * 60]
    assert [(s.day, s.start) for s in moved] == [(MON + timedelta(days=2), 8 * 60 + 20)]  # nearest


def test_a_busy_resource_gives_way_to_another() -> None:
    busy = {("a", MON + timedelta(days=d)): [(0, 24 * 60)] for d in range(70)}
    slots = walk(rules("iv_ketamine"), MON, 9 * 60, ["a", "b"], Open(busy=busy))
    assert isinstance(slots, list) and {s.resource for s in slots} == {"b"}


def test_accelerated_itbs_ten_a_day_fifty_minutes_apart_five_days() -> None:
    slots = walk(rules("accelerated_itbs"), MON, 8 * 60, ["tms-1"], Open())
    assert isinstance(slots, list) and len(slots) == 50
    assert Counter(s.day for s in slots) == {MON + timedelta(days=d): 10 for d in range(5)}
    same_day = [(a, b) for a, b in pairwise(slots) if a.day == b.day]
    assert min(b.start - a.end for a, b in same_day) == 50
    assert check_course(rules("accelerated_itbs"), slots, Open().window) == []


def test_esketamine_twice_weekly_is_spread_over_the_week() -> None:
    slots = walk(rules("esketamine"), MON, 10 * 60, ["room"], Open())
    assert isinstance(slots, list)
    days = [s.day.weekday() for s in slots[:8]]
    assert days == [0, 3] * 4  # Monday and Thursday, not Monday and Tuesday
    assert Counter(week_of(s.day) for s in slots[8:]) == {
        MON + timedelta(weeks=w): 1 for w in range(4, 8)
    }


def test_a_course_that_cannot_fit_whole_fails_naming_the_session() -> None:
    busy = {("tms-1", MON + timedelta(days=d)): [(0, 24 * 60)] for d in range(10, 200)}
    found = walk(rules("rtms"), MON, 9 * 60, ["tms-1"], Open(busy=busy))
    assert isinstance(found, Failure) and found.number == 9


def s(n: int, phase: int, day: date, start: int, length: int = 40) -> Slot:
    return Slot(n, phase, "r", day, start, start + length)


def _three(rules_: Rules) -> list[Slot]:
    return [
        s(1, 0, MON, 540, 60),
        s(2, 0, MON + timedelta(1), 540),
        s(3, 1, MON + timedelta(7), 540),
    ]


TINY = Rules(
    60,
    40,
    1,
    0,
    2,
    (
        __import__("trdnav.domain.scheduling.rules", fromlist=["PhaseRule"]).PhaseRule(2, 5),
        __import__("trdnav.domain.scheduling.rules", fromlist=["PhaseRule"]).PhaseRule(1, 1, True),
    ),
)

BROKEN = [
    ("valid", lambda x: x, None),
    ("two a day", lambda x: [x[0], s(2, 0, MON, 700), x[2]], "2 sessions on 2027-01-04"),
    ("too long", lambda x: [*x[:2], s(3, 1, MON + timedelta(14), 540)], "within 2 weeks"),
    ("closed day", lambda x: [*x[:2], s(3, 1, MON + timedelta(12), 540)], "closed that day"),
    (
        "after hours",
        lambda x: [*x[:2], s(3, 1, MON + timedelta(7), 17 * 60 + 30)],
        "outside the hours",
    ),
    (
        "phases out of order",
        lambda x: [s(1, 1, MON, 540, 60), s(2, 0, MON + timedelta(1), 540), x[2]],
        "phases in order",
    ),
    ("missing one", lambda x: x[:2], "needs 3 sessions"),
    ("wrong length", lambda x: [s(1, 0, MON, 540, 40), *x[1:]], "must last 60 minutes"),
]


@pytest.mark.parametrize(("name", "change", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_check_course(name: str, change, expected: str | None) -> None:  # type: ignore[no-untyped-def]
    problems = check_course(TINY, change(_three(TINY)), Open().window)
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


def test_local_time_survives_daylight_saving() -> None:
    tz = "America/Anchorage"  # DST starts 2027-03-14
    before, after = to_utc(date(2027, 3, 12), 540, tz), to_utc(date(2027, 3, 15), 540, tz)
    assert (before.hour, after.hour) == (18, 17)  # 09:00 local both days
    assert to_local(after, tz) == (date(2027, 3, 15), 540)


def test_closed_days_never_make_a_course_unbookable_for_want_of_a_new_week() -> None:
    """Deep TMS spans exactly 16 weeks; a holiday in its daily weeks leaves no room for a fresh
    week before the twice-weekly phase, which then follows at once (still within 16 weeks)."""
    closed = {MON + timedelta(days=8), MON + timedelta(days=17), MON + timedelta(days=23)}
    for tid in ("deep_tms", "rtms"):
        slots = walk(rules(tid), MON, 9 * 60, ["r"], Open(closed))
        assert isinstance(slots, list), (tid, slots)
        assert check_course(rules(tid), slots, Open(closed).window) == []
    plain = walk(rules("rtms"), MON, 9 * 60, ["r"], Open())
    assert isinstance(plain, list)
    taper = [week_of(x.day) for x in plain if x.phase > 0]
    assert Counter(taper) == {
        MON + timedelta(weeks=6): 3,
        MON + timedelta(weeks=7): 2,
        MON + timedelta(weeks=8): 1,
    }
