"""Spec table: Aetna Clinical Policy Bulletin 0469 (TMS), including where sources disagree."""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.coverage_rows import checked, criterion, rec, row
from trdnav.domain.coverage.check import Facts

# fmt: off
ROWS = [
    row("age",                          "42",                                   rec(age=42),                                              True),
    row("age",                          "15 (the policy's floor)",              rec(age=15),                                              True),
    row("age",                          "14",                                   rec(age=14),                                              False),
    row("age",                          "no date of birth",                     rec(),                                                    None),
    row("severe-mdd-without-psychosis", "F32.2 severe, no psychosis",           rec(dx="F32.2"),                                          True),
    row("severe-mdd-without-psychosis", "F33.3 severe with psychosis",          rec(dx="F33.3"),                                          False),
    row("severe-mdd-without-psychosis", "F33.9 unspecified",                    rec(dx="F33.9"),                                          None),
    row("no-psychosis",                 "psychosis none",                       rec(psychosis="none"),                                    True),
    row("no-psychosis",                 "bipolar depression with psychosis",    rec(dx="F31.5", psychosis="none"),                        False),
    row("failed-classes",               "SSRI no + NDRI partial",               rec(trials=["sertraline 8w no", "bupropion 8w partial"]), True),
    row("failed-classes",               "SSRI no + SNRI intolerable",           rec(trials=["sertraline 8w no", "duloxetine 2w intol"]),  False),
    row("failed-classes",               "brand name and generic of one drug",   rec(trials=["Zoloft 8w no", "sertraline 10w no"]),        False),
    row("augmentation",                 "aripiprazole among the trials",        rec(trials=["aripiprazole 6w no"]),                       True),
    row("augmentation",                 "answered 1",                           rec(aug=1),                                               True),
    row("augmentation",                 "answered 0",                           rec(aug=0),                                               False),
    row("augmentation",                 "not asked, none listed",               rec(trials=["sertraline 8w no"]),                         None),
    row("units-within-limit",           "36 asked (30 + 6 taper)",              rec(),                                                    True,  Facts(requested_units=36)),
    row("units-within-limit",           "40 asked",                             rec(),                                                    False, Facts(requested_units=40)),
]
# fmt: on


@pytest.mark.parametrize(("criterion_id", "record", "facts", "met"), ROWS)
def test_aetna(criterion_id: str, record: Any, facts: Facts | None, met: bool | None) -> None:
    assert criterion("AETNA-CPB0469", criterion_id, record, facts).met is met


def test_the_age_floor_says_where_sources_disagree() -> None:
    found = criterion("AETNA-CPB0469", "age", rec(age=16))
    assert found.met is True and found.source_ids == ["AETNA-CPB0469"]
    (caveat,) = found.caveats
    assert "adjunct" in caveat and "adults (18 and older)" in caveat
    for source in ("NEUROSTAR-2024", "MAGVENTURE-2025", "NEUROSTAR-2008"):
        assert source in caveat


def test_accelerated_tms_is_refused_as_experimental() -> None:
    result = checked("AETNA-CPB0469", rec(), option="accelerated_itbs")
    refusal = result.criteria[0]
    assert (refusal.id, refusal.met) == ("option-covered", False)
    assert "experimental" in refusal.evidence and result.summary == "not_met"
