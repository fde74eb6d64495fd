"""The ICD-10-CM codes the product accepts (a reviewed data file, not code)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from trdnav.domain.requests import CONDITIONS, Condition

DATA = Path(__file__).parent / "data" / "icd10cm.toml"


@dataclass(frozen=True)
class Code:
    """One ICD-10-CM code with its description and the assessment condition it maps to."""

    code: str
    description: str
    condition: Condition | None


@cache
def _load() -> tuple[dict[str, Code], dict[str, str]]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    known = set(CONDITIONS)
    codes = {}
    for key, entry in data["codes"].items():
        condition = entry.get("condition")
        if condition is not None and condition not in known:
            raise ValueError(f"icd10cm.toml: codes.{key}.condition: unknown {condition!r}")
        codes[key] = Code(key, entry["description"], condition)
    return codes, dict(data["reported"])


def codes() -> list[Code]:
    """Every accepted code, in file order."""
    return list(_load()[0].values())


def lookup(code: str) -> Code | None:
    """The code (case-insensitive, surrounding spaces ignored), or None when not accepted."""
    return _load()[0].get(code.strip().upper())


def for_reported_condition(condition: str) -> Code | None:
    """The unspecified code recorded for a condition the person reported."""
    code = _load()[1].get(condition)
    return lookup(code) if code else None
