"""Workspace pages for session records: a session with its record (record, correct, history),
the patient's REMS enrolment, and the queue of REMS Patient Monitoring Forms."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.features.accounts.guard import Require, Scoped, WorkspaceRoute, render, utcnow
from trdnav.features.sessions import billing, board, fieldsets, pages, rems, service, webforms
from trdnav.features.sessions.service import StateConflict
from trdnav.platform.access import Actor, Forbidden
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, form_dict, unit_of_work
from trdnav.storage.models import CourseSession, Patient

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])
SessionRead = Scoped(CourseSession, "session_id", "sessions.view")
SessionRecordIt = Scoped(CourseSession, "session_id", "sessions.record")
PatientRems = Scoped(Patient, "patient_id", "rems.work")
FormWork = Scoped(CourseSession, "session_id", "rems.work")


def _page(
    request: Request,
    db: Session,
    actor: Actor,
    session: CourseSession,
    values: dict[str, Any] | None = None,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    page = pages.session_page(db, actor, session, utcnow())
    db.commit()
    context = {
        "page": page,
        "groups": webforms.groups(page.kind) if page.kind in fieldsets.FIELDS else [],
        "values": values if values is not None else page.values,
        "vitals_n": webforms.vital_rows(values if values is not None else page.values),
        "errors": errors or [],
        "can_record": actor.can("sessions.record")
        and (actor.role != "technician" or page.kind == "tms"),
    }
    return render(request, "sessions/session.html", context, status=status)


@router.get("/workspace/sessions/{session_id}")
def session_view(
    request: Request,
    scoped: tuple[Actor, CourseSession] = Depends(SessionRead),
    db: Session = Depends(unit_of_work),
) -> Response:
    """A session: its record's versions and the form to record or correct it."""
    actor, session = scoped
    return _page(request, db, actor, session)


@router.post("/workspace/sessions/{session_id}/record")
def session_record(
    request: Request,
    scoped: tuple[Actor, CourseSession] = Depends(SessionRecordIt),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Record the session (or a corrected version); every refused rule is shown by its field."""
    actor, session = scoped
    data = form_dict(form)
    kind = str(data.get("kind") or "")
    tz = service.clinic_rules(db, actor.clinic_id).tz
    try:
        if kind not in fieldsets.FIELDS:
            raise InvalidRequest([{"field": "kind", "message": "Choose the kind of record"}])
        body = webforms.to_body(kind, data, tz)
        service.record_session(db, actor, session, body, utcnow())
    except InvalidRequest as exc:
        db.rollback()
        return _page(request, db, actor, session, data, exc.errors, status=422)
    except StateConflict as exc:
        db.rollback()
        errors = [{"field": "session", "message": exc.message}]
        return _page(request, db, actor, session, data, errors, status=409)
    except Forbidden:
        db.rollback()
        errors = [{"field": "kind", "message": "Your role may not record this kind of session"}]
        return _page(request, db, actor, session, data, errors, status=403)
    db.commit()
    return RedirectResponse(f"/workspace/sessions/{session.id}#history", status_code=303)


@router.post("/workspace/patients/{patient_id}/rems-enrolment")
def rems_enrolment(
    request: Request,
    scoped: tuple[Actor, Patient] = Depends(PatientRems),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Record the patient's REMS enrolment, then back to the session it was asked from."""
    actor, patient = scoped
    data = form_dict(form)
    back = str(data.get("session_id") or "")
    try:
        try:
            day = date.fromisoformat(str(data.get("enrolled_on") or ""))
        except ValueError as exc:
            message = "Enter the enrolment date"
            raise InvalidRequest([{"field": "enrolled_on", "message": message}]) from exc
        rems.enrol(db, actor, patient, day, data.get("rems_patient_id"), utcnow())
    except InvalidRequest as exc:
        db.rollback()
        session = pages.session_of_patient(db, patient, back)
        if session is None:
            raise
        return _page(request, db, actor, session, None, exc.errors, status=422)
    db.commit()
    target = f"/workspace/sessions/{back}" if back else f"/workspace/patients/{patient.id}"
    return RedirectResponse(target, status_code=303)


@router.get("/workspace/rems")
def rems_queue(
    request: Request,
    status: str = "due",
    actor: Actor = Depends(Require("rems.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The REMS Patient Monitoring Forms due (overdue first in red) or submitted; printable."""
    status = "submitted" if status == "submitted" else "due"
    items, _ = rems.queue(db, actor, status, utcnow(), 10_000)
    db.commit()
    context = {"items": items, "status": status}
    return render(request, "sessions/rems.html", context)


@router.get("/workspace/rems.csv")
def rems_csv(
    status: str = "due",
    actor: Actor = Depends(Require("rems.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The queue as CSV, for the REMS portal or a fax cover sheet."""
    status = "submitted" if status == "submitted" else "due"
    items, _ = rems.queue(db, actor, status, utcnow(), 10_000)
    db.commit()
    return Response(
        rems.csv_text(items),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rems-forms-{status}.csv"'},
    )


@router.get("/workspace/rems.pdf")
def rems_pdf(
    status: str = "due",
    actor: Actor = Depends(Require("rems.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The queue as a PDF, one form per page, to print or fax."""
    status = "submitted" if status == "submitted" else "due"
    items, _ = rems.queue(db, actor, status, utcnow(), 10_000)
    db.commit()
    return Response(
        rems.pdf(items),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="rems-forms-{status}.pdf"'},
    )


@router.post("/workspace/rems/{session_id}/submitted")
def rems_submitted(
    scoped: tuple[Actor, CourseSession] = Depends(FormWork),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Mark one form submitted."""
    actor, session = scoped
    data = form_dict(form)
    try:
        rems.submit(db, actor, rems.form_of(db, session), data.get("reference"), utcnow())
    except InvalidRequest:
        db.rollback()
        return RedirectResponse("/workspace/rems", status_code=303)
    db.commit()
    return RedirectResponse("/workspace/rems", status_code=303)


@router.get("/workspace/billing")
def billing_page(
    request: Request,
    month: str | None = None,
    actor: Actor = Depends(Require("billing.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The month's billing lines (superbill) of the clinic, with a CSV download."""
    try:
        first, rows = billing.month_lines(db, actor, month, utcnow())
    except InvalidRequest as exc:
        db.rollback()
        first, rows = billing.month_lines(db, actor, None, utcnow())
        db.commit()
        context = {"rows": rows, "month": first.isoformat()[:7], "errors": exc.errors}
        return render(request, "sessions/billing.html", context, status=422)
    db.commit()
    context = {"rows": rows, "month": first.isoformat()[:7], "errors": []}
    return render(request, "sessions/billing.html", context)


@router.get("/workspace/billing.csv")
def billing_csv(
    month: str | None = None,
    actor: Actor = Depends(Require("billing.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The month's superbill as CSV."""
    first, rows = billing.month_lines(db, actor, month, utcnow())
    db.commit()
    name = f"superbill-{first.isoformat()[:7]}.csv"
    return Response(
        billing.csv_text(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/workspace/today")
def today_board(
    request: Request,
    day: str | None = None,
    actor: Actor = Depends(Require("sessions.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Today's board per chair and room; htmx refreshes the board alone every 30 seconds."""
    t = utcnow()
    tz = service.clinic_rules(db, actor.clinic_id).tz
    today = service.local_day(t, tz)
    errors = []
    try:
        shown = date.fromisoformat(day) if day else today
    except ValueError:
        shown, errors = today, [{"field": "day", "message": "Enter a date as YYYY-MM-DD"}]
    columns = board.board(db, actor, shown, t)
    db.commit()
    context = {
        "columns": columns,
        "day": shown,
        "is_today": shown == today,
        "errors": errors,
        "updated": t,
    }
    fragment = bool(request.headers.get("hx-request"))
    name = "sessions/_board.html" if fragment else "sessions/today.html"
    return render(request, name, context, status=422 if errors else 200)
