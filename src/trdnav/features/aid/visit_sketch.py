"""A sketch of the first six weeks of visits for each option, from its course in the evidence.

This is an illustration for the take-away, not a schedule: it spreads the shortest course
(fewest visit days over the fewest weeks) front-loaded across weeks, at most five visits a
week (weekdays), and stops at week six.
"""

from __future__ import annotations

from dataclasses import dataclass

from trdnav.domain.results import OptionResult

WEEKS = 6
_PER_WEEK_MAX = 5


@dataclass(frozen=True)
class Sketch:
    option_id: str
    weekly: tuple[int, ...]  # visits in weeks 1..6
    later: bool  # the course (or its maintenance) goes on after week 6


def sketch(option: OptionResult) -> Sketch:
    """Visits per week for weeks 1..6 for one option's shortest course."""
    remaining = option.course.visit_days.low
    weeks = max(1, option.course.weeks.low)
    weekly: list[int] = []
    for week in range(WEEKS):
        left_weeks = weeks - week
        if remaining <= 0 or left_weeks <= 0:
            weekly.append(0)
            continue
        n = min(_PER_WEEK_MAX, -(-remaining // left_weeks))
        weekly.append(n)
        remaining -= n
    return Sketch(option.id, tuple(weekly), remaining > 0 or option.course.weeks.high > WEEKS)
