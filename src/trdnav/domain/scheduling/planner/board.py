"""What the planner sees as taken: the instance's bookings plus the courses planned so far."""

from __future__ import annotations

from bisect import insort
from collections import defaultdict
from datetime import date

from trdnav.domain.scheduling.calendar import Window
from trdnav.domain.scheduling.planner.instance import Problem
from trdnav.domain.scheduling.rules import Slot


class PlanBoard:
    """A `Board` for the walker over one problem; `take` adds a planned course."""

    def __init__(self, problem: Problem, *, with_booked: bool = True) -> None:
        self.problem = problem
        self.busy: dict[tuple[str, date], list[tuple[int, int]]] = defaultdict(list)
        if with_booked:
            for key, spans in problem.booked.items():
                self.busy[key] = sorted(spans)

    def window(self, resource: str, day: date) -> Window | None:
        return self.problem.window(resource, day)

    def free(self, resource: str, day: date, start: int, end: int) -> bool:
        return all(e <= start or end <= s for s, e in self.busy.get((resource, day), ()))

    def take(self, slots: list[Slot]) -> None:
        for slot in slots:
            insort(self.busy[(slot.resource, slot.day)], (slot.start, slot.end))
