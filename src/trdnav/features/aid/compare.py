"""The "compare two" view: the person picks two options (or the status quo) to see side by side.

The pair is kept with the draft (never in a URL), so it is still there after a reload or
after changing answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from trdnav.features.aid.present import Column
from trdnav.features.aid.steps import N_, Raw

KEY = "compare"  # the draft key of the pair (not a questionnaire step)
STATUS_QUO = "status_quo"  # the status-quo column's choice value
FIELDS = ("first", "second")
SAME = N_("Choose two different options.")
UNKNOWN = N_("Choose an option from the list.")


def choices(columns: Sequence[Column]) -> list[str]:
    """Every choice value: the options in the comparison's order, then the status quo."""
    return [c.option.id for c in columns] + [STATUS_QUO]


def read(form: Mapping[str, object], allowed: Sequence[str]) -> tuple[Raw, dict[str, str]]:
    """The posted pair and its errors (by field): each must be a known choice, and different."""
    raw = {f: v for f in FIELDS if isinstance(v := form.get(f), str)}
    errors = {f: UNKNOWN for f in FIELDS if raw.get(f) not in allowed}
    if not errors and raw["first"] == raw["second"]:
        errors["second"] = SAME
    return raw, errors


def pair(raw: Raw | None, columns: Sequence[Column]) -> list[Column | None] | None:
    """The two chosen columns (None stands for the status quo), or None if no valid pair."""
    raw = raw or {}
    by_id: dict[str, Column | None] = {c.option.id: c for c in columns}
    by_id[STATUS_QUO] = None
    picked = [raw.get(f) for f in FIELDS]
    if picked[0] == picked[1] or any(p not in by_id for p in picked):
        return None
    return [by_id[str(p)] for p in picked]


def preselected(raw: Raw | None, columns: Sequence[Column]) -> dict[str, str]:
    """What the two lists show: the kept pair, else the two best-ranked options."""
    if raw:
        return {f: str(raw.get(f, "")) for f in FIELDS}
    ranked = [c.option.id for c in columns if c.rank] + [c.option.id for c in columns]
    return {"first": ranked[0], "second": next(i for i in ranked if i != ranked[0])}
