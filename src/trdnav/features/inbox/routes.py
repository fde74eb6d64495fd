"""Consultation inbox pages. Search terms travel in POST bodies, never in URLs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.domain.text import whole_number
from trdnav.features.accounts.guard import Require, Scoped, WorkspaceRoute, render, utcnow
from trdnav.features.coverage.service import reported_checks
from trdnav.features.inbox import followup
from trdnav.features.inbox import service as inbox
from trdnav.features.records import duplicates
from trdnav.platform.access import Actor, NotFound, load_for_user
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, runtime, unit_of_work
from trdnav.storage.models import ConsultationRequest, Patient

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])
Request_ = Scoped(ConsultationRequest, "request_id", "inbox.view")
RequestUpdate = Scoped(ConsultationRequest, "request_id", "inbox.update")
RequestConvert = Scoped(ConsultationRequest, "request_id", "inbox.convert")


def _list(
    request: Request,
    actor: Actor,
    db: Session,
    status: str | None,
    query: str | None,
    mine: bool,
) -> Response:
    rows, counts = inbox.list_requests(db, actor, utcnow(), status, query, mine)
    follow = followup.follow_ups(db, [r.request for r in rows], utcnow())
    figure = followup.clinic_figure(db, actor.clinic_id, utcnow())
    db.commit()
    context = {
        "follow": follow,
        "figure": figure,
        "duration": followup.duration,
        "rows": rows,
        "counts": counts,
        "status": status if status in inbox.STATUSES else "",
        "query": query or "",
        "mine": mine,
        "statuses": inbox.STATUSES,
        "labels": inbox.STATUS_LABELS,
    }
    return render(request, "inbox/inbox.html", context)


@router.get("/workspace/consultations")
def inbox_page(
    request: Request,
    status: str | None = None,
    mine: bool = False,
    actor: Actor = Depends(Require("inbox.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The inbox, filtered by status (not PHI, so it may be in the URL)."""
    return _list(request, actor, db, status, None, mine)


@router.post("/workspace/consultations")
def inbox_search(
    request: Request,
    actor: Actor = Depends(Require("inbox.view")),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The inbox searched by name, email, phone or message (a POST keeps terms out of URLs)."""
    status = str(form.get("status") or "") or None
    return _list(
        request, actor, db, status, str(form.get("q") or "") or None, form.get("mine") == "1"
    )


def _detail(
    request: Request,
    actor: Actor,
    db: Session,
    req: ConsultationRequest,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    detail = inbox.read_request(db, actor, runtime(request).engine, req, utcnow())
    db.commit()
    context: dict[str, Any] = {
        "d": detail,
        "answers": inbox.answers_for_display(req),
        "next_statuses": inbox.TRANSITIONS.get(req.status, ()),
        "labels": inbox.STATUS_LABELS,
        "errors": errors or [],
        "reported_coverage": reported_checks(db, req, runtime(request), utcnow()),
        "follow": followup.follow_ups(db, [req], utcnow())[req.id],
        "duration": followup.duration,
    }
    return render(request, "inbox/request.html", context, status=status)


@router.get("/workspace/consultations/{request_id}")
def consultation_page(
    request: Request,
    scoped: tuple[Actor, ConsultationRequest] = Depends(Request_),
    db: Session = Depends(unit_of_work),
) -> Response:
    """One request: contact details, the decision-aid answers and results, notes, actions."""
    actor, req = scoped
    return _detail(request, actor, db, req)


def _act(
    request: Request, db: Session, scoped: tuple[Actor, ConsultationRequest], action: Any
) -> Response:
    actor, req = scoped
    try:
        action(actor, req)
    except inbox.InboxError as exc:
        db.rollback()
        errors = [{"field": exc.field, "message": exc.message}]
        return _detail(request, actor, db, req, errors, status=422)
    db.commit()
    return RedirectResponse(f"/workspace/consultations/{req.id}", status_code=303)


@router.post("/workspace/consultations/{request_id}/status")
def change_status(
    request: Request,
    scoped: tuple[Actor, ConsultationRequest] = Depends(RequestUpdate),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Move the request to its next status; "consult scheduled" needs the date and time."""
    new = str(form.get("status") or "")
    data = {k: form.get(k) for k in ("consult_date", "consult_time")}

    def act(actor: Actor, req: ConsultationRequest) -> None:
        now = utcnow()
        if new == "consult_scheduled":
            when = followup.parse_consult_at(data, _tz(request), now)
            inbox.set_status(db, actor, req, new, now)
            followup.schedule_consult(db, actor, req, when, now)
        else:
            inbox.set_status(db, actor, req, new, now)

    return _act(request, db, scoped, act)


def _tz(request: Request) -> str:
    return getattr(request.state, "clinic_tz", None) or runtime(request).clinic.time_zone


@router.post("/workspace/consultations/{request_id}/consult")
def reschedule_consult(
    request: Request,
    scoped: tuple[Actor, ConsultationRequest] = Depends(RequestUpdate),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Move a scheduled consult to another date and time (a new reminder is queued)."""
    data = {k: form.get(k) for k in ("consult_date", "consult_time")}

    def act(actor: Actor, req: ConsultationRequest) -> None:
        if req.status != "consult_scheduled":
            raise inbox.InboxError("status", "only a scheduled consult can be moved")
        now = utcnow()
        followup.schedule_consult(
            db, actor, req, followup.parse_consult_at(data, _tz(request), now), now
        )

    return _act(request, db, scoped, act)


@router.post("/workspace/consultations/{request_id}/assign")
def assign(
    request: Request,
    scoped: tuple[Actor, ConsultationRequest] = Depends(RequestUpdate),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Assign the request to a colleague (or to nobody)."""
    raw = str(form.get("assigned_user_id") or "")
    # A non-numeric id matches nobody, so the service reports it like any non-member.
    user_id = whole_number(raw, -1) if raw else None
    return _act(request, db, scoped, lambda a, r: inbox.assign(db, a, r, user_id, utcnow()))


@router.post("/workspace/consultations/{request_id}/notes")
def add_note(
    request: Request,
    scoped: tuple[Actor, ConsultationRequest] = Depends(RequestUpdate),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Add a note to the request."""
    body = str(form.get("body") or "")
    return _act(request, db, scoped, lambda a, r: inbox.add_note(db, a, r, body, utcnow()))


@router.post("/workspace/consultations/{request_id}/convert")
def convert(
    request: Request,
    scoped: tuple[Actor, ConsultationRequest] = Depends(RequestConvert),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Create the patient record from this request, then open it; when the person likely has a
    record already, first offer to attach the request to it."""
    actor, req = scoped
    choice = str(form.get("choice") or "")
    attach_to = None
    if choice == "attach":
        try:
            attach_to = duplicates.live(
                db, load_for_user(db, actor, Patient, str(form.get("attach_to") or ""))
            )
        except NotFound:
            errors = [{"field": "attach_to", "message": "choose a record of this clinic"}]
            return _detail(request, actor, db, req, errors, status=422)
    elif choice != "new" and req.status != "converted":
        matches = duplicates.likely_duplicates(
            db, req.clinic_id, name=req.name, birth_date=None, email=req.email, phone=req.phone
        )
        if matches:
            db.rollback()
            context = {
                "matches": matches,
                "action": f"/workspace/consultations/{req.id}/convert",
                "person": req.name,
                "back": f"/workspace/consultations/{req.id}",
                "hidden": {},
            }
            return render(request, "records/duplicates.html", context)
    try:
        patient = inbox.convert(db, actor, req, utcnow(), attach_to)
    except inbox.InboxError as exc:
        db.rollback()
        return _detail(
            request, actor, db, req, [{"field": exc.field, "message": exc.message}], status=422
        )
    db.commit()
    return RedirectResponse(f"/workspace/patients/{patient.id}", status_code=303)
