"""Measurement instruments (PHQ-9, GAD-7): items, scoring, bands, response and remission.

Instruments are data files registered by code; a new instrument registers the same way.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

DATA_DIR = Path(__file__).parent / "data"
RESPONSE_REDUCTION = 0.5  # response = at least 50% reduction from baseline (EVIDENCE §H)


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    name: str
    lower: int = Field(alias="from", ge=0)


class Instrument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    title: str
    stem: str
    loinc_panel: str
    loinc_total: str
    items: list[str] = Field(min_length=1)
    answers: list[str] = Field(min_length=2)
    functional_question: str
    functional_answers: list[str]
    bands: list[Band] = Field(min_length=1)
    risk_item: int | None = None
    remission_below: int | None = None
    source_ids: list[str] = Field(min_length=1)

    @property
    def max_total(self) -> int:
        return len(self.items) * (len(self.answers) - 1)

    def total(self, items: list[int]) -> int:
        """Sum of item scores; raises ValueError on a wrong count or out-of-range score."""
        if len(items) != len(self.items):
            raise ValueError(f"{self.name} has {len(self.items)} items, got {len(items)}")
        top = len(self.answers) - 1
        for i, score in enumerate(items, start=1):
            if not 0 <= score <= top:
                raise ValueError(f"{self.name} item {i} must be 0..{top}, got {score}")
        return sum(items)

    def band(self, total: int) -> str:
        """Severity band for a total score."""
        if not 0 <= total <= self.max_total:
            raise ValueError(f"{self.name} total must be 0..{self.max_total}, got {total}")
        name = self.bands[0].name
        for band in self.bands:
            if total >= band.lower:
                name = band.name
        return name

    def is_response(self, baseline: int, current: int) -> bool:
        """At least a 50% reduction from a non-zero baseline."""
        return baseline > 0 and (baseline - current) >= RESPONSE_REDUCTION * baseline

    def is_remission(self, current: int) -> bool | None:
        """Below the remission threshold; None when the instrument defines none."""
        return None if self.remission_below is None else current < self.remission_below


REGISTRY: dict[str, Instrument] = {}


def register(instrument: Instrument) -> Instrument:
    """Add an instrument to the registry (built-ins register exactly like additions)."""
    if instrument.code in REGISTRY:
        raise ValueError(f"instrument {instrument.code!r} is already registered")
    REGISTRY[instrument.code] = instrument
    return instrument


def load_instrument(path: Path) -> Instrument:
    """Read one instrument file; errors name the file and key."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    try:
        return Instrument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{path.name}: {key}: {first['msg']}") from exc


@cache
def _builtins() -> None:
    for name in ("phq9", "gad7"):
        register(load_instrument(DATA_DIR / f"{name}.toml"))


def get(code: str) -> Instrument:
    """The registered instrument with this code."""
    _builtins()
    return REGISTRY[code]
