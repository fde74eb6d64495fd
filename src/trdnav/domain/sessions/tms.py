"""TMS session rules: the motor threshold re-measurement flag, defaults carried from the previous
session, and deviations from the course's protocol (shown, not refused)."""

from __future__ import annotations

from datetime import datetime

from trdnav.domain.sessions.facts import facts
from trdnav.domain.sessions.forms import TmsRecord


def refusals(rec: TmsRecord, now: datetime) -> list[dict[str, str]]:
    """Rules a TMS record breaks (the form's own ranges are checked by its model)."""
    out = []
    if rec.mt_measured and rec.mt_method is None:
        out.append({"field": "mt_method", "message": "is required when the threshold is measured"})
    return out


def mt_interval(clinic_days: int | None) -> int:
    """Days between motor threshold measurements: the clinic's, else the data file's."""
    return clinic_days or facts().tms.mt_interval_days
