"""TMS session rules: the motor threshold re-measurement flag, defaults carried from the previous
session, and deviations from the course's protocol (shown, not refused)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from trdnav.domain.sessions.facts import TmsProtocol, facts
from trdnav.domain.sessions.forms import TmsRecord

PROTOCOL_FIELDS = ("coil", "frequency_hz", "intensity_pct_mt", "pulses")
# What a new session starts from: the previous session's settings, never its events.
CARRIED = (
    "coil",
    "target",
    "mode",
    "target_method",
    "motor_threshold_pct",
    "mt_method",
    "intensity_pct_mt",
    "frequency_hz",
    "pulses",
    "trains",
    "train_seconds",
    "inter_train_seconds",
)


def refusals(rec: TmsRecord, now: datetime) -> list[dict[str, str]]:
    """Rules a TMS record breaks (the form's own ranges are checked by its model)."""
    out = []
    if rec.mt_measured and rec.mt_method is None:
        out.append({"field": "mt_method", "message": "is required when the threshold is measured"})
    return out


def mt_interval(clinic_days: int | None) -> int:
    """Days between motor threshold measurements: the clinic's, else the data file's."""
    return clinic_days or facts().tms.mt_interval_days


def mt_due(last_measured_on: date | None, today: date, interval_days: int) -> bool:
    """Measure the motor threshold again today: never measured, or the interval has passed."""
    return last_measured_on is None or (today - last_measured_on).days >= interval_days


def carried(previous: dict[str, Any] | None) -> dict[str, Any]:
    """A new session's defaults from the previous session's record."""
    if not previous:
        return {}
    return {k: previous[k] for k in CARRIED if previous.get(k) is not None}


def protocol_for(option: str) -> TmsProtocol | None:
    """The protocol a TMS option's course template delivers, if the data file has one."""
    return facts().tms.protocols.get(option)


def deviations(record: dict[str, Any], protocol: TmsProtocol | None) -> list[dict[str, Any]]:
    """Where the record differs from the protocol: {field, expected, recorded}."""
    if protocol is None:
        return []
    mode = record.get("mode", "rtms")
    if mode != protocol.mode:  # another protocol altogether: say so once
        return [{"field": "mode", "expected": protocol.mode, "recorded": mode}]
    out = []
    for name in PROTOCOL_FIELDS:
        expected = getattr(protocol, name)
        got = record.get(name)
        if expected is None or got is None:
            continue
        same = float(got) == float(expected) if name != "coil" else got == expected
        if not same:
            out.append({"field": name, "expected": expected, "recorded": got})
    return out
