"""A clinic's configuration: who it is, what it offers, its prices and its conflicts of interest."""

from __future__ import annotations

from collections.abc import Collection
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from trdnav.domain.coverage.loader import default_coverage
from trdnav.domain.evidence.schema import Span
from trdnav.domain.results import OptionId


class ClinicOptionError(ValueError):
    """The clinic offers or prices an option id that the evidence does not know."""


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    phone: str
    email: str
    address: str = ""
    website: str = ""


class PriceOverride(BaseModel):
    """The clinic's own course price for an option; shown with the clinic as its source."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    course: Span
    basis: str = "The clinic's own course price."


class ClinicConfig(BaseModel):
    """Clinic configuration (TOML); feeds `offered` and prices in the assessment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,40}$")
    name: str = Field(min_length=1)
    time_zone: str
    contact: Contact
    offered: list[OptionId]
    prices: dict[OptionId, PriceOverride] = {}
    conflict_of_interest: str = Field(min_length=1)
    funding: str = Field(min_length=1)
    made_by: str = "TRD Navigator contributors (open source)"
    # The payer policies (coverage data file ids) the clinic works with; empty: all of them.
    coverage_policies: list[str] = []

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("coverage_policies")
    @classmethod
    def _known_policies(cls, value: list[str]) -> list[str]:
        known = default_coverage().policies
        unknown = [p for p in value if p not in known]
        if unknown:
            raise ValueError(
                f"no payer policy {', '.join(map(repr, unknown))} (known: {', '.join(known)})"
            )
        return value

    @property
    def price_source_id(self) -> str:
        return f"CLINIC-PRICES-{self.slug.upper()}"

    def offers(self, option_id: str) -> bool:
        return option_id in self.offered

    def check_options(self, known: Collection[str]) -> None:
        """Refuse option ids the evidence does not know, naming them (a typo must not hide one)."""
        for key, ids in (("offered", self.offered), ("prices", list(self.prices))):
            unknown = [oid for oid in ids if oid not in known]
            if unknown:
                raise ClinicOptionError(
                    f"clinic {self.slug!r}: {key}: no option {', '.join(map(repr, unknown))} "
                    f"in the evidence (known: {', '.join(known)})"
                )
