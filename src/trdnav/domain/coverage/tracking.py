"""An authorization against the course: units used, booked sessions it does not cover, expiry.

Input is plain data: the authorized units and period, and the course's sessions as (day,
status) pairs, so any course store can feed it. A delivered session inside the period uses one
unit. Booked sessions are matched to the remaining units in date order; those left over, and
any booked outside the period, are warned about before they are delivered unpaid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

EXPIRING_WITHIN_DAYS = 14  # product setting: how early the coordinator's list shows an expiry
LOW_UNITS = 5  # product setting: "running low" from this many remaining units

Code = Literal[
    "booked_beyond_units",
    "booked_outside_period",
    "delivered_outside_period",
    "over_used",
    "exhausted",
    "low",
    "expiring",
    "ended",
]


@dataclass(frozen=True)
class SessionEntry:
    """One session of the course: its (clinic-local) day and status (booked, delivered, ...)."""

    on: date
    status: str


@dataclass(frozen=True)
class Authorized:
    """What an approval allows: units (sessions) within a period, both ends included."""

    units: int
    start: date
    end: date


class TrackingWarning(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: Code
    message: str


class Tracking(BaseModel):
    """Units used and left, and what the booked sessions would need beyond the approval."""

    model_config = ConfigDict(frozen=True)

    units_authorized: int
    units_used: int
    units_remaining: int
    booked_covered: int
    booked_beyond_units: list[date]
    booked_outside_period: list[date]
    delivered_outside_period: list[date]
    days_left: int  # until the period's last day (negative once it has ended)
    warnings: list[TrackingWarning]

    def has(self, code: Code) -> bool:
        """True when this warning is raised."""
        return any(w.code == code for w in self.warnings)


def _days(dates: list[date]) -> str:
    shown = ", ".join(d.isoformat() for d in dates[:3])
    return shown + (f" and {len(dates) - 3} more" if len(dates) > 3 else "")


def track(
    authorized: Authorized,
    sessions: list[SessionEntry],
    today: date,
    *,
    expiring_within_days: int = EXPIRING_WITHIN_DAYS,
    low_units: int = LOW_UNITS,
) -> Tracking:
    """Track one authorization against the course's sessions as of `today`."""

    def inside(day: date) -> bool:
        return authorized.start <= day <= authorized.end

    delivered = sorted(s.on for s in sessions if s.status == "delivered")
    booked = sorted(s.on for s in sessions if s.status == "booked")
    used = sum(1 for d in delivered if inside(d))
    remaining = max(authorized.units - used, 0)
    booked_in = [d for d in booked if inside(d)]
    covered, beyond = booked_in[:remaining], booked_in[remaining:]
    outside = [d for d in booked if not inside(d)]
    delivered_out = [d for d in delivered if not inside(d)]
    days_left = (authorized.end - today).days
    warnings: list[TrackingWarning] = []

    def warn(code: Code, message: str) -> None:
        warnings.append(TrackingWarning(code=code, message=message))

    if beyond:
        warn(
            "booked_beyond_units",
            f"{len(beyond)} booked session(s) go beyond the {authorized.units} authorized units: "
            f"{_days(beyond)}.",
        )
    if outside:
        warn(
            "booked_outside_period",
            f"{len(outside)} booked session(s) fall outside the authorized period "
            f"{authorized.start.isoformat()} to {authorized.end.isoformat()}: {_days(outside)}.",
        )
    if delivered_out:
        warn(
            "delivered_outside_period",
            f"{len(delivered_out)} session(s) were delivered outside the authorized period: "
            f"{_days(delivered_out)}.",
        )
    if used > authorized.units:
        warn("over_used", f"{used} sessions delivered; only {authorized.units} are authorized.")
    elif remaining == 0:
        warn("exhausted", f"All {authorized.units} authorized units are used.")
    elif remaining <= low_units:
        warn("low", f"Only {remaining} authorized unit(s) left.")
    if days_left < 0:
        warn("ended", f"The authorized period ended on {authorized.end.isoformat()}.")
    elif days_left <= expiring_within_days:
        when = "today" if days_left == 0 else f"in {days_left} day{'s' if days_left != 1 else ''}"
        warn("expiring", f"The authorized period ends on {authorized.end.isoformat()} ({when}).")
    return Tracking(
        units_authorized=authorized.units,
        units_used=used,
        units_remaining=remaining,
        booked_covered=len(covered),
        booked_beyond_units=beyond,
        booked_outside_period=outside,
        delivered_outside_period=delivered_out,
        days_left=days_left,
        warnings=warnings,
    )
