"""The admin's audit log viewer, with filters and CSV export (the export itself is audited)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from trdnav.domain.text import whole_number
from trdnav.features.accounts.guard import Require, Scoped, WorkspaceRoute, render, utcnow
from trdnav.features.audit import service
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import runtime, unit_of_work
from trdnav.storage.models import Patient

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])


# The trail cannot hold entries outside these days; anything else is a typo, named as such.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)
TEXT_LIMIT = 320


class BadFilter(ValueError):
    """A filter the viewer cannot use; `errors` names each field."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(e["field"] for e in errors))
        self.errors = errors


def _day(value: str | None, tz: str, end: bool = False) -> datetime | None:
    """Start of a local day in UTC (for `end`, the start of the next day: exclusive)."""
    if not value:
        return None
    day = date.fromisoformat(value)  # ValueError for anything that is not YYYY-MM-DD
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"must be a date from {FIRST_DAY} to {LAST_DAY}")
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time.min, ZoneInfo(tz)).astimezone(UTC)


def _filter(request: Request, actor: Actor) -> tuple[audit.AuditFilter, dict[str, str]]:
    q = request.query_params
    keys = ("action", "actor", "patient", "since", "until")
    raw = {k: (q.get(k) or "").strip() for k in keys}
    tz = runtime(request).clinic.time_zone
    errors, days = [], {}
    for key in ("since", "until"):
        try:
            days[key] = _day(raw[key], tz, end=key == "until")
        except ValueError as exc:
            text = str(exc) if "must be" in str(exc) else "must be a date (YYYY-MM-DD)"
            errors.append({"field": key, "message": text})
    errors += [
        {"field": k, "message": f"is too long (at most {TEXT_LIMIT} characters)"}
        for k in ("action", "actor", "patient")
        if len(raw[k]) > TEXT_LIMIT
    ]
    if errors:
        raise BadFilter(errors)
    # An admin sees the trail of the clinic they act in, nothing of other clinics.
    f = audit.AuditFilter(
        clinic_id=actor.clinic_id,
        action=raw["action"] or None,
        actor_email=raw["actor"] or None,
        patient_id=raw["patient"] or None,
        since=days["since"],
        until=days["until"],
    )
    return f, raw


def _bad_filter(request: Request, exc: BadFilter, db: Session, actor: Actor) -> Response:
    keys = ("action", "actor", "patient", "since", "until")
    raw = {k: request.query_params.get(k, "")[:TEXT_LIMIT] for k in keys}
    patients, staff = service.choices(db, actor)
    context = {
        "rows": [],
        "total": 0,
        "f": raw,
        "errors": exc.errors,
        "names": {},
        "patients": patients,
        "staff": staff,
        "describe": service.describe,
    }
    return render(request, "audit/audit.html", context, status=422)


@router.get("/workspace/audit")
def audit_page(
    request: Request,
    actor: Actor = Depends(Require("audit.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Matching entries, 200 a page, newest first; `before` pages further back (keyset)."""
    try:
        f, raw = _filter(request, actor)
    except BadFilter as exc:
        return _bad_filter(request, exc, db, actor)
    before_raw = request.query_params.get("before") or ""
    before = whole_number(before_raw, None, digits=18)
    found = service.page(db, actor, f, before)
    patients, staff = service.choices(db, actor)
    audit.record(db, utcnow(), "audit.view", actor.who)
    db.commit()
    query = urlencode({k: v for k, v in raw.items() if v})
    context = {
        "rows": found.rows,
        "total": found.total,
        "older": found.older,
        "names": found.names,
        "f": raw,
        "query": query,
        "paged": before is not None,
        "patients": patients,
        "staff": staff,
        "describe": service.describe,
    }
    return render(request, "audit/audit.html", context)


@router.get("/workspace/patients/{patient_id}/access-report.pdf")
def access_report(
    request: Request,
    scoped: tuple[Actor, Patient] = Depends(Scoped(Patient, "patient_id", "audit.export")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The patient's "who accessed my record" report (HIPAA accounting of disclosures)."""
    actor, patient = scoped
    tz = runtime(request).clinic.time_zone
    pdf = service.access_report(db, actor, patient, utcnow(), tz)
    db.commit()
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="record-access-report.pdf"'},
    )


@router.get("/workspace/audit/export.csv")
def audit_export(
    request: Request,
    actor: Actor = Depends(Require("audit.export")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Every matching entry as CSV, oldest first."""
    try:
        f, raw = _filter(request, actor)
    except BadFilter as exc:
        return _bad_filter(request, exc, db, actor)
    audit.record(
        db, utcnow(), "audit.export", actor.who, detail={k: v for k, v in raw.items() if v}
    )
    db.commit()
    rows = list(audit.export_rows(db, f))

    def lines() -> Iterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(audit.CSV_COLUMNS)
        for row in rows:
            writer.writerow(row)
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
        yield buf.getvalue()

    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )
