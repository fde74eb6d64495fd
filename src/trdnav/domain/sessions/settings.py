"""A clinic's own session settings (its configuration file's `[session_rules]`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from trdnav.domain.sessions.forms import BloodPressure


class SessionSettings(BaseModel):
    """The clinic's hard stop for esketamine dosing (none unless it sets one: the label's
    140/90 is a guide) and its motor threshold interval (default from the data file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    bp_hard_stop: BloodPressure | None = None
    mt_interval_days: int | None = Field(default=None, ge=1, le=90)
    # Patients billed to Medicare get modifier KX on G2082/G2083 (REMS enrolment) [CGS-G2082].
    medicare_payers: list[str] = ["Medicare"]
