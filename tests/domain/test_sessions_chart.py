"""The vitals chart: inline SVG, one line per series, a text alternative listing every reading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trdnav.domain.sessions.chart import vitals_svg
from trdnav.domain.sessions.forms import Vital

T0 = datetime(2027, 1, 5, 15, 0, tzinfo=UTC)


def vital(minutes: int, systolic: int, diastolic: int, hr: int = 70) -> Vital:
    return Vital(
        at=T0 + timedelta(minutes=minutes),
        systolic=systolic,
        diastolic=diastolic,
        heart_rate=hr,
        spo2=97,
    )


def test_chart_has_three_series_and_a_text_alternative() -> None:
    svg = vitals_svg([vital(40, 150, 95, 88), vital(0, 120, 80)], T0)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 3 and 'role="img"' in svg
    assert "0 min: BP 120/80" in svg and "40 min: BP 150/95, heart rate 88" in svg
    assert svg.index("0 min: BP 120/80") < svg.index("40 min: BP 150/95")  # in time order
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched


def test_no_vitals_no_chart() -> None:
    assert vitals_svg([]) == ""


def test_extreme_values_stay_inside_the_frame() -> None:
    svg = vitals_svg([vital(0, 290, 190, 240), vital(5, 60, 25, 30)], T0)
    coords = [
        float(n)
        for chunk in svg.split('points="')[1:]
        for pair in chunk.split('"')[0].split()
        for n in pair.split(",")
    ]
    assert all(0 <= c <= 560 for c in coords)
