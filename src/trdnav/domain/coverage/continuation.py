"""The continuation check: has the score improved enough since baseline for more sessions?

Baseline is the last score of the instrument on or before the course's first session (as the
clinic API's outcomes define it); the current score is the latest one after that day.
Improvement = (baseline - current) / baseline. Medicare allows more TMS sessions only with at
least 25% improvement [CMS-A57598]; the percentage comes from the policy file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from trdnav.domain.coverage.results import CriterionCheck
from trdnav.domain.coverage.schema import Policy
from trdnav.domain.measures import instruments
from trdnav.domain.record import Administration, ClinicalRecord


@dataclass(frozen=True)
class Improvement:
    """Baseline and current administrations and the improvement between them (percent)."""

    baseline: Administration | None
    current: Administration | None
    pct: float | None  # None when either score is missing or the baseline is 0


def _day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def improvement(
    record: ClinicalRecord, instrument: str, course_start: date, today: date, tz: tzinfo
) -> Improvement:
    """The improvement of `instrument` since the course began (undated scores are ignored)."""
    dated = sorted(
        (
            a
            for a in record.administrations
            if a.instrument == instrument
            and a.administered_at is not None
            and _day(a.administered_at, tz) <= today
        ),
        key=lambda a: a.administered_at,  # type: ignore[arg-type,return-value]
    )
    before = [a for a in dated if _day(a.administered_at, tz) <= course_start]  # type: ignore[arg-type]
    after = [a for a in dated if _day(a.administered_at, tz) > course_start]  # type: ignore[arg-type]
    baseline = before[-1] if before else None
    current = after[-1] if after else None
    pct = None
    if baseline is not None and current is not None and baseline.total > 0:
        pct = (baseline.total - current.total) * 100 / baseline.total
    return Improvement(baseline, current, pct)


def pct_text(pct: float) -> str:
    """A percentage with at most one decimal, never rounded up across a threshold's edge."""
    tenths = int(pct * 10) / 10 if pct >= 0 else -int(-pct * 10) / 10
    return f"{tenths:.1f}".removesuffix(".0")


def _score(a: Administration, name: str, tz: tzinfo) -> str:
    assert a.administered_at is not None
    return f"{name} {a.total} on {_day(a.administered_at, tz).isoformat()}"


def continuation_check(
    policy: Policy, record: ClinicalRecord, course_start: date | None, today: date, tz: tzinfo
) -> CriterionCheck:
    """Met when the policy's continuation rule holds: enough improvement since baseline."""
    rule = policy.continuation
    if rule is None:
        return CriterionCheck(
            id="continuation",
            kind="continuation",
            text="More sessions after the first approval",
            met=None,
            evidence="Our sources state no rule for more sessions under this policy.",
            missing=["the payer's rule for more sessions"],
            source_ids=list(policy.source_ids),
        )
    name = instruments.get(rule.measured_with).name
    base = {
        "id": "continuation",
        "kind": "continuation",
        "text": f"At least {rule.min_improvement_pct}% improvement since baseline ({name})",
        "source_ids": list(rule.source_ids),
        "caveats": [rule.note] if rule.note else [],
    }
    if course_start is None:
        return CriterionCheck(
            **base,
            met=None,
            evidence="The course's first session date is not known, so there is no baseline.",
            missing=["the date of the course's first session"],
        )
    found = improvement(record, rule.measured_with, course_start, today, tz)
    first = course_start.isoformat()
    if found.baseline is None:
        return CriterionCheck(
            **base,
            met=None,
            evidence=f"No dated {name} on or before the first session ({first}).",
            missing=[f"a baseline {name}"],
        )
    baseline = _score(found.baseline, name, tz)
    if found.current is None:
        return CriterionCheck(
            **base,
            met=None,
            evidence=f"Baseline {baseline}; no {name} since the course began.",
            missing=[f"a {name} during the course"],
        )
    if found.pct is None:
        return CriterionCheck(
            **base,
            met=None,
            evidence=f"Baseline {baseline}: no improvement can be measured from 0.",
            missing=[f"a baseline {name} above 0"],
        )
    return CriterionCheck(
        **base,
        met=found.pct >= rule.min_improvement_pct,
        evidence=(
            f"Baseline {baseline}; latest {_score(found.current, name, tz)}:"
            f" {pct_text(found.pct)}% improvement (at least {rule.min_improvement_pct}% needed)."
        ),
    )
