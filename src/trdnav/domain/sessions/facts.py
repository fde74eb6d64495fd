"""The session rules' numbers, loaded from data/rules.toml and checked against the sources."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from trdnav.domain.evidence.loader import default_evidence

DATA = Path(__file__).parent / "data" / "rules.toml"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EsketaminePhase(_Data):
    name: str = Field(min_length=1)
    first_week: int = Field(ge=1)
    last_week: int | None = None
    max_per_week: int = Field(ge=1)
    source_ids: list[str] = Field(min_length=1)


class EsketamineFacts(_Data):
    doses_mg: list[int] = Field(min_length=1)
    device_mg: int = Field(ge=1)
    first_dose_mg: int
    older_age: int
    first_dose_mg_older: int
    never_first_mg: list[int]
    bp_guide_systolic: int
    bp_guide_diastolic: int
    bp_recheck_minutes: int
    observation_minutes: int
    form_due_days: int
    phases: list[EsketaminePhase] = Field(min_length=1)
    source_ids: list[str] = Field(min_length=1)


class TmsProtocol(_Data):
    mode: str
    coil: str | None = None
    frequency_hz: float | None = None
    intensity_pct_mt: int | None = None
    pulses: int | None = None
    source_ids: list[str] = Field(min_length=1)


class TmsFacts(_Data):
    mt_interval_days: int = Field(ge=1)
    source_ids: list[str] = Field(min_length=1)
    protocols: dict[str, TmsProtocol] = {}


class IvKetamineFacts(_Data):
    usual_dose_mg_per_kg: float
    usual_infusion_minutes: int
    source_ids: list[str] = Field(min_length=1)


class SessionFacts(_Data):
    esketamine: EsketamineFacts
    tms: TmsFacts
    iv_ketamine: IvKetamineFacts

    def source_ids(self) -> set[str]:
        """Every source id the facts cite."""
        out = set(self.esketamine.source_ids) | set(self.tms.source_ids)
        out |= set(self.iv_ketamine.source_ids)
        for protocol in self.tms.protocols.values():
            out |= set(protocol.source_ids)
        for phase in self.esketamine.phases:
            out |= set(phase.source_ids)
        return out


@cache
def facts() -> SessionFacts:
    """The session facts; an unknown source id stops start-up naming it."""
    loaded = SessionFacts.model_validate(tomllib.loads(DATA.read_text(encoding="utf-8")))
    unknown = loaded.source_ids() - set(default_evidence().sources)
    if unknown:
        raise ValueError(f"sessions/data/rules.toml: unknown source ids {sorted(unknown)}")
    return loaded
