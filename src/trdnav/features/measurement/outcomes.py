"""Outcomes per option (contract clinic-api-v1, Measurements): over completed courses with a
baseline (the last PHQ-9 linked to the course on or before its first session) and an end score
(the last one linked to it after the first session), the share with a response (end total at
most half of a baseline above 0) and with remission (end total under 5), each with its 95%
Wilson interval, beside the literature's range for the option (with its sources). Dropouts are
discontinued courses; completed courses without both scores are counted as not measured.

Each course's baseline and end score live in one row (`measure_course_outcomes`), refreshed by
one set-based statement whenever a score linked to the course is recorded or the course ends,
and the counts of the day the course started (`measure_outcome_days`) are recomputed with it
under a per-day lock; the dashboard sums day counts, never reading courses or administrations.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BindParameter, bindparam, func, select, text
from sqlalchemy.orm import Session

from trdnav.domain.evidence.loader import Evidence
from trdnav.domain.measures import instruments, progress
from trdnav.domain.measures.progress import Interval
from trdnav.platform.errors import InvalidRequest
from trdnav.storage.models import Course, OutcomeDay
from trdnav.storage.types import UTCDateTime

_REFRESH = """
WITH firsts AS (
    SELECT s.course_id, MIN(s.starts_at) AS first_at
    FROM course_sessions s
    WHERE s.clinic_id = :clinic AND s.status <> 'cancelled' {session_ids}
    GROUP BY s.course_id
), ranked AS (
    SELECT a.course_id, a.total, a.administered_at,
           CASE WHEN a.administered_at <= f.first_at THEN 0 ELSE 1 END AS phase,
           ROW_NUMBER() OVER (
               PARTITION BY a.course_id,
                            CASE WHEN a.administered_at <= f.first_at THEN 0 ELSE 1 END
               ORDER BY a.administered_at DESC, a.id DESC
           ) AS rn
    FROM ws_administrations a JOIN firsts f ON f.course_id = a.course_id
    WHERE a.clinic_id = :clinic AND a.instrument = 'phq9' AND a.administered_at IS NOT NULL
)
INSERT INTO measure_course_outcomes
    (course_id, clinic_id, option, status, start_on, first_at, baseline_total, end_total, end_at,
     refreshed_at)
SELECT c.id, c.clinic_id, c.option, c.status, c.start_on, f.first_at,
       MAX(CASE WHEN r.phase = 0 THEN r.total END),
       MAX(CASE WHEN r.phase = 1 THEN r.total END),
       MAX(CASE WHEN r.phase = 1 THEN r.administered_at END),
       :now
FROM courses c
JOIN firsts f ON f.course_id = c.id
LEFT JOIN ranked r ON r.course_id = c.id AND r.rn = 1
WHERE c.clinic_id = :clinic {course_ids}
GROUP BY c.id, c.clinic_id, c.option, c.status, c.start_on, f.first_at
"""


_MEASURED = "status = 'completed' AND baseline_total IS NOT NULL AND end_total IS NOT NULL"
_DAYS = f"""
INSERT INTO measure_outcome_days
    (clinic_id, option, start_on, courses, responses, remissions, dropouts, not_measured)
SELECT clinic_id, option, start_on,
       SUM(CASE WHEN {_MEASURED} THEN 1 ELSE 0 END),
       SUM(CASE WHEN {_MEASURED} AND baseline_total > 0 AND end_total * 2 <= baseline_total
           THEN 1 ELSE 0 END),
       SUM(CASE WHEN {_MEASURED} AND end_total < :below THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'discontinued' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'completed' AND NOT ({_MEASURED}) THEN 1 ELSE 0 END)
FROM measure_course_outcomes
WHERE clinic_id = :clinic AND status IN ('completed', 'discontinued') {{bucket}}
GROUP BY clinic_id, option, start_on
"""


def _lock(db: Session, *key: object) -> None:
    """Serialize refreshes of one bucket across workers (PostgreSQL; SQLite has one writer)."""
    if db.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(repr(key).encode()).digest()
    db.execute(
        text("SELECT pg_advisory_xact_lock(:k)"),
        {"k": int.from_bytes(digest[:8], "big", signed=True)},
    )


def refresh(
    db: Session, clinic_id: int, now: datetime, course_ids: list[str] | None = None
) -> None:
    """Recompute the outcome rows of these courses (or every course of the clinic) and the day
    counts they fall in."""
    below = instruments.get("phq9").remission_below or 0
    delete = "DELETE FROM measure_course_outcomes WHERE clinic_id = :clinic"
    params: dict[str, object] = {"clinic": clinic_id}
    buckets: list[tuple[str, date]] = []
    if course_ids is not None:
        if not course_ids:
            return
        rows = db.execute(
            select(Course.option, Course.start_on)
            .where(Course.id.in_(course_ids), Course.clinic_id == clinic_id)
            .distinct()
        ).all()
        buckets = sorted((option, day) for option, day in rows)
        for option, day in buckets:
            _lock(db, "outcomes", clinic_id, option, day.isoformat())
        delete += " AND course_id IN :ids"
        params["ids"] = list(course_ids)
        sql = _REFRESH.format(session_ids="AND s.course_id IN :ids", course_ids="AND c.id IN :ids")
    else:
        _lock(db, "outcomes", clinic_id)
        sql = _REFRESH.format(session_ids="", course_ids="")
    expanding: list[BindParameter[Any]] = (
        [bindparam("ids", expanding=True)] if course_ids is not None else []
    )
    db.execute(text(delete).bindparams(*expanding), params)
    insert = text(sql).bindparams(*expanding, bindparam("now", type_=UTCDateTime()))
    db.execute(insert, {**params, "now": now})
    days = {"clinic": clinic_id, "below": below}
    if course_ids is None:
        db.execute(text("DELETE FROM measure_outcome_days WHERE clinic_id = :clinic"), days)
        db.execute(text(_DAYS.format(bucket="")), days)
        return
    for option, day in buckets:
        key = {**days, "option": option, "day": day}
        where = "clinic_id = :clinic AND option = :option AND start_on = :day"
        db.execute(text(f"DELETE FROM measure_outcome_days WHERE {where}"), key)
        db.execute(text(_DAYS.format(bucket="AND option = :option AND start_on = :day")), key)


@dataclass(frozen=True)
class Literature:
    """The published range for an option, with its sources."""

    response: tuple[float, float] | None
    remission: tuple[float, float] | None
    timeframe: str
    source_ids: list[str]


@dataclass(frozen=True)
class OptionOutcome:
    """One option's row of the dashboard."""

    option: str
    name: str
    courses: int
    response: Interval
    remission: Interval
    dropouts: int
    not_measured: int
    literature: Literature


def check_option(evidence: Evidence, option: str | None) -> None:
    """422 naming `option` when it is not an option of the evidence."""
    if option is not None and option not in evidence.options:
        known = ", ".join(evidence.options)
        raise InvalidRequest([{"field": "option", "message": f"must be one of {known}"}])


def dashboard(
    db: Session,
    clinic_id: int,
    evidence: Evidence,
    option: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[OptionOutcome]:
    """One row per option (or the one asked for), over courses that started in the period."""
    check_option(evidence, option)
    if start is not None and end is not None and end < start:
        raise InvalidRequest([{"field": "to", "message": "must not be before from"}])
    d = OutcomeDay
    stmt = (
        select(
            d.option,
            func.sum(d.courses),
            func.sum(d.responses),
            func.sum(d.remissions),
            func.sum(d.dropouts),
            func.sum(d.not_measured),
        )
        .where(d.clinic_id == clinic_id)
        .group_by(d.option)
    )
    if option is not None:
        stmt = stmt.where(d.option == option)
    if start is not None:
        stmt = stmt.where(d.start_on >= start)
    if end is not None:
        stmt = stmt.where(d.start_on <= end)
    found = {row[0]: row[1:] for row in db.execute(stmt).all()}
    out = []
    for oid, data in evidence.options.items():
        if option is not None and oid != option:
            continue
        n, responses, remissions, dropouts, unmeasured = (int(v) for v in found.get(oid, (0,) * 5))
        lit = data.outcomes
        out.append(
            OptionOutcome(
                option=oid,
                name=data.name,
                courses=n,
                response=progress.wilson(responses, n),
                remission=progress.wilson(remissions, n),
                dropouts=dropouts,
                not_measured=unmeasured,
                literature=Literature(
                    (lit.response.low, lit.response.high) if lit.response else None,
                    (lit.remission.low, lit.remission.high) if lit.remission else None,
                    lit.timeframe,
                    list(lit.source_ids),
                ),
            )
        )
    return out


def as_csv(rows: list[OptionOutcome]) -> str:
    """The dashboard as CSV (one line per option; rates as proportions, empty when unknown)."""

    def num(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "option",
            "courses",
            "responses",
            "response_rate",
            "response_ci_low",
            "response_ci_high",
            "remissions",
            "remission_rate",
            "remission_ci_low",
            "remission_ci_high",
            "dropouts",
            "completed_not_measured",
            "literature_response_low",
            "literature_response_high",
            "literature_remission_low",
            "literature_remission_high",
            "literature_sources",
        ]
    )
    for r in rows:
        lit = r.literature
        writer.writerow(
            [
                r.option,
                r.courses,
                r.response.successes,
                num(r.response.rate),
                num(r.response.low),
                num(r.response.high),
                r.remission.successes,
                num(r.remission.rate),
                num(r.remission.low),
                num(r.remission.high),
                r.dropouts,
                r.not_measured,
                num(lit.response[0] if lit.response else None),
                num(lit.response[1] if lit.response else None),
                num(lit.remission[0] if lit.remission else None),
                num(lit.remission[1] if lit.remission else None),
                " ".join(lit.source_ids),
            ]
        )
    return out.getvalue()
