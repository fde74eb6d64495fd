"""Walk the calendar to lay out one course: same resource and time each day where possible.

The walker is the one place a course becomes dated sessions: the booking service proposes a
course with it, the greedy planner plans patients one by one with it and the CP-SAT planner
generates its candidate courses with it. It only places what `Board` says is free, and what it
returns obeys the course's rules (the caller still runs `check_course` before writing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from trdnav.domain.scheduling.calendar import Window, intersect, week_of
from trdnav.domain.scheduling.rules import Rules, Slot

STEP = 5  # minutes between the start times tried around the preferred time


class Board(Protocol):
    """What is open and free: resource windows, bookings, and the patient's own time."""

    def window(self, resource: str, day: date) -> Window | None: ...

    def free(self, resource: str, day: date, start: int, end: int) -> bool: ...


@dataclass(frozen=True)
class Failure:
    """Why a course could not be laid out: the first session that found no place."""

    number: int
    after: date
    reason: str
    first: date | None = None  # the day the first session got, if it got one


PatientWindow = Callable[[date], Window | None]


def _always(_day: date) -> Window | None:
    return Window(0, 24 * 60)


def _times(win: Window, preferred: int, length: int, flexible: bool) -> list[int]:
    """Start times in the window, nearest to the preferred time first."""
    if not flexible:
        return [preferred] if win.contains(preferred, preferred + length) else []
    latest = win.end - length
    if latest < win.start:
        return []
    anchor = min(max(preferred, win.start), latest)
    out = [anchor]
    for k in range(1, (win.end - win.start) // STEP + 2):
        for t in (anchor - k * STEP, anchor + k * STEP):
            if win.start <= t <= latest:
                out.append(t)
    return out


def _spacing(per_week: int) -> int:
    # Spread a phase over its week (twice weekly: Monday and Thursday, not Monday and Tuesday).
    return max(1, 7 // per_week)


@dataclass
class _Tally:
    """Sessions placed so far, per (phase, week) and the last one of each phase."""

    per_week: dict[tuple[int, date], int]
    last_of_phase: dict[int, Slot]

    def add(self, slot: Slot) -> None:
        key = (slot.phase, week_of(slot.day))
        self.per_week[key] = self.per_week.get(key, 0) + 1
        self.last_of_phase[slot.phase] = slot

    def in_week(self, phase: int, day: date) -> int:
        return self.per_week.get((phase, week_of(day)), 0)


def walk(
    rules: Rules,
    start_on: date,
    preferred: int | None,
    resources: Sequence[str],
    board: Board,
    *,
    patient: PatientWindow = _always,
    patient_free: Callable[[date, int, int], bool] | None = None,
    flexible: bool = True,
    last_day: date | None = None,
    new_weeks: bool = True,
) -> list[Slot] | Failure:
    """Lay out every session of a course from `start_on`; a Failure when it cannot fit whole.

    `flexible=False` keeps the first resource and the preferred time only (a strict pattern,
    skipping days when that place is taken); otherwise other times, nearest first, then the
    other resources are tried on each day. A phase that prefers a new week (a taper) gets one
    when the course still fits; when closed days leave no room for that, it follows at once.
    """
    found = _walk(
        rules,
        start_on,
        preferred,
        resources,
        board,
        patient,
        patient_free,
        flexible,
        last_day,
        new_weeks,
    )
    if isinstance(found, Failure) and new_weeks and found.number > _first_new_week(rules):
        return _walk(
            rules,
            start_on,
            preferred,
            resources,
            board,
            patient,
            patient_free,
            flexible,
            last_day,
            False,
        )
    return found


def _first_new_week(rules: Rules) -> int:
    """The number of the first session whose phase prefers a fresh week (no fallback can help
    a course that failed before it); beyond the course when none does."""
    seen = 0
    for phase in rules.phases:
        if phase.starts_new_week:
            return seen + 1
        seen += phase.sessions
    return seen + 1


def _walk(
    rules: Rules,
    start_on: date,
    preferred: int | None,
    resources: Sequence[str],
    board: Board,
    patient: PatientWindow,
    patient_free: Callable[[date, int, int], bool] | None,
    flexible: bool,
    last_day: date | None,
    new_weeks: bool,
) -> list[Slot] | Failure:
    slots: list[Slot] = []
    tally = _Tally({}, {})
    day = start_on
    limit = last_day or start_on + timedelta(days=rules.max_weeks * 7 + 366)
    order = list(resources)
    span = rules.max_weeks * 7
    while len(slots) < rules.total:
        number = len(slots) + 1
        phase_index = rules.phase_of(number)
        phase = rules.phases[phase_index]
        if day > limit:
            first = slots[0].day if slots else None
            return Failure(number, day, "no place before the end of the planning window", first)
        if slots and (day - slots[0].day).days >= span:
            reason = f"the course would not end within {rules.max_weeks} weeks"
            return Failure(number, day, reason, slots[0].day)
        last_same = tally.last_of_phase.get(phase_index)
        if new_weeks and phase.starts_new_week and last_same is None and slots:
            monday = week_of(slots[-1].day) + timedelta(days=7)
            if day < monday:
                day = monday
                continue
        if tally.in_week(phase_index, day) >= phase.per_week:
            day = week_of(day) + timedelta(days=7)
            continue
        if last_same is not None and phase.per_week <= 2:
            earliest = last_same.day + timedelta(days=_spacing(phase.per_week))
            # ...unless that leaves only the end of the week (a closed day moved the first one).
            if day < earliest and week_of(earliest) == week_of(day) and earliest.weekday() <= 3:
                day = earliest
                continue
        placed = _place_day(
            rules, day, number, preferred, order, board, patient, patient_free, tally, flexible
        )
        if placed and preferred is None:
            preferred = placed[0].start
        if placed:
            order = [placed[-1].resource] + [r for r in order if r != placed[-1].resource]
        for slot in placed:
            tally.add(slot)
        slots.extend(placed)
        day += timedelta(days=1)
    return slots


def _fits(
    board: Board,
    patient_free: Callable[[date, int, int], bool] | None,
    resource: str,
    day: date,
    t: int,
    length: int,
) -> bool:
    return board.free(resource, day, t, t + length) and (
        patient_free is None or patient_free(day, t, t + length)
    )


def _place_day(
    rules: Rules,
    day: date,
    number: int,
    preferred: int | None,
    resources: Sequence[str],
    board: Board,
    patient: PatientWindow,
    patient_free: Callable[[date, int, int], bool] | None,
    tally: _Tally,
    flexible: bool,
) -> list[Slot]:
    """As many sessions as the day may hold (one for most templates), each after the last."""
    placed: list[Slot] = []
    own = patient(day)
    if own is None:
        return placed
    while number + len(placed) <= rules.total and len(placed) < rules.max_per_day:
        n = number + len(placed)
        phase_index = rules.phase_of(n)
        if placed and phase_index != placed[0].phase:
            break  # a new phase starts on another day
        in_week = tally.in_week(phase_index, day) + len(placed)
        if in_week >= rules.phases[phase_index].per_week:
            break
        length = rules.length(n)
        not_before = placed[-1].end + rules.min_gap_minutes if placed else 0
        pool = resources if flexible or not placed else resources[:1]
        windows = [(r, intersect(board.window(r, day), own)) for r in pool]
        found = None
        # Fast path: the preferred time on any resource, in order.
        for resource, win in windows:
            if win is None:
                continue
            want = max(preferred if preferred is not None else win.start, not_before)
            if win.contains(want, want + length) and _fits(
                board, patient_free, resource, day, want, length
            ):
                found = Slot(n, phase_index, resource, day, want, want + length)
                break
        if found is None and (flexible or placed):
            # The preferred time on any resource beats another time on the same one.
            options: list[tuple[int, int, int, str]] = []
            for rank, (resource, win) in enumerate(windows):
                if win is None:
                    continue
                want = max(preferred if preferred is not None else win.start, not_before)
                for t in _times(win, want, length, True):
                    if t >= not_before:
                        options.append((abs(t - want), rank, t, resource))
            for _, _, t, resource in sorted(options):
                if _fits(board, patient_free, resource, day, t, length):
                    found = Slot(n, phase_index, resource, day, t, t + length)
                    break
        if found is None:
            break
        placed.append(found)
    return placed
