"""Measurement instruments (PHQ-9, GAD-7, ...): items, scoring, bands, response and remission.

Instruments are data files: every measures/data/*.toml is registered at first use, its file name
being its code. A third instrument is a third file; code elsewhere registers the same way.
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


class Registry:
    """Instruments by code; the built-ins register exactly like additions (Datasette's hooks)."""

    def __init__(self) -> None:
        self._by_code: dict[str, Instrument] = {}

    def register(self, instrument: Instrument) -> Instrument:
        """Add one instrument; a code can be registered once."""
        if instrument.code in self._by_code:
            raise ValueError(f"instrument {instrument.code!r} is already registered")
        self._by_code[instrument.code] = instrument
        return instrument

    def discover(self, data_dir: Path) -> list[Instrument]:
        """Register every instrument file (*.toml) in `data_dir`, in file-name order."""
        found = []
        for path in sorted(data_dir.glob("*.toml")):
            instrument = load_instrument(path)
            if instrument.code != path.stem:
                raise ValueError(
                    f"{path.name}: code: says {instrument.code!r}, expected {path.stem!r} "
                    "(the file name)"
                )
            found.append(self.register(instrument))
        return found

    def get(self, code: str) -> Instrument:
        """The instrument with this code; KeyError naming the registered codes otherwise."""
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(
                f"no instrument {code!r} (registered: {', '.join(self._by_code)})"
            ) from None

    def codes(self) -> tuple[str, ...]:
        return tuple(self._by_code)


@cache
def registry() -> Registry:
    """The process's registry, holding every built-in instrument of measures/data."""
    built_in = Registry()
    built_in.discover(DATA_DIR)
    return built_in


def register(instrument: Instrument) -> Instrument:
    """Add an instrument to the process's registry, next to the built-ins."""
    return registry().register(instrument)


def get(code: str) -> Instrument:
    """The registered instrument with this code."""
    return registry().get(code)
