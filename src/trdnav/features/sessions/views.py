"""The clinic API's shapes for session records and REMS forms (XCreate / XView)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class SessionRecordView(BaseModel):
    """One version of a session's record: the record's fields plus who, when and why."""

    model_config = ConfigDict(extra="allow")
    id: int
    version: int
    session_id: str
    kind: Literal["tms", "iv_ketamine", "esketamine"]
    recorded_at: str
    recorded_by: int
    reason: str | None


class SessionRecordList(BaseModel):
    items: list[SessionRecordView]
    next_cursor: str | None = None


class RemsEnrolmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enrolled_on: date
    rems_patient_id: str | None = Field(default=None, min_length=1, max_length=40)


class RemsEnrolmentView(BaseModel):
    patient_id: str
    enrolled_on: date
    rems_patient_id: str | None


class RemsFormView(BaseModel):
    session_id: str
    patient_id: str
    session_on: str
    due_on: str
    overdue: bool
    status: Literal["due", "submitted"]
    submitted_at: str | None
    reference: str | None
    record_version: int
    form: dict[str, Any]


class RemsFormList(BaseModel):
    items: list[RemsFormView]
    next_cursor: str | None


class RemsFormSubmit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reference: str | None = Field(default=None, min_length=1, max_length=80)
