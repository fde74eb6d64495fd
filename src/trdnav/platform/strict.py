"""JSON's own types at the API's edge: `true` is not an age, `"yes"` is not a boolean, `"40"` is
not an integer. Request models of the API are pydantic-strict (`STRICT`); JSON has no date type,
so dates and times are ISO 8601 strings (`IsoDate`, `IsoDatetime`) and never numbers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, ConfigDict, Field

STRICT = ConfigDict(extra="forbid", strict=True)


def _iso_text(value: Any) -> Any:
    # A date object comes from Python callers (the workspace, the planner), never from JSON.
    if isinstance(value, str | date | datetime):
        return value
    raise ValueError("must be an ISO 8601 string")


def _whole(value: Any) -> Any:
    # JSON does not tell 17 from 17.0 (JSON Schema calls both an integer); "17" and true stay out.
    return int(value) if isinstance(value, float) and value.is_integer() else value


WHOLE = BeforeValidator(_whole)  # last in Annotated[...], so bounds stay in the schema
WholeNumber = Annotated[int, WHOLE]
IsoDate = Annotated[date, Field(strict=False), BeforeValidator(_iso_text)]
IsoDatetime = Annotated[AwareDatetime, Field(strict=False), BeforeValidator(_iso_text)]
