"""The waitlist planner (contract planner-v1) behind one small interface: `plan(instance)`.

Pure: no clock, no I/O. The greedy baseline plans patients one by one in priority order; the
CP-SAT planner searches for a better whole plan within a time limit, starting from the greedy
plan. Whatever the solver returns is checked against every rule of the contract, and the
better of the two valid plans is returned, so the answer is never worse than the baseline.
"""

from __future__ import annotations

from typing import Literal

from trdnav.domain.scheduling.planner.check import check_plan
from trdnav.domain.scheduling.planner.cpsat import plan_cpsat
from trdnav.domain.scheduling.planner.greedy import earliest_course, plan_greedy
from trdnav.domain.scheduling.planner.instance import (
    Assignment,
    CourseOut,
    Instance,
    Metrics,
    Plan,
    Problem,
    SessionOut,
    local,
)

Solver = Literal["cpsat", "greedy"]
DEFAULT_TIME_LIMIT = 10.0

__all__ = ["DEFAULT_TIME_LIMIT", "Instance", "Plan", "check_plan", "plan"]


def _score(problem: Problem, assignment: Assignment) -> tuple[int, int]:
    by_id = {p.id: p for p in problem.patients}
    weighted = sum(by_id[pid].priority for pid in assignment)
    wait = sum((slots[0].day - by_id[pid].earliest_start).days for pid, slots in assignment.items())
    return weighted, -wait


def _as_plan(problem: Problem, assignment: Assignment, optimal: bool, solver: str) -> Plan:
    courses = [
        CourseOut(
            patient=p.id,
            sessions=[
                SessionOut(
                    resource=s.resource, start=local(s.day, s.start), end=local(s.day, s.end)
                )
                for s in sorted(assignment[p.id], key=lambda s: (s.day, s.start))
            ],
        )
        for p in problem.patients
        if p.id in assignment
    ]
    weighted, wait = _score(problem, assignment)
    return Plan(
        courses=courses,
        unscheduled=[p.id for p in problem.patients if p.id not in assignment],
        metrics=Metrics(scheduled=len(courses), total_wait_days=-wait, weighted_scheduled=weighted),
        status="optimal" if optimal else "feasible",
        solver=solver,
    )


def _alone_bound(problem: Problem) -> tuple[int, int]:
    """What each patient could get alone (an upper bound on what any plan can reach)."""
    from trdnav.domain.scheduling.planner.board import PlanBoard

    board = PlanBoard(problem)
    alone: Assignment = {}
    for patient in problem.patients:
        course = earliest_course(problem, patient, board)
        if course is not None:
            alone[patient.id] = course
    return _score(problem, alone)


def plan(
    instance: Instance,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    solver: Solver = "cpsat",
    workers: int = 2,
) -> Plan:
    """Plan the waitlist: a valid plan, at least as good as the greedy baseline."""
    problem = Problem.of(instance)
    greedy = plan_greedy(problem)
    best, name, proven = greedy, "greedy (priority order, earliest start)", False
    if solver == "cpsat" and problem.patients:
        found, _ = plan_cpsat(problem, greedy, time_limit, workers=workers)
        candidate = _as_plan(problem, found, False, "cp-sat")
        if not check_plan(instance, candidate) and _score(problem, found) > _score(problem, greedy):
            best, name = found, "cp-sat (OR-Tools) over walked courses, from the greedy plan"
    # Optimal only when every patient starts as early as they could were they alone.
    proven = _score(problem, best) == _alone_bound(problem)
    return _as_plan(problem, best, proven, name)
