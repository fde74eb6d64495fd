"""The waitlist planner (planner-v1): every plan obeys every rule; never worse than greedy;
better where planning one by one is short-sighted."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trdnav.domain.scheduling.planner import Instance, Plan, check_plan, plan
from trdnav.domain.scheduling.planner.instance import CourseOut, Metrics, SessionOut

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
FIVE_IN_A_WEEK = {
    "session_minutes": 40,
    "max_per_day": 1,
    "min_gap_minutes": 0,
    "max_weeks": 1,
    "phases": [{"sessions": 5, "per_week": 5}],
}


def tight() -> Instance:
    """One lane a day for two weeks. The priority-2 patient can start on Wednesday; planned
    first, greedy starts them there and splits both weeks, so nobody else fits five days in
    a row. Starting them a week later fits both."""
    return Instance.model_validate(
        {
            "start": "2027-01-04",
            "horizon_days": 14,
            "resources": [
                {
                    "id": "chair",
                    "options": ["rtms"],
                    "hours": {d: ["08:00", "08:40"] for d in WEEKDAYS},
                }
            ],
            "templates": {"rtms": FIVE_IN_A_WEEK},
            "patients": [
                {"id": "a", "option": "rtms", "earliest_start": "2027-01-06", "priority": 2},
                {"id": "b", "option": "rtms", "earliest_start": "2027-01-04", "priority": 1},
            ],
        }
    )


def test_cpsat_beats_greedy_on_a_tight_instance() -> None:
    instance = tight()
    greedy = plan(instance, solver="greedy")
    best = plan(instance, time_limit=5)
    assert check_plan(instance, greedy) == [] and check_plan(instance, best) == []
    assert (greedy.metrics.scheduled, greedy.unscheduled) == (1, ["b"])
    assert best.metrics.model_dump() == {
        "scheduled": 2,
        "total_wait_days": 5,  # a waits from Wednesday to the next Monday
        "weighted_scheduled": 3,
    }
    assert best.status == "feasible"  # a waits longer than it would alone: not provably optimal


def test_the_project_template_is_used_when_the_instance_has_none() -> None:
    instance = Instance.model_validate(
        {
            "start": "2027-01-04",
            "horizon_days": 70,
            "resources": [
                {
                    "id": "c",
                    "options": ["rtms"],
                    "hours": {d: ["08:00", "18:00"] for d in WEEKDAYS},
                }
            ],
            "patients": [{"id": "p", "option": "rtms", "earliest_start": "2027-01-04"}],
        }
    )
    result = plan(instance, time_limit=2)
    assert [len(c.sessions) for c in result.courses] == [36]
    assert result.status == "optimal" and result.metrics.total_wait_days == 0


def test_the_checker_catches_a_broken_plan() -> None:
    instance = tight()
    good = plan(instance, time_limit=2)
    assert check_plan(instance, good) == []
    a, b = good.courses
    clash = b.model_copy(update={"sessions": [a.sessions[0], *b.sessions[1:]]})
    wrong = good.model_copy(
        update={
            "courses": [a, clash],
            "metrics": Metrics(scheduled=9, total_wait_days=0, weighted_scheduled=0),
        }
    )
    problems = check_plan(instance, wrong)
    assert any("overlaps" in p for p in problems)
    assert any("metrics" in p for p in problems)
    short = good.model_copy(
        update={"courses": [a.model_copy(update={"sessions": a.sessions[1:]}), b]}
    )
    assert any("needs 5 sessions" in p for p in check_plan(instance, short))
    ghost = CourseOut(
        patient="ghost",
        sessions=[SessionOut(resource="chair", start="2027-01-04T08:00", end="2027-01-04T08:40")],
    )
    assert any(
        "ghost" in p
        for p in check_plan(instance, good.model_copy(update={"courses": [a, b, ghost]}))
    )


@st.composite
def instances(draw: Any) -> Instance:
    start = date(2027, 1, 4) + timedelta(days=draw(st.integers(0, 6)))
    horizon = draw(st.integers(7, 28))
    n_res = draw(st.integers(1, 3))
    resources = []
    for i in range(n_res):
        days = draw(
            st.lists(st.sampled_from([*WEEKDAYS, "sat"]), min_size=1, max_size=6, unique=True)
        )
        open_h = draw(st.integers(7, 10))
        close_h = open_h + draw(st.integers(1, 4))
        resources.append(
            {
                "id": f"r{i}",
                "options": draw(
                    st.lists(st.sampled_from(["x", "y"]), min_size=1, max_size=2, unique=True)
                ),
                "hours": {d: [f"{open_h:02d}:00", f"{close_h:02d}:00"] for d in days},
            }
        )
    templates = {}
    for option in ("x", "y"):
        phases = [
            {"sessions": draw(st.integers(1, 4)), "per_week": draw(st.integers(1, 5))}
            for _ in range(draw(st.integers(1, 2)))
        ]
        templates[option] = {
            "session_minutes": draw(st.sampled_from([20, 30, 45, 60])),
            "first_session_minutes": draw(st.sampled_from([None, 60, 90])),
            "max_per_day": draw(st.integers(1, 3)),
            "min_gap_minutes": draw(st.sampled_from([0, 15, 50])),
            "max_weeks": draw(st.integers(1, 4)),
            "phases": phases,
        }
    booked = []
    for _ in range(draw(st.integers(0, 4))):
        day = start + timedelta(days=draw(st.integers(0, horizon - 1)))
        h = draw(st.integers(7, 12))
        booked.append(
            {
                "resource": f"r{draw(st.integers(0, n_res - 1))}",
                "start": f"{day}T{h:02d}:00",
                "end": f"{day}T{h:02d}:45",
            }
        )
    patients = []
    for i in range(draw(st.integers(0, 7))):
        p: dict[str, Any] = {
            "id": f"p{i}",
            "option": draw(st.sampled_from(["x", "y"])),
            "earliest_start": str(start + timedelta(days=draw(st.integers(-3, 10)))),
            "priority": draw(st.integers(1, 3)),
        }
        if draw(st.booleans()):
            p["available"] = {
                d: ["08:00", "11:00"]
                for d in draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, unique=True))
            }
        patients.append(p)
    closed = [
        str(start + timedelta(days=draw(st.integers(0, horizon))))
        for _ in range(draw(st.integers(0, 2)))
    ]
    return Instance.model_validate(
        {
            "start": str(start),
            "horizon_days": horizon,
            "closed_dates": closed,
            "resources": resources,
            "booked": booked,
            "templates": templates,
            "patients": patients,
        }
    )


def _score(p: Plan) -> tuple[int, int]:
    return p.metrics.weighted_scheduled, -p.metrics.total_wait_days


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_plan_obeys_every_rule_and_never_loses_to_greedy(instance: Instance) -> None:
    greedy = plan(instance, solver="greedy")
    best = plan(instance, time_limit=1, workers=1)
    assert check_plan(instance, greedy) == []
    assert check_plan(instance, best) == []
    assert _score(best) >= _score(greedy)
    assert plan(instance, time_limit=1, workers=1).metrics == best.metrics  # reproducible
