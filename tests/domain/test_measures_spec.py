"""Spec tables for instruments: PHQ-9 and GAD-7 band boundaries, totals, response, remission."""

from __future__ import annotations

import pytest

from tests.domain.helpers import assess, request
from trdnav.domain.measures import instruments

PHQ9_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately_severe"),
    (19, "moderately_severe"),
    (20, "severe"),
    (27, "severe"),
]
GAD7_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]


@pytest.mark.parametrize(("total", "band"), PHQ9_BANDS)
def test_phq9_band(total: int, band: str) -> None:
    assert instruments.get("phq9").band(total) == band


@pytest.mark.parametrize(("total", "band"), GAD7_BANDS)
def test_gad7_band(total: int, band: str) -> None:
    assert instruments.get("gad7").band(total) == band


@pytest.mark.parametrize(("code", "bad"), [("phq9", -1), ("phq9", 28), ("gad7", 22)])
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


@pytest.mark.parametrize(
    ("items", "total"), [([0] * 9, 0), ([3] * 9, 27), ([1, 2, 3, 0, 1, 2, 3, 0, 1], 13)]
)
def test_phq9_total(items: list[int], total: int) -> None:
    assert instruments.get("phq9").total(items) == total


@pytest.mark.parametrize("items", [[0] * 8, [0] * 10, [4] + [0] * 8, [-1] + [0] * 8])
def test_phq9_total_refuses_bad_items(items: list[int]) -> None:
    with pytest.raises(ValueError, match="PHQ-9"):
        instruments.get("phq9").total(items)


@pytest.mark.parametrize(
    ("baseline", "current", "response", "remission"),
    [
        (20, 10, True, False),
        (20, 11, False, False),
        (20, 4, True, True),
        (8, 5, False, False),
        (10, 4, True, True),
        (0, 0, False, True),
    ],
)
def test_response_and_remission(
    baseline: int, current: int, response: bool, remission: bool
) -> None:
    phq9 = instruments.get("phq9")
    assert phq9.is_response(baseline, current) is response
    assert phq9.is_remission(current) is remission


@pytest.mark.parametrize(
    ("change", "total", "band"),
    [
        ({}, 15, "moderately_severe"),
        ({"phq9_items": None, "phq9_total": 22}, 22, "severe"),
        ({"phq9_items": [0] * 9, "phq9_total": 22}, 0, "minimal"),  # items win over a total
        ({"phq9_items": None, "phq9_total": None}, None, "unknown"),
        ({"phq9_items": None, "phq9_total": 4}, 4, "minimal"),
    ],
)
def test_assessment_severity(change: dict[str, object], total: int | None, band: str) -> None:
    severity = assess(request(**change)).severity
    assert (severity.phq9_total, severity.band) == (total, band)
