"""Parsing the coverage forms: each bad field is appended to `errors` as {field, message},
so one submission names every problem at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from trdnav.domain.codes import icd10
from trdnav.domain.coverage.loader import default_coverage

CODE_LINES = 4  # planned-code lines on the draft form
MAX_CODE_UNITS = 10_000  # J0013 counts milligrams


def date_field(data: dict[str, Any], field: str, errors: list[dict[str, str]]) -> dt.date | None:
    """An optional ISO date."""
    raw = data.get(field)
    if raw in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        errors.append({"field": field, "message": "must be a date like 2027-01-04"})
        return None


def int_field(
    data: dict[str, Any], field: str, low: int, high: int, errors: list[dict[str, str]]
) -> int | None:
    """An optional whole number within [low, high]."""
    raw = data.get(field)
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        errors.append({"field": field, "message": "must be a whole number"})
        return None
    if not low <= value <= high:
        errors.append({"field": field, "message": f"must be between {low} and {high}"})
        return None
    return value


def yes_no(data: dict[str, Any], field: str, errors: list[dict[str, str]]) -> bool | None:
    """yes / no / unknown (None)."""
    value = data.get(field)
    if value in (None, "", "unknown"):
        return None
    if value not in ("yes", "no"):
        errors.append({"field": field, "message": "must be yes, no or unknown"})
        return None
    return bool(value == "yes")


def codes(option: str, data: dict[str, Any], errors: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The planned-code lines: billing codes of this option, each with its units."""
    procedures = default_coverage().codes.procedures
    planned = []
    for i in range(1, CODE_LINES + 1):
        code = str(data.get(f"code_{i}") or "").strip().upper()
        units = int_field(data, f"units_{i}", 1, MAX_CODE_UNITS, errors)
        if not code:
            continue
        entry = procedures.get(code)
        if entry is None or option not in entry.options:
            allowed = ", ".join(c for c, p in procedures.items() if option in p.options)
            errors.append({"field": f"code_{i}", "message": f"must be one of {allowed or 'none'}"})
        elif units is None:
            errors.append({"field": f"units_{i}", "message": f"give the units of {code}"})
        else:
            planned.append({"code": code, "units": units})
    return planned


def diagnoses(data: dict[str, Any], errors: list[dict[str, str]]) -> list[str]:
    """Accepted ICD-10-CM codes, separated by commas, each once."""
    out = []
    for raw in str(data.get("diagnosis_codes") or "").replace(";", ",").split(","):
        if not raw.strip():
            continue
        found = icd10.lookup(raw)
        if found is None:
            errors.append(
                {
                    "field": "diagnosis_codes",
                    "message": f"{raw.strip()} is not an accepted ICD-10-CM code",
                }
            )
        elif found.code not in out:
            out.append(found.code)
    return out
