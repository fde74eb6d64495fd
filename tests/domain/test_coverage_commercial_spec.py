"""Spec tables: UnitedHealthcare TMS and Centene / Ambetter TMS."""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.coverage_rows import checked, criterion, rec, row
from trdnav.domain.coverage.check import Facts

TWO_CLASSES = ["sertraline 8w no", "mirtazapine 8w partial"]

# fmt: off
UHC = [
    row("failed-classes", "SSRI + mirtazapine failed",           rec(trials=TWO_CLASSES),                                   True),
    row("failed-classes", "SSRI failed, SNRI only 3 weeks",      rec(trials=["sertraline 8w no", "venlafaxine 3w no"]),     False),
    row("failed-classes", "SSRI failed, SNRI adequacy unknown",  rec(trials=["sertraline 8w no", "venlafaxine ? no"]),      None),
    row("failed-classes", "patient-reported adequate trials",    rec(trials=["sertraline reported no", "bupropion reported no"]), True),
    row("psychotherapy",  "answered yes",                        rec(psy=True),                                             True),
]
CENTENE = [
    row("phq9-15",        "PHQ-9 15 on 2026-10-01",              rec(phq9=[(15, "2026-10-01")]),                            True),
    row("phq9-15",        "PHQ-9 14",                            rec(phq9=[(14, "2026-10-01")]),                            False),
    row("phq9-15",        "22 then 12 (the latest decides)",     rec(phq9=[(22, "2026-09-01"), (12, "2026-11-01")]),        False),
    row("phq9-15",        "a PHQ-9 dated after today is ignored", rec(phq9=[(16, "2026-10-01"), (9, "2026-12-01")]),        True),
    row("phq9-15",        "no PHQ-9",                            rec(),                                                     None),
    row("failed-classes", "two classes",                         rec(trials=TWO_CLASSES),                                   True),
    row("psychotherapy",  "answered no",                         rec(psy=False),                                            False),
    row("units-within-limit", "36 asked",                        rec(),                                                     True,  Facts(requested_units=36)),
    row("units-within-limit", "37 asked",                        rec(),                                                     False, Facts(requested_units=37)),
]
# fmt: on


@pytest.mark.parametrize(("criterion_id", "record", "facts", "met"), UHC)
def test_uhc(criterion_id: str, record: Any, facts: Facts | None, met: bool | None) -> None:
    assert criterion("UHC-TMS", criterion_id, record, facts).met is met


@pytest.mark.parametrize(("criterion_id", "record", "facts", "met"), CENTENE)
def test_centene(criterion_id: str, record: Any, facts: Facts | None, met: bool | None) -> None:
    assert criterion("CENTENE-TMS", criterion_id, record, facts).met is met


def test_a_criterion_met_on_the_patients_word_says_so() -> None:
    found = criterion("UHC-TMS", "psychotherapy", rec(psy=True, reported=True))
    assert found.met is True and "patient-reported" in found.evidence
    assert any("confirm it before submitting" in c for c in found.caveats)
    trials = criterion(
        "UHC-TMS", "failed-classes", rec(trials=["sertraline reported no", "bupropion reported no"])
    )
    assert any("confirm it before submitting" in c for c in trials.caveats)


def test_uhc_lists_what_our_sources_do_not_state() -> None:
    result = checked("UHC-TMS", rec(trials=TWO_CLASSES, psy=True))
    assert result.summary == "met" and len(result.criteria) == 2
    assert "an age limit" in result.not_stated and "exclusions" in result.not_stated
