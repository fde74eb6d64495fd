"""The waitlist page: who is waiting, a plan against the real bookings, accept a proposal."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.domain.scheduling.calendar import to_local
from trdnav.features.accounts.guard import Require, Scoped, WorkspaceRoute, render, utcnow
from trdnav.features.courses import service, waitlist, workspace
from trdnav.features.courses.booking import Conflict
from trdnav.platform.access import Actor
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, form_dict, runtime, unit_of_work
from trdnav.storage.models import WaitlistEntry

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])
Plan_ = Require("schedule.book")
EntryScope = Scoped(WaitlistEntry, "entry_id", "schedule.book")


def _page(
    request: Request,
    db: Session,
    actor: Actor,
    *,
    result: Any = None,
    errors: list[dict[str, str]] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    schedule = service.schedule_of(db, actor)
    rows = waitlist.entries(db, actor, utcnow())
    context = {
        "rows": rows,
        "patients": waitlist.patients_to_add(db, actor),
        "options": workspace.bookable_options(schedule),
        "names": {k: r.name for k, r in schedule.resources.items()},
        "result": result,
        "by_id": {str(r.entry.id): r for r in rows},
        "errors": errors or [],
        "values": values or {},
    }
    db.commit()
    return render(request, "courses/waitlist.html", context, status=status)


@router.get("/workspace/waitlist")
def waitlist_page(
    request: Request, actor: Actor = Depends(Plan_), db: Session = Depends(unit_of_work)
) -> Response:
    """Who is waiting for which course."""
    return _page(request, db, actor)


@router.post("/workspace/waitlist")
def add_to_waitlist(
    request: Request,
    actor: Actor = Depends(Plan_),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Put a patient on the waitlist."""
    data = form_dict(form)
    try:
        waitlist.add_entry(db, actor, service.schedule_of(db, actor), data, utcnow())
    except InvalidRequest as exc:
        db.rollback()
        return _page(request, db, actor, errors=exc.errors, values=data, status=422)
    db.commit()
    return RedirectResponse("/workspace/waitlist", status_code=303)


@router.post("/workspace/waitlist/plan")
def plan_waitlist(
    request: Request, actor: Actor = Depends(Plan_), db: Session = Depends(unit_of_work)
) -> Response:
    """Plan every waiting patient against the real bookings (CP-SAT, within the time limit)."""
    schedule = service.schedule_of(db, actor)
    now = utcnow()
    limit = runtime(request).settings.planner_time_limit
    result, _ = waitlist.plan_waitlist(
        db, actor, schedule, to_local(now, schedule.tz)[0], limit, now
    )
    db.commit()
    return _page(request, db, actor, result=result)


@router.post("/workspace/waitlist/{entry_id}/accept")
def accept_proposal(
    request: Request,
    scoped: tuple[Actor, WaitlistEntry] = Depends(EntryScope),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Book the proposed course whole (or refuse it whole, naming the first conflict)."""
    actor, entry = scoped
    sessions = [str(v) for v in form.getlist("session") if isinstance(v, str)]
    try:
        course = waitlist.accept(
            db, actor, service.schedule_of(db, actor), entry, sessions, utcnow()
        )
    except InvalidRequest as exc:
        db.rollback()
        return _page(request, db, actor, errors=exc.errors, status=422)
    except Conflict as exc:
        db.rollback()
        errors = [{"field": "sessions", "message": f"{exc.message} Plan again."}]
        return _page(request, db, actor, errors=errors, status=409)
    db.commit()
    return RedirectResponse(f"/workspace/courses/{course.id}", status_code=303)


@router.post("/workspace/waitlist/{entry_id}/remove")
def remove_from_waitlist(
    scoped: tuple[Actor, WaitlistEntry] = Depends(EntryScope),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Take a patient off the waitlist."""
    actor, entry = scoped
    waitlist.remove_entry(db, actor, entry, utcnow())
    db.commit()
    return RedirectResponse("/workspace/waitlist", status_code=303)
