"""The CP-SAT planner: choose at most one candidate course per patient, never two on one place.

Candidates are whole courses laid out by the walker (same resource and time each day, from many
start days and times) plus the greedy plan's own courses, so the greedy plan is always a
solution (and the search starts from it). Two courses conflict when one of their sessions
covers the start of another on the same resource and day: one at-most-one constraint per start
point. The objective is planner-v1's: most priority planned, then least total wait.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date, timedelta

from ortools.sat.python import cp_model

from trdnav.domain.scheduling.calendar import Window
from trdnav.domain.scheduling.planner.board import PlanBoard
from trdnav.domain.scheduling.planner.greedy import lane_times
from trdnav.domain.scheduling.planner.instance import Assignment, PatientIn, Problem
from trdnav.domain.scheduling.rules import Slot
from trdnav.domain.scheduling.walk import walk

CANDIDATE_BUDGET = 9000  # candidate courses over all patients (memory and model size)
FIRST_DAYS = 6  # start days tried with several lanes each; later ones are spread thinner


def _start_days(problem: Problem, patient: PatientIn, want: int) -> list[date]:
    first = max(patient.earliest_start, problem.instance.start)
    days = [first + timedelta(days=i) for i in range((problem.end - first).days)]
    if len(days) <= want:
        return days
    head, rest = days[:FIRST_DAYS], days[FIRST_DAYS:]
    k = max(1, want - FIRST_DAYS)
    return head + [rest[int(i * len(rest) / k)] for i in range(k)]


def candidates(
    problem: Problem, seeds: list[Assignment], budget: int, deadline: float
) -> dict[str, list[list[Slot]]]:
    """Distinct whole courses per patient; the seed plans' courses first (the first seed's
    course is candidate 0). Generation stops at `deadline` (perf_counter)."""
    board = PlanBoard(problem)
    per_patient = max(4, budget // max(1, len(problem.patients)))
    out: dict[str, list[list[Slot]]] = {}
    for index, patient in enumerate(problem.patients):
        pool: list[list[Slot]] = []
        seen: set[tuple[tuple[str, date, int], ...]] = set()
        for seed in seeds:
            if patient.id in seed:
                key = tuple((s.resource, s.day, s.start) for s in seed[patient.id])
                if key not in seen:
                    seen.add(key)
                    pool.append(seed[patient.id])
        if time.perf_counter() > deadline:
            out[patient.id] = pool
            continue
        rules = problem.rules[patient.option]
        lanes = [
            (r, t)
            for r in problem.serving.get(patient.option, [])
            for t in lane_times(problem, patient, r)
        ]
        if not lanes:
            out[patient.id] = pool
            continue
        days = _start_days(problem, patient, per_patient)

        def own(d: date, pid: str = patient.id) -> Window | None:
            return problem.patient_window(pid, d)

        last = problem.end - timedelta(days=1)
        for d_index, day in enumerate(days):
            tries = len(lanes) if d_index < FIRST_DAYS else 2
            for k in range(min(tries, len(lanes))):
                resource, t = lanes[(index * 7 + d_index * 3 + k) % len(lanes)]
                found = walk(
                    rules,
                    day,
                    t,
                    [resource],
                    board,
                    patient=own,
                    flexible=False,
                    last_day=last,
                )
                if isinstance(found, list):
                    key = tuple((s.resource, s.day, s.start) for s in found)
                    if key not in seen:
                        seen.add(key)
                        pool.append(found)
            if len(pool) >= per_patient:
                break
        out[patient.id] = pool
    return out


def plan_cpsat(
    problem: Problem,
    greedy: Assignment,
    seeds: list[Assignment],
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
) -> tuple[Assignment, bool]:
    """The best assignment found in the time limit (candidates included), and whether CP-SAT
    proved it optimal over its candidates. `greedy` is the hint; `seeds` all give candidates."""
    started = time.perf_counter()
    ordered = [greedy] + [s for s in seeds if s is not greedy]
    pools = candidates(problem, ordered, CANDIDATE_BUDGET, started + time_limit * 0.35)
    model = cp_model.CpModel()
    chosen: dict[tuple[str, int], cp_model.IntVar] = {}
    spans: dict[tuple[str, date], list[tuple[int, int, cp_model.IntVar]]] = defaultdict(list)
    max_wait = max([(problem.end - p.earliest_start).days for p in problem.patients] + [1])
    big = len(problem.patients) * max_wait + 1
    objective = []
    for patient in problem.patients:
        pool = pools.get(patient.id, [])
        own = []
        for c, course in enumerate(pool):
            var = model.new_bool_var(f"x_{patient.id}_{c}")
            chosen[(patient.id, c)] = var
            own.append(var)
            for s in course:
                spans[(s.resource, s.day)].append((s.start, s.end, var))
            wait = (course[0].day - patient.earliest_start).days
            objective.append((patient.priority * big - wait) * var)
            if patient.id in greedy and c == 0:
                model.add_hint(var, 1)
            else:
                model.add_hint(var, 0)
        if len(own) > 1:
            model.add_at_most_one(own)
    for items in spans.values():
        for point in sorted({s for s, _, _ in items}):
            covering = list({id(v): v for s, e, v in items if s <= point < e}.values())
            if len(covering) > 1:
                model.add_at_most_one(covering)
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - (time.perf_counter() - started))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return dict(greedy), False
    out: Assignment = {}
    for (pid, c), var in chosen.items():
        if solver.value(var):
            out[pid] = pools[pid][c]
    return out, status == cp_model.OPTIMAL
