"""Spec table: an authorization against its course (units used, booked sessions beyond the
units or outside the period, running low, expiring, ended), and the continuation check."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.domain.coverage_rows import TODAY, criterion, rec
from trdnav.domain.coverage.check import Facts
from trdnav.domain.coverage.continuation import pct_text
from trdnav.domain.coverage.tracking import Authorized, SessionEntry, track

START = date(2026, 11, 2)
AUTH = Authorized(units=25, start=START, end=date(2026, 12, 31))


def sessions(delivered: int = 0, booked: int = 0, first: date = START) -> list[SessionEntry]:
    """`delivered` then `booked` sessions on consecutive days from `first`."""
    days = [first + timedelta(days=i) for i in range(delivered + booked)]
    return [SessionEntry(d, "delivered" if i < delivered else "booked") for i, d in enumerate(days)]


def row(
    given: str, auth: Authorized, course: list[SessionEntry], used: int, left: int, codes: set[str]
) -> Any:
    shown = ", ".join(sorted(codes)) or "no warning"
    return pytest.param(
        auth, course, used, left, codes, id=f"{given} -> {used} used, {left} left, {shown}"
    )


# A row: the course, units used and left, the warnings raised (TODAY is 2026-11-20).
# fmt: off
ROWS = [
    row("nothing yet",                         AUTH, [],                                           0,  25, set()),
    row("10 delivered, 15 booked",             AUTH, sessions(10, 15),                             10, 15, set()),
    row("10 delivered, 18 booked",             AUTH, sessions(10, 18),                             10, 15, {"booked_beyond_units"}),
    row("22 delivered, 3 booked",              AUTH, sessions(22, 3),                              22, 3,  {"low"}),
    row("25 delivered",                        AUTH, sessions(25),                                 25, 0,  {"exhausted"}),
    row("27 delivered",                        AUTH, sessions(27),                                 27, 0,  {"over_used"}),
    row("cancelled sessions use nothing",      AUTH, [SessionEntry(START, "cancelled")] * 5,       0,  25, set()),
    row("booked after the period",             AUTH, sessions(0, 2, date(2027, 1, 5)),             0,  25, {"booked_outside_period"}),
    row("delivered before the period",         AUTH, sessions(2, 0, date(2026, 10, 30)),           0,  25, {"delivered_outside_period"}),
    row("period ends in 14 days",              Authorized(25, START, TODAY + timedelta(days=14)), [], 0, 25, {"expiring"}),
    row("period ends in 15 days",              Authorized(25, START, TODAY + timedelta(days=15)), [], 0, 25, set()),
    row("period ended yesterday",              Authorized(25, START, TODAY - timedelta(days=1)),  [], 0, 25, {"ended"}),
]
# fmt: on


@pytest.mark.parametrize(("auth", "course", "used", "left", "codes"), ROWS)
def test_tracking(
    auth: Authorized, course: list[SessionEntry], used: int, left: int, codes: set[str]
) -> None:
    result = track(auth, course, TODAY)
    assert (result.units_used, result.units_remaining) == (used, left)
    assert {w.code for w in result.warnings} == codes


def test_the_warning_names_the_sessions_beyond_the_units() -> None:
    result = track(AUTH, sessions(10, 18), TODAY)
    assert result.booked_covered == 15
    assert result.booked_beyond_units == [START + timedelta(days=25 + i) for i in range(3)]
    (warning,) = result.warnings
    assert "3 booked session(s) go beyond the 25 authorized units: 2026-11-27" in warning.message


def cont(given: str, scores: list[tuple[int, str]], met: bool | None) -> Any:
    return pytest.param(
        scores, met, id=f"{given} -> {'met' if met else 'not met' if met is False else 'unknown'}"
    )


# The continuation check for more Medicare sessions (course began 2026-10-05): at least 25%
# improvement from the last PHQ-9 on or before the first session to the latest one after it.
# fmt: off
CONTINUATION = [
    cont("20 -> 15 is 25%",                         [(20, "2026-10-01"), (15, "2026-11-15")],                      True),
    cont("20 -> 16 is 20%",                         [(20, "2026-10-01"), (16, "2026-11-15")],                      False),
    cont("baseline is the last before the course",  [(24, "2026-09-01"), (20, "2026-10-05"), (16, "2026-11-15")],  False),
    cont("the latest score decides",                [(20, "2026-10-01"), (10, "2026-10-20"), (18, "2026-11-15")],  False),
    cont("no baseline",                             [(15, "2026-11-15")],                                           None),
    cont("no score since the course began",         [(20, "2026-10-01")],                                           None),
    cont("baseline 0",                              [(0, "2026-10-01"), (0, "2026-11-15")],                         None),
]
# fmt: on


@pytest.mark.parametrize(("scores", "met"), CONTINUATION)
def test_continuation(scores: list[tuple[int, str]], met: bool | None) -> None:
    facts = Facts(continuation=True, course_start=date(2026, 10, 5))
    assert criterion("LCD-L34522", "continuation", rec(phq9=scores), facts).met is met


def test_continuation_needs_the_course_start_and_shows_its_arithmetic() -> None:
    unknown = criterion(
        "LCD-L34522", "continuation", rec(phq9=[(20, "2026-10-01")]), Facts(continuation=True)
    )
    assert unknown.met is None and unknown.missing == ["the date of the course's first session"]
    facts = Facts(continuation=True, course_start=date(2026, 10, 5))
    found = criterion(
        "LCD-L34522", "continuation", rec(phq9=[(21, "2026-10-01"), (16, "2026-11-15")]), facts
    )
    assert found.met is False and "23.8% improvement (at least 25% needed)" in found.evidence
    assert found.source_ids == ["CMS-A57598"]


def test_a_policy_without_a_continuation_rule_says_so() -> None:
    facts = Facts(continuation=True, course_start=date(2026, 10, 5))
    found = criterion("UHC-TMS", "continuation", rec(), facts)
    assert found.met is None and "state no rule" in found.evidence


@pytest.mark.parametrize(
    ("pct", "shown"), [(24.96, "24.9"), (25.0, "25"), (47.619, "47.6"), (-10.0, "-10")]
)
def test_percentages_never_round_up_across_a_threshold(pct: float, shown: str) -> None:
    assert pct_text(pct) == shown
