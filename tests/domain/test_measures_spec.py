"""Spec tables for instruments: PHQ-9 and GAD-7 band boundaries, totals, response, remission."""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.helpers import assess, describe, request
from trdnav.domain.measures import instruments


def band(code: str, total: int, expected: str) -> Any:
    return pytest.param(code, total, expected, id=f"{code} | total {total} -> {expected}")


# fmt: off
BANDS = [
    band("phq9", 0,  "minimal"),
    band("phq9", 4,  "minimal"),
    band("phq9", 5,  "mild"),
    band("phq9", 9,  "mild"),
    band("phq9", 10, "moderate"),
    band("phq9", 14, "moderate"),
    band("phq9", 15, "moderately_severe"),
    band("phq9", 19, "moderately_severe"),
    band("phq9", 20, "severe"),
    band("phq9", 27, "severe"),
    band("gad7", 0,  "minimal"),
    band("gad7", 4,  "minimal"),
    band("gad7", 5,  "mild"),
    band("gad7", 9,  "mild"),
    band("gad7", 10, "moderate"),
    band("gad7", 14, "moderate"),
    band("gad7", 15, "severe"),
    band("gad7", 21, "severe"),
]
# fmt: on


@pytest.mark.parametrize(("code", "total", "expected"), BANDS)
def test_band(code: str, total: int, expected: str) -> None:
    assert instruments.get(code).band(total) == expected


def out_of_range(code: str, total: int) -> Any:
    return pytest.param(code, total, id=f"{code} | total {total} -> refused")


# fmt: off
OUT_OF_RANGE = [
    out_of_range("phq9", -1),
    out_of_range("phq9", 28),
    out_of_range("gad7", 22),
]
# fmt: on


@pytest.mark.parametrize(("code", "bad"), OUT_OF_RANGE)
def test_total_out_of_range_is_refused(code: str, bad: int) -> None:
    with pytest.raises(ValueError, match="total must be"):
        instruments.get(code).band(bad)


def test_phq9_has_nine_items_with_official_wording() -> None:
    phq9 = instruments.get("phq9")
    assert len(phq9.items) == 9 and phq9.max_total == 27
    assert (
        phq9.items[8]
        == "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert phq9.answers == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert phq9.loinc_panel == "44249-1" and phq9.loinc_total == "44261-6"


def total(items: list[int], expected: int | None) -> Any:
    shown = "refused" if expected is None else str(expected)
    return pytest.param(items, expected, id=f"phq9 | items {items} -> {shown}")


# A row: PHQ-9 item scores -> total, or None when the items are refused.
# fmt: off
TOTALS = [
    total([0] * 9,                     0),
    total([3] * 9,                     27),
    total([1, 2, 3, 0, 1, 2, 3, 0, 1], 13),
    total([0] * 8,                     None),  # too few items
    total([0] * 10,                    None),  # too many items
    total([4] + [0] * 8,               None),  # a score above 3
    total([-1] + [0] * 8,              None),  # a negative score
]
# fmt: on


@pytest.mark.parametrize(("items", "expected"), TOTALS)
def test_phq9_total(items: list[int], expected: int | None) -> None:
    phq9 = instruments.get("phq9")
    if expected is None:
        with pytest.raises(ValueError, match="PHQ-9"):
            phq9.total(items)
    else:
        assert phq9.total(items) == expected


def followup(baseline: int, current: int, response: bool, remission: bool) -> Any:
    shown = f"{'response' if response else 'no response'}, {'' if remission else 'no '}remission"
    return pytest.param(
        baseline, current, response, remission, id=f"phq9 | {baseline} -> {current}: {shown}"
    )


# A row: PHQ-9 baseline, current total, response (50% reduction), remission (below 5).
# fmt: off
CHANGES = [
    followup(20, 10, True,  False),
    followup(20, 11, False, False),
    followup(20, 4,  True,  True),
    followup(8,  5,  False, False),
    followup(10, 4,  True,  True),
    followup(0,  0,  False, True),
]
# fmt: on


@pytest.mark.parametrize(("baseline", "current", "response", "remission"), CHANGES)
def test_response_and_remission(
    baseline: int, current: int, response: bool, remission: bool
) -> None:
    phq9 = instruments.get("phq9")
    assert phq9.is_response(baseline, current) is response
    assert phq9.is_remission(current) is remission


def severity(change: dict[str, Any], total: int | None, band: str) -> Any:
    shown = "no total" if total is None else f"total {total}"
    return pytest.param(change, total, band, id=f"{describe(change)} -> {shown}, {band}")


# A row: change to the baseline person (PHQ-9 items total 15) -> severity total and band.
# fmt: off
SEVERITY = [
    severity({},                                       15,   "moderately_severe"),
    severity({"phq9_items": None, "phq9_total": 22},   22,   "severe"),
    severity({"phq9_items": [0] * 9, "phq9_total": 22}, 0,    "minimal"),            # items win over a total
    severity({"phq9_items": None, "phq9_total": None}, None, "unknown"),
    severity({"phq9_items": None, "phq9_total": 4},    4,    "minimal"),
]
# fmt: on


@pytest.mark.parametrize(("change", "total", "band"), SEVERITY)
def test_assessment_severity(change: dict[str, object], total: int | None, band: str) -> None:
    result = assess(request(**change)).severity
    assert (result.phq9_total, result.band) == (total, band)
