"""Spec tables for TMS session rules: when the motor threshold is due again, what a new session
carries from the previous one, and deviations from the course's protocol (data file)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from trdnav.domain.sessions import tms

TODAY = date(2027, 1, 15)
RTMS = {
    "mode": "rtms",
    "coil": "figure8",
    "frequency_hz": 10,
    "intensity_pct_mt": 120,
    "pulses": 3000,
}

# A row: last measured on, interval (days) -> due today?
# fmt: off
MT_ROWS = [
    (None,              7, True),    # never measured
    (date(2027, 1, 15), 7, False),   # measured today
    (date(2027, 1, 9),  7, False),   # 6 days ago
    (date(2027, 1, 8),  7, True),    # 7 days ago: the weekly re-measurement
    (date(2027, 1, 1),  7, True),
    (date(2027, 1, 12), 3, True),    # a clinic's own 3-day interval
    (date(2027, 1, 13), 3, False),
]
# A row: the course's option, what the record changes from the rTMS protocol -> fields flagged.
DEVIATION_ROWS = [
    ("rtms",             {},                                         []),
    ("rtms",             {"pulses": 2000},                           ["pulses"]),
    ("rtms",             {"intensity_pct_mt": 110, "coil": "h1"},    ["coil", "intensity_pct_mt"]),
    ("rtms",             {"frequency_hz": 10.0},                     []),
    ("rtms",             {"mode": "itbs", "pulses": 600},            ["mode"]),     # another protocol: said once
    ("deep_tms",         {"coil": "h1", "frequency_hz": 18, "pulses": 1980}, []),
    ("deep_tms",         {},                                         ["coil", "frequency_hz", "pulses"]),
    ("accelerated_itbs", {"mode": "itbs", "intensity_pct_mt": 90, "pulses": 1800}, []),
    ("iv_ketamine",      {"pulses": 1},                              []),           # no TMS protocol
]
# fmt: on


@pytest.mark.parametrize(("last", "interval", "due"), MT_ROWS)
def test_mt_due(last: date | None, interval: int, due: bool) -> None:
    assert tms.mt_due(last, TODAY, interval) is due


def test_mt_interval_defaults_to_the_data_file() -> None:
    assert tms.mt_interval(None) == 7 and tms.mt_interval(5) == 5


@pytest.mark.parametrize(("option", "changes", "fields"), DEVIATION_ROWS)
def test_deviations(option: str, changes: dict[str, Any], fields: list[str]) -> None:
    got = tms.deviations({**RTMS, **changes}, tms.protocol_for(option))
    assert sorted(d["field"] for d in got) == sorted(fields)


def test_a_new_session_carries_settings_not_events() -> None:
    previous = {
        **RTMS,
        "target": "left_dlpfc",
        "motor_threshold_pct": 55,
        "mt_measured": True,
        "adverse_events": [{"kind": "headache"}],
        "trains": None,
    }
    got = tms.carried(previous)
    assert got["motor_threshold_pct"] == 55 and got["target"] == "left_dlpfc"
    assert "adverse_events" not in got and "mt_measured" not in got and "trains" not in got
    assert tms.carried(None) == {}
