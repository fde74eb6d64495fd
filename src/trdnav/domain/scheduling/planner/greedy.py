"""The baseline: plan the patients one by one in priority order, each as early as possible.

Kept as the yardstick the CP-SAT planner must never fall below, and as its fallback.
"""

from __future__ import annotations

from datetime import date, timedelta

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
    """The earliest whole course for one patient on the board (flexible times), or None."""
    rules = problem.rules[patient.option]
    resources = problem.serving.get(patient.option, [])
    if not resources:
        return None
    day: date = max(patient.earliest_start, problem.instance.start)
    last = problem.end - timedelta(days=1)
    while day <= last:
        best: list[Slot] | None = None
        retry_from: date | None = None
        for i, resource in enumerate(resources):
            order = resources[i:] + resources[:i]
            for t in lane_times(problem, patient, resource):
                found = walk(
                    rules,
                    day,
                    t,
                    order,
                    board,
                    patient=lambda d: problem.patient_window(patient.id, d),
                    last_day=last,
                )
                if isinstance(found, Failure):
                    if found.first is not None:  # a later start may still fit whole
                        nxt = found.first + timedelta(days=1)
                        retry_from = nxt if retry_from is None else min(retry_from, nxt)
                    continue
                key = (found[0].day, found[-1].day, found[0].start)
                if best is None or key < (best[0].day, best[-1].day, best[0].start):
                    best = found
            if best is not None and best[0].day == day:
                break  # nothing starts earlier than the first day tried
        if best is not None:
            return best
        if retry_from is None:
            return None  # not even a first session fits from here on
        day = max(day + timedelta(days=1), retry_from)
    return None


def plan_greedy(problem: Problem) -> Assignment:
    """Patients one by one in priority order; each takes its earliest whole course."""
    board = PlanBoard(problem)
    out: Assignment = {}
    for patient in priority_order(problem.patients):
        course = earliest_course(problem, patient, board)
        if course is not None:
            board.take(course)
            out[patient.id] = course
    return out
