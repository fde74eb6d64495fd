"""The workspace's record forms: one field list per kind (the template loops over it), the flat
form turned into the API's record body (so both doors go through the same validation), and a
stored record turned back into form values (a correction starts from the current version)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from trdnav.features.sessions.fieldsets import BLANK_VITALS, FIELDS, VITAL_KEYS, Field


def groups(kind: str) -> list[tuple[str, list[Field]]]:
    """The kind's fields by fieldset, in order."""
    out: list[tuple[str, list[Field]]] = []
    for f in FIELDS[kind]:
        if not out or out[-1][0] != f.group:
            out.append((f.group, []))
        out[-1][1].append(f)
    return out


def _moment(value: str, tz: str) -> str:
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        return value  # the model names it
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(tz))
    return local.isoformat()


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def to_body(kind: str, data: dict[str, Any], tz: str) -> dict[str, Any]:
    """The flat form as the API's record body (times in the clinic's zone)."""
    body: dict[str, Any] = {"kind": kind}
    serious = bool(data.get("serious"))
    for f in FIELDS[kind]:
        if f.name == "serious":
            continue
        if f.kind == "check":
            body[f.name] = bool(data.get(f.name))
        elif f.kind == "checks":
            values = _list(data.get(f.name))
            if f.name == "adverse_events":
                body[f.name] = [{"kind": v, "serious": serious} for v in values]
            else:
                body[f.name] = values
        elif f.kind == "vitals":
            body[f.name] = _vitals(data, tz)
        elif f.kind == "bp":
            sys_, dia = data.get(f"{f.name}.systolic"), data.get(f"{f.name}.diastolic")
            if sys_ or dia:
                body[f.name] = {"systolic": sys_, "diastolic": dia}
        elif f.name.startswith("prescriber_decision."):
            continue
        elif f.name in data:
            value = data[f.name]
            if f.kind == "datetime":
                value = _moment(str(value), tz)
            if f.name == "device_lots":
                value = [x.strip() for x in str(value).split(",") if x.strip()]
            body[f.name] = value
    proceed = data.get("prescriber_decision.proceed")
    if proceed in ("true", "false"):
        body["prescriber_decision"] = {
            "proceed": proceed == "true",
            "reason": data.get("prescriber_decision.reason", ""),
        }
        if data.get("prescriber_decision.prescriber"):
            body["prescriber_decision"]["prescriber"] = data["prescriber_decision.prescriber"]
    if data.get("reason"):
        body["reason"] = data["reason"]
    return body


def local_input(value: str | None, tz: str) -> str:
    """A stored moment as a datetime-local input's value in the clinic's zone."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def to_values(detail: dict[str, Any], tz: str) -> dict[str, Any]:
    """A stored record as the form's values."""
    values: dict[str, Any] = {}
    kind = detail["kind"]
    for f in FIELDS[kind]:
        raw = detail.get(f.name)
        if f.kind == "bp" and isinstance(raw, dict):
            values[f"{f.name}.systolic"] = raw["systolic"]
            values[f"{f.name}.diastolic"] = raw["diastolic"]
        elif f.kind == "datetime":
            values[f.name] = local_input(raw, tz)
        elif f.kind == "vitals":
            for i, v in enumerate(raw or []):
                for key in VITAL_KEYS:
                    value = local_input(v[key], tz) if key == "at" else v[key]
                    values[f"vitals.{i}.{key}"] = value
        elif f.name == "adverse_events":
            values[f.name] = [a["kind"] for a in raw or []]
            values["serious"] = any(a.get("serious") for a in raw or [])
        elif f.name == "device_lots":
            values[f.name] = ", ".join(raw or [])
        elif raw is not None and f.name != "serious":
            values[f.name] = raw
    decision = detail.get("prescriber_decision")
    if decision:
        values["prescriber_decision.proceed"] = "true" if decision["proceed"] else "false"
        values["prescriber_decision.reason"] = decision["reason"]
        values["prescriber_decision.prescriber"] = decision.get("prescriber") or ""
    return values


def vital_rows(values: dict[str, Any]) -> int:
    """How many vitals rows the form shows: those filled in, plus blank ones to add."""
    filled = 0
    while any(f"vitals.{filled}.{k}" in values for k in VITAL_KEYS):
        filled += 1
    return filled + BLANK_VITALS


def _vitals(data: dict[str, Any], tz: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    i = 0
    while any(f"vitals.{i}.{k}" in data for k in VITAL_KEYS) or i < BLANK_VITALS:
        row = {k: data.get(f"vitals.{i}.{k}") for k in VITAL_KEYS}
        if any(v not in (None, "") for v in row.values()):
            if row["at"]:
                row["at"] = _moment(str(row["at"]), tz)
            out.append(row)
        i += 1
        if i > 200:
            break
    return out
