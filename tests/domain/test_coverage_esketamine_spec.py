"""Spec tables: Cigna / eviCore and QualChoice esketamine (Spravato) policies."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.domain.coverage_rows import checked, criterion, rec, row
from trdnav.domain.coverage.check import Facts

# fmt: off
CIGNA = [
    row("adult",                   "18",                                   rec(age=18),                                                   True),
    row("adult",                   "17",                                   rec(age=17),                                                   False),
    row("psychiatrist-prescribes", "psychiatrist",                         rec(),                                                         True, Facts(ordering_psychiatrist=True)),
    row("failed-classes-6-weeks",  "SSRI + SNRI, no response, 6+ weeks",   rec(trials=["escitalopram 6w no", "duloxetine 8w no"]),        True),
    row("failed-classes-6-weeks",  "one was a partial response",           rec(trials=["escitalopram 6w no", "duloxetine 8w partial"]),   False),
    row("failed-classes-6-weeks",  "one lasted 5 weeks",                   rec(trials=["escitalopram 6w no", "duloxetine 5w no"]),        False),
    row("failed-classes-6-weeks",  "reported adequate, weeks unknown",     rec(trials=["escitalopram 6w no", "duloxetine reported no"]),  None),
    row("failed-classes-6-weeks",  "intolerance does not count here",      rec(trials=["escitalopram 6w no", "duloxetine 1w intol"]),     False),
    row("pdmp-checked",            "checked 2026-11-10",                   rec(),                                                         True, Facts(pdmp_checked_on=date(2026, 11, 10))),
    row("pdmp-checked",            "a date after today",                   rec(),                                                         None, Facts(pdmp_checked_on=date(2026, 12, 1))),
    row("pdmp-checked",            "not recorded",                         rec(),                                                         None),
]
QUALCHOICE = [
    row("phq9-over-15",            "PHQ-9 16",                             rec(phq9=[(16, "2026-11-01")]),                                True),
    row("phq9-over-15",            "PHQ-9 15 (not above 15)",              rec(phq9=[(15, "2026-11-01")]),                                False),
    row("failed-antidepressants",  "two SSRIs (classes not required)",     rec(trials=["sertraline 8w no", "fluoxetine 8w partial"]),     True),
    row("augmentations",           "lithium and quetiapine",               rec(trials=["lithium 8w no", "quetiapine 6w no"]),             True),
    row("augmentations",           "one listed, answered 2",               rec(trials=["lithium 8w no"], aug=2),                          True),
    row("augmentations",           "answered 1",                           rec(aug=1),                                                    False),
    row("augmentations",           "one listed, not asked",                rec(trials=["lithium 8w no"]),                                 None),
]
# fmt: on


@pytest.mark.parametrize(("criterion_id", "record", "facts", "met"), CIGNA)
def test_cigna(criterion_id: str, record: Any, facts: Facts | None, met: bool | None) -> None:
    assert criterion("CIGNA-SPRAVATO", criterion_id, record, facts).met is met


@pytest.mark.parametrize(("criterion_id", "record", "facts", "met"), QUALCHOICE)
def test_qualchoice(criterion_id: str, record: Any, facts: Facts | None, met: bool | None) -> None:
    assert criterion("QUALCHOICE-SPRAVATO", criterion_id, record, facts).met is met


def test_approval_lengths_are_terms() -> None:
    assert [t.text for t in checked("CIGNA-SPRAVATO", rec()).terms] == ["Approved for 6 months"]
    assert [t.text for t in checked("QUALCHOICE-SPRAVATO", rec()).terms] == [
        "Approved for 3 months"
    ]
