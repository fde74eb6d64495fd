"""Every rule of planner-v1, checked on a plan: the property tests and the planner's own guard."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from trdnav.domain.scheduling.calendar import Window, intersect
from trdnav.domain.scheduling.planner.instance import Instance, Plan, Problem, parse_local
from trdnav.domain.scheduling.rules import Slot, check_course


def check_plan(instance: Instance, plan: Plan) -> list[str]:
    """Every broken rule of the contract in `plan` (empty: a valid plan)."""
    problem = Problem.of(instance)
    problems: list[str] = []
    by_id = {p.id: p for p in instance.patients}
    planned = [c.patient for c in plan.courses]
    if sorted(planned + plan.unscheduled) != sorted(by_id):
        problems.append("every patient must be planned or unscheduled, exactly once")
    options = {r.id: set(r.options) for r in instance.resources}
    taken: dict[tuple[str, date], list[tuple[int, int, str]]] = defaultdict(list)
    for (resource, day), spans in problem.booked.items():
        taken[(resource, day)] += [(s, e, "a booking") for s, e in spans]
    # (Overlapping bookings in the instance are the clinic's data, not the plan's fault.)
    wait = weighted = 0
    for course in plan.courses:
        patient = by_id.get(course.patient)
        if patient is None:
            problems.append(f"{course.patient}: not a patient of the instance")
            continue
        rules = instance.template(patient.option).rules()
        slots = []
        for number, s in enumerate(sorted(course.sessions, key=lambda x: x.start), start=1):
            (day, start), (end_day, end) = parse_local(s.start), parse_local(s.end)
            if end_day != day or end <= start:
                problems.append(
                    f"{course.patient}: session {number} must end after it starts, same day"
                )
            if patient.option not in options.get(s.resource, set()):
                problems.append(f"{course.patient}: {s.resource} does not serve {patient.option}")
                continue
            slots.append(Slot(number, rules.phase_of(number), s.resource, day, start, end))
            taken[(s.resource, day)].append((start, end, course.patient))

        def window_of(resource: str, day: date, pid: str = patient.id) -> Window | None:
            return intersect(problem.window(resource, day), problem.patient_window(pid, day))

        broken = check_course(rules, slots, window_of, earliest=patient.earliest_start)
        problems += [f"{course.patient}: {p}" for p in broken]
        if slots:
            wait += (min(s.day for s in slots) - patient.earliest_start).days
            weighted += patient.priority
    for (resource, day), held in taken.items():
        held.sort()
        reach, holder = -1, ""
        for start, end, who in held:  # compare with the furthest-reaching earlier span
            if start < reach and not who == holder == "a booking":  # input is not the plan's
                problems.append(f"{resource} on {day.isoformat()}: {holder} overlaps {who}")
            if end > reach:
                reach, holder = end, who
    metrics = plan.metrics
    if (metrics.scheduled, metrics.total_wait_days, metrics.weighted_scheduled) != (
        len(plan.courses),
        wait,
        weighted,
    ):
        problems.append("metrics do not match the planned courses")
    return problems
