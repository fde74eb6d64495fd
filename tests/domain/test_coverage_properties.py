"""Invariants of the criteria check and of tracking (Hypothesis).

Never guessed: erasing facts from a record (an answer, a trial's weeks, dose or outcome) can
turn a decided criterion into "unknown", never into the opposite decision. Knowing less never
decides differently from knowing more.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.coverage_rows import TODAY
from trdnav.domain.coverage.check import Facts, check
from trdnav.domain.coverage.loader import default_coverage
from trdnav.domain.coverage.tracking import Authorized, SessionEntry, track
from trdnav.domain.record import Administration, Answer, ClinicalRecord, Diagnosis, Trial

DRUGS = [
    "sertraline",
    "fluoxetine",
    "venlafaxine",
    "bupropion",
    "mirtazapine",
    "aripiprazole",
    "lithium",
    "zuranolone",
]
OUTCOMES = ["no_response", "partial_response", "intolerable", "response"]
ANSWERS: dict[str, st.SearchStrategy[Any]] = {
    "psychotherapy_trial": st.booleans(),
    "augmentation_trials": st.integers(0, 3),
    "medical_history.metal_in_head": st.booleans(),
    "medical_history.cochlear_implant": st.booleans(),
    "medical_history.implanted_neurostimulator": st.booleans(),
    "medical_history.seizure_history": st.booleans(),
    "medical_history.neurological_condition": st.booleans(),
    "medical_history.psychosis": st.sampled_from(["none", "past", "current"]),
}
trials = st.lists(
    st.builds(
        Trial,
        name=st.sampled_from(DRUGS),
        source=st.just("clinician"),
        therapeutic_dose=st.none() | st.booleans(),
        weeks=st.none() | st.integers(0, 16),
        adherence=st.none() | st.sampled_from(["good", "fair", "poor"]),
        outcome=st.none() | st.sampled_from(OUTCOMES),
    ),
    max_size=5,
)
records = st.builds(
    lambda age, dx, ts, answers, totals: ClinicalRecord(
        birth_date=None if age is None else date(TODAY.year - age, 6, 1),
        diagnoses=[Diagnosis(code=c, source="clinician") for c in dx],
        trials=ts,
        answers={k: Answer(reported=v, confirmed=v) for k, v in answers.items()},
        administrations=[
            Administration(instrument="phq9", total=t, administered_at=None, source="clinician")
            for t in totals
        ],
    ),
    st.none() | st.integers(10, 90),
    st.lists(
        st.sampled_from(["F32.2", "F33.1", "F33.3", "F32.A", "F41.1"]), max_size=2, unique=True
    ),
    st.none() | trials,
    st.fixed_dictionaries({}, optional=ANSWERS),
    st.lists(st.integers(0, 27), max_size=2),
)
facts = st.builds(
    Facts,
    ordering_psychiatrist=st.none() | st.booleans(),
    pdmp_checked_on=st.none() | st.just(date(2026, 11, 1)),
    requested_units=st.none() | st.integers(1, 40),
)


def erase(record: ClinicalRecord, data: st.DataObject) -> ClinicalRecord:
    """The same record with some answers and some trial facts made unknown."""
    keep = {k: v for k, v in record.answers.items() if data.draw(st.booleans())}
    less = None
    if record.trials is not None:
        less = [
            t.model_copy(
                update={
                    f: None
                    for f in ("therapeutic_dose", "weeks", "outcome")
                    if data.draw(st.booleans())
                }
            )
            for t in record.trials
        ]
    born = record.birth_date if data.draw(st.booleans()) else None
    return record.model_copy(update={"answers": keep, "trials": less, "birth_date": born})


@settings(max_examples=150, deadline=None)
@given(record=records, given_facts=facts, data=st.data())
def test_knowing_less_never_decides_the_other_way(
    record: ClinicalRecord, given_facts: Facts, data: st.DataObject
) -> None:
    less = erase(record, data)
    for policy in default_coverage().policies.values():
        option = policy.options[0]
        full = {c.id: c.met for c in check(policy, option, record, TODAY, given_facts).criteria}
        partial = check(policy, option, less, TODAY, given_facts)
        for c in partial.criteria:
            if c.met is not None:
                assert full[c.id] is c.met, (policy.id, c.id, c.evidence)
            else:
                assert c.missing or c.kind in ("diagnosis", "severity", "option"), (policy.id, c.id)
        assert partial.summary == (
            "not_met"
            if any(c.met is False for c in partial.criteria)
            else "incomplete"
            if any(c.met is None for c in partial.criteria)
            else "met"
        )


@settings(max_examples=200, deadline=None)
@given(
    units=st.integers(1, 40),
    days=st.integers(0, 60),
    statuses=st.lists(st.sampled_from(["booked", "delivered", "cancelled"]), max_size=60),
    offset=st.integers(-10, 10),
)
def test_tracking_accounts_for_every_session(
    units: int, days: int, statuses: list[str], offset: int
) -> None:
    start = date(2026, 11, 1)
    auth = Authorized(units, start, start + timedelta(days=days))
    course = [SessionEntry(start + timedelta(days=i + offset), s) for i, s in enumerate(statuses)]
    result = track(auth, course, TODAY)
    booked = sum(1 for s in statuses if s == "booked")
    delivered = sum(1 for s in statuses if s == "delivered")
    assert (
        result.booked_covered + len(result.booked_beyond_units) + len(result.booked_outside_period)
        == booked
    )
    assert result.units_used + len(result.delivered_outside_period) == delivered
    assert result.units_remaining == max(units - result.units_used, 0)
    assert result.booked_covered <= result.units_remaining
    assert result.has("booked_beyond_units") == bool(result.booked_beyond_units)
