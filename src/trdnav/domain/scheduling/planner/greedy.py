"""The baseline: plan the patients one by one in priority order, each as early as possible.

Kept as the yardstick the CP-SAT planner must never fall below, and as its fallback.
"""

from __future__ import annotations

from datetime import date, timedelta

from trdnav.domain.scheduling.calendar import Window
from trdnav.domain.scheduling.planner.board import PlanBoard
from trdnav.domain.scheduling.planner.instance import Assignment, PatientIn, Problem
from trdnav.domain.scheduling.rules import Slot
from trdnav.domain.scheduling.walk import Failure, walk


def priority_order(patients: list[PatientIn]) -> list[PatientIn]:
    """Highest priority first, then who can start earliest, then input order."""
    indexed = list(enumerate(patients))
    indexed.sort(key=lambda ip: (-ip[1].priority, ip[1].earliest_start, ip[0]))
    return [p for _, p in indexed]


def lane_times(problem: Problem, patient: PatientIn, resource: str) -> list[int]:
    """Start times to try on a resource: its opening plus whole sessions, and the patient's."""
    rules = problem.rules[patient.option]
    starts: set[int] = set()
    windows = list(problem.hours[resource].values())
    own = problem.available[patient.id]
    if own:
        windows += list(own.values())
    for win in windows:
        t = win.start
        while t + rules.minutes <= win.end:
            starts.add(t)
            t += rules.minutes
    return sorted(starts)


def earliest_course(problem: Problem, patient: PatientIn, board: PlanBoard) -> list[Slot] | None:
    """The earliest whole course for one patient on the board, or None.

    From each start day, one walk per resource (each tried first): the walker itself takes the
    earliest free time of the day and keeps it from then on where it can.
    """
    rules = problem.rules[patient.option]
    resources = problem.serving.get(patient.option, [])
    if not resources:
        return None
    day: date = max(patient.earliest_start, problem.instance.start)
    last = problem.end - timedelta(days=1)

    def own(d: date) -> Window | None:
        return problem.patient_window(patient.id, d)

    while day <= last:
        best: list[Slot] | None = None
        retry_from: date | None = None
        for i in range(min(3, len(resources))):  # each of the first three tried first
            order = resources[i:] + resources[:i]
            found = walk(rules, day, None, order, board, patient=own, last_day=last)
            if isinstance(found, Failure):
                if found.first is not None:  # a later start may still fit whole
                    nxt = found.first + timedelta(days=1)
                    retry_from = nxt if retry_from is None else min(retry_from, nxt)
                continue
            key = (found[0].day, found[-1].day, found[0].start)
            if best is None or key < (best[0].day, best[-1].day, best[0].start):
                best = found
        if best is not None:
            return best
        if retry_from is None:
            return None  # not even a first session fits from here on
        day = max(day + timedelta(days=1), retry_from)
    return None


def shortest_first(problem: Problem) -> list[PatientIn]:
    """A variant order: highest priority first, then the shortest course, then earliest."""
    indexed = list(enumerate(problem.patients))
    indexed.sort(
        key=lambda ip: (
            -ip[1].priority,
            problem.rules[ip[1].option].total,
            ip[1].earliest_start,
            ip[0],
        )
    )
    return [p for _, p in indexed]


def plan_greedy(problem: Problem, order: list[PatientIn] | None = None) -> Assignment:
    """Patients one by one (in priority order unless told); each takes its earliest course."""
    board = PlanBoard(problem)
    out: Assignment = {}
    # The board only fills up: once someone found no course from a day on, anyone with the same
    # option and hours waiting from that day or later finds none either.
    failed: dict[tuple[str, str], date] = {}
    for patient in order or priority_order(problem.patients):
        key = (patient.option, repr(sorted((patient.available or {}).items())))
        if key in failed and patient.earliest_start >= failed[key]:
            continue
        course = earliest_course(problem, patient, board)
        if course is None:
            failed[key] = min(failed.get(key, patient.earliest_start), patient.earliest_start)
            continue
        board.take(course)
        out[patient.id] = course
    return out
