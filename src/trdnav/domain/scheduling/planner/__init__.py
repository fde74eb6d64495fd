"""The waitlist planner (contract planner-v1) behind one small interface: `plan(instance)`.

Pure: no clock, no I/O. The greedy baseline plans patients one by one in priority order; the
CP-SAT planner searches for a better whole plan within a time limit, starting from the greedy
plan. Whatever the solver returns is checked against every rule of the contract, and the
better of the two valid plans is returned, so the answer is never worse than the baseline.
"""

from __future__ import annotations

import time
from typing import Literal

from trdnav.domain.scheduling.planner.board import PlanBoard
from trdnav.domain.scheduling.planner.check import check_plan
from trdnav.domain.scheduling.planner.cpsat import plan_cpsat
from trdnav.domain.scheduling.planner.greedy import earliest_course, plan_greedy, shortest_first
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


def _as_early_as_alone(problem: Problem, assignment: Assignment) -> bool:
    """True when every patient is planned and starts as early as they could were they alone
    (no plan can do better: the plan is optimal)."""
    board = PlanBoard(problem)
    for patient in problem.patients:
        mine = assignment.get(patient.id)
        if mine is None:
            return False
        alone = earliest_course(problem, patient, board)
        if alone is None or alone[0].day < mine[0].day:
            return False
    return True


def plan(
    instance: Instance,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    solver: Solver = "cpsat",
    workers: int = 2,
) -> Plan:
    """Plan the waitlist: a valid plan, at least as good as the greedy baseline."""
    started = time.perf_counter()
    problem = Problem.of(instance)
    greedy = plan_greedy(problem)
    best, name = greedy, "greedy (priority order, earliest start)"
    spent = time.perf_counter() - started
    # The baseline always completes; the rest only runs while the time limit leaves room.
    if solver == "cpsat" and problem.patients and spent < time_limit * 0.8:
        # A second greedy pass (shortest courses first within a priority) seeds the search too,
        # when the first one left time for it.
        variant = (
            plan_greedy(problem, shortest_first(problem)) if spent < time_limit * 0.3 else greedy
        )
        seeds = [greedy, variant]
        seed = max(seeds, key=lambda a: _score(problem, a))
        left = time_limit - (time.perf_counter() - started)
        found, _ = plan_cpsat(problem, seed, seeds, max(0.2, left), workers=workers)
        for option, label in (
            (variant, "greedy, shortest courses first within a priority"),
            (found, "cp-sat (OR-Tools) over walked courses, from the greedy plans"),
        ):
            better = _score(problem, option) > _score(problem, best)
            if better and not check_plan(instance, _as_plan(problem, option, False, label)):
                best, name = option, label
    proven = _as_early_as_alone(problem, best)
    return _as_plan(problem, best, proven, name)
