"""Prior-authorization requests: statuses, the transitions between them, what each needs.

draft -> submitted -> approved | denied; denied -> appealed -> approved | denied;
approved -> expired. A submission needs the sessions asked for; an approval needs the payer's
reference number, the authorized units and the period. A status date is never in the future
nor before the previous one. Errors name the form field at fault.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal, get_args

from pydantic import BaseModel, ConfigDict

Status = Literal["draft", "submitted", "approved", "denied", "appealed", "expired"]
STATUSES: Final[tuple[Status, ...]] = get_args(Status)
TRANSITIONS: Final[dict[str, tuple[Status, ...]]] = {
    "draft": ("submitted",),
    "submitted": ("approved", "denied"),
    "denied": ("appealed",),
    "appealed": ("approved", "denied"),
    "approved": ("expired",),
    "expired": (),
}
LABELS: Final[dict[str, str]] = {
    "draft": "Draft",
    "submitted": "Submitted",
    "approved": "Approved",
    "denied": "Denied",
    "appealed": "Appealed",
    "expired": "Expired",
}
MAX_UNITS = 500


class StatusChange(BaseModel):
    """A status change as entered: the new status, its date and what the payer said."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str
    on: date | None = None
    reference_number: str | None = None
    authorized_units: int | None = None
    period_start: date | None = None
    period_end: date | None = None
    note: str | None = None


def transition_errors(
    current: str,
    last_on: date | None,
    change: StatusChange,
    requested_units: int | None,
    today: date,
) -> list[dict[str, str]]:
    """Every reason this change cannot be made, as {field, message}; empty when it can."""
    errors: list[dict[str, str]] = []

    def bad(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    allowed = TRANSITIONS.get(current, ())
    if change.status not in allowed:
        if allowed:
            names = " or ".join(LABELS[s].lower() for s in allowed)
            bad("status", f"a {current} request can only become {names}")
        else:
            bad("status", f"a {current} request cannot change any more")
        return errors
    if change.on is None:
        bad("on", "is required")
    elif change.on > today:
        bad("on", "cannot be in the future")
    elif last_on is not None and change.on < last_on:
        bad("on", f"cannot be before the previous status date ({last_on.isoformat()})")
    if change.status == "submitted" and requested_units is None:
        bad("requested_units", "set the sessions asked for before submitting")
    if change.status == "approved":
        ref = (change.reference_number or "").strip()
        if not ref:
            bad("reference_number", "the payer's authorization number is required")
        elif len(ref) > 64:
            bad("reference_number", "must be at most 64 characters")
        units = change.authorized_units
        if units is None:
            bad("authorized_units", "is required")
        elif not 1 <= units <= MAX_UNITS:
            bad("authorized_units", f"must be between 1 and {MAX_UNITS}")
        if change.period_start is None:
            bad("period_start", "is required")
        if change.period_end is None:
            bad("period_end", "is required")
        if change.period_start and change.period_end and change.period_end < change.period_start:
            bad("period_end", "cannot be before the start of the period")
    return errors
