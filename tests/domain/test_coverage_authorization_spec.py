"""Spec table: prior-authorization statuses, their transitions and what each one needs."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from trdnav.domain.coverage.authorization import StatusChange, transition_errors

TODAY = date(2026, 11, 20)
APPROVAL = dict(
    reference_number="A-1", authorized_units=25, period_start=TODAY, period_end=date(2027, 1, 31)
)


def row(current: str, change: dict[str, Any], fields: set[str], requested: int | None = 25) -> Any:
    shown = ", ".join(sorted(fields)) or "allowed"
    given = " ".join(f"{k}={v}" for k, v in change.items() if k != "status")
    return pytest.param(
        current,
        StatusChange(**change),
        requested,
        fields,
        id=f"{current} -> {change['status']} {given} -> {shown}",
    )


# A row: current status, the change asked for, the fields named as errors (none: allowed).
# fmt: off
ROWS = [
    row("draft",     {"status": "submitted", "on": TODAY},                               set()),
    row("draft",     {"status": "submitted", "on": TODAY},                               {"requested_units"}, requested=None),
    row("draft",     {"status": "approved", "on": TODAY, **APPROVAL},                    {"status"}),
    row("draft",     {"status": "submitted"},                                            {"on"}),
    row("draft",     {"status": "submitted", "on": date(2026, 11, 21)},                  {"on"}),
    row("draft",     {"status": "submitted", "on": date(2026, 11, 1)},                   {"on"}),
    row("submitted", {"status": "approved", "on": TODAY, **APPROVAL},                    set()),
    row("submitted", {"status": "approved", "on": TODAY},                                {"reference_number", "authorized_units", "period_start", "period_end"}),
    row("submitted", {"status": "approved", "on": TODAY, **{**APPROVAL, "authorized_units": 0}}, {"authorized_units"}),
    row("submitted", {"status": "approved", "on": TODAY, **{**APPROVAL, "period_end": date(2026, 11, 1)}}, {"period_end"}),
    row("submitted", {"status": "denied", "on": TODAY, "note": "not severe enough"},     set()),
    row("denied",    {"status": "appealed", "on": TODAY},                                set()),
    row("denied",    {"status": "approved", "on": TODAY, **APPROVAL},                    {"status"}),
    row("appealed",  {"status": "approved", "on": TODAY, **APPROVAL},                    set()),
    row("appealed",  {"status": "denied", "on": TODAY},                                  set()),
    row("approved",  {"status": "expired", "on": TODAY},                                 set()),
    row("approved",  {"status": "submitted", "on": TODAY},                               {"status"}),
    row("expired",   {"status": "approved", "on": TODAY, **APPROVAL},                    {"status"}),
]
# fmt: on


@pytest.mark.parametrize(("current", "change", "requested", "fields"), ROWS)
def test_transitions(
    current: str, change: StatusChange, requested: int | None, fields: set[str]
) -> None:
    errors = transition_errors(current, date(2026, 11, 5), change, requested, TODAY)
    assert {e["field"] for e in errors} == fields
