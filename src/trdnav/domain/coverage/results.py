"""What a coverage check returns: per criterion met / not met / unknown, with its evidence."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

Summary = Literal["met", "not_met", "incomplete"]
TermKind = Literal["session_limit", "continuation", "approval", "not_covered"]


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class CriterionCheck(_View):
    """One criterion: `met` is True, False, or None when the record does not tell."""

    id: str
    kind: str
    text: str
    met: bool | None
    evidence: str  # what in the record decides it (or why nothing does)
    missing: list[str] = []  # what would decide it, when met is None
    caveats: list[str] = []  # another source disagrees, or a patient-reported fact
    source_ids: list[str]


class Term(_View):
    """A term of an approval (limits, continuation, approval length, what is not covered)."""

    kind: TermKind
    text: str
    source_ids: list[str]


class CoverageCheck(_View):
    """A policy checked against one record for one option (contract clinic-api-v1)."""

    policy: str
    policy_name: str
    payer: str
    option: str
    option_name: str
    criteria: list[CriterionCheck]
    summary: Summary
    terms: list[Term]
    not_stated: list[str]
    checked_on: date

    @property
    def unmet(self) -> list[CriterionCheck]:
        return [c for c in self.criteria if c.met is False]

    @property
    def unknown(self) -> list[CriterionCheck]:
        return [c for c in self.criteria if c.met is None]


def summarize(criteria: list[CriterionCheck]) -> Summary:
    """not_met when any criterion is not met; incomplete when any is unknown; else met."""
    if any(c.met is False for c in criteria):
        return "not_met"
    if any(c.met is None for c in criteria):
        return "incomplete"
    return "met"
