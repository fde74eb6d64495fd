"""The rules a course obeys, and the one check every booking, change and plan goes through.

`Rules` is a course template reduced to what scheduling needs (the project's templates and the
planner contract's templates both become one). `check_course` lists every broken rule of one
course's sessions; an empty list means the course may be booked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from trdnav.domain.protocols.schema import CourseTemplate
from trdnav.domain.scheduling.calendar import Window, hhmm, week_of


@dataclass(frozen=True)
class PhaseRule:
    sessions: int
    per_week: int
    starts_new_week: bool = False


@dataclass(frozen=True)
class Rules:
    """Lengths and limits of one course template."""

    first_minutes: int
    minutes: int
    max_per_day: int
    min_gap_minutes: int
    max_weeks: int
    phases: tuple[PhaseRule, ...]

    @property
    def total(self) -> int:
        return sum(p.sessions for p in self.phases)

    def length(self, number: int) -> int:
        """Minutes of session `number` (1-based)."""
        return self.first_minutes if number == 1 else self.minutes

    def phase_of(self, number: int) -> int:
        """Phase index of session `number` (1-based) in planned order."""
        seen = 0
        for index, phase in enumerate(self.phases):
            seen += phase.sessions
            if number <= seen:
                return index
        return len(self.phases) - 1

    @classmethod
    def of(cls, template: CourseTemplate) -> Rules:
        """The rules of a project or clinic course template."""
        return cls(
            first_minutes=template.first_visit.minutes,
            minutes=template.visit.minutes,
            max_per_day=template.max_per_day,
            min_gap_minutes=template.min_gap_minutes,
            max_weeks=template.max_weeks,
            phases=tuple(
                PhaseRule(p.sessions, p.per_week, p.starts_new_week) for p in template.phases
            ),
        )


@dataclass(frozen=True)
class Slot:
    """One session in the clinic's wall-clock terms."""

    number: int
    phase: int
    resource: str
    day: date
    start: int  # minutes after local midnight
    end: int

    def label(self) -> str:
        return (
            f"session {self.number} on {self.day.isoformat()} {hhmm(self.start)}–{hhmm(self.end)}"
        )


# (resource, day) -> the window the resource may be used in that day (None: closed)
WindowOf = Callable[[str, date], Window | None]


def check_course(
    rules: Rules,
    slots: Sequence[Slot],
    window_of: WindowOf,
    *,
    complete: bool = True,
    earliest: date | None = None,
) -> list[str]:
    """Every rule the course's sessions break, first problem first (empty: the course is valid).

    `complete`: the course must hold every session of its template (a new booking); changes to a
    booked course only need the limits (a cancelled session leaves it short until made up).
    """
    problems: list[str] = []
    ordered = sorted(slots, key=lambda s: (s.day, s.start, s.number))
    if complete and len(ordered) != rules.total:
        problems.append(f"the course needs {rules.total} sessions, not {len(ordered)}")
    if len(ordered) > rules.total:
        problems.append(f"the course allows at most {rules.total} sessions")
    for slot in ordered:
        if slot.end - slot.start != rules.length(slot.number) and complete:
            problems.append(f"{slot.label()} must last {rules.length(slot.number)} minutes")
        win = window_of(slot.resource, slot.day)
        if win is None:
            problems.append(f"{slot.label()}: {slot.resource} is closed that day")
        elif not win.contains(slot.start, slot.end):
            problems.append(
                f"{slot.label()}: outside the hours {hhmm(win.start)}–{hhmm(win.end)}"
                f" of {slot.resource}"
            )
        if earliest is not None and slot.day < earliest:
            problems.append(f"{slot.label()}: before {earliest.isoformat()}")
    if not ordered:
        return problems
    first, last = ordered[0], ordered[-1]
    if (last.day - first.day).days >= rules.max_weeks * 7:
        problems.append(f"{last.label()}: the course must end within {rules.max_weeks} weeks")
    per_day = Counter(s.day for s in ordered)
    for day, count in sorted(per_day.items()):
        if count > rules.max_per_day:
            problems.append(
                f"{count} sessions on {day.isoformat()}: at most {rules.max_per_day} a day"
            )
    for a, b in pairwise(ordered):
        if a.day == b.day and b.start < a.end + rules.min_gap_minutes:
            gap = (
                f"at least {rules.min_gap_minutes} minutes apart"
                if rules.min_gap_minutes
                else "apart"
            )
            problems.append(f"{b.label()}: sessions on one day must be {gap}")
    per_week = Counter((s.phase, week_of(s.day)) for s in ordered)
    for (phase, monday), count in sorted(per_week.items()):
        if count > rules.phases[phase].per_week:
            problems.append(
                f"{count} sessions of phase {phase + 1} in the week of {monday.isoformat()}:"
                f" at most {rules.phases[phase].per_week}"
            )
    if complete:  # a make-up session appended to a booked course comes after the last phase
        problems += _phase_order(rules, ordered)
    return problems


def _phase_order(rules: Rules, ordered: Sequence[Slot]) -> list[str]:
    # `starts_new_week` is a preference of the walker, not a rule: closed days may leave no
    # room for it within the course's weeks.
    phases = [s.phase for s in ordered]
    if phases != sorted(phases):
        return ["sessions must follow the template's phases in order"]
    return []


def next_monday(day: date) -> date:
    return week_of(day) + timedelta(days=7)
