"""Per-resource day and week views: accessible tables, one row per booked session."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from sqlalchemy.orm import Session

from trdnav.domain.scheduling.calendar import to_local
from trdnav.domain.text import whole_number
from trdnav.features.accounts.guard import Require, WorkspaceRoute, render, utcnow
from trdnav.features.courses import service, workspace
from trdnav.platform.access import Actor, NotFound, load_for_user
from trdnav.platform.web.deps import unit_of_work
from trdnav.storage.models import Resource

router = APIRouter(route_class=WorkspaceRoute)


@router.get("/workspace/calendar")
def calendar_page(
    request: Request,
    resource: str | None = None,
    day: str | None = None,
    view: str = "week",
    actor: Actor = Depends(Require("schedule.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """One resource's day or week (Monday to Sunday), with closed days named."""
    schedule = service.schedule_of(db, actor)
    resources = list(schedule.resources.values())
    now = utcnow()
    try:
        first = date.fromisoformat(day) if day else to_local(now, schedule.tz)[0]
    except ValueError:
        first = to_local(now, schedule.tz)[0]
    chosen = resources[0] if resources else None
    if resource:  # another clinic's resource, or none: not found
        try:
            chosen = load_for_user(db, actor, Resource, whole_number(resource, -1))
        except NotFound as exc:
            raise HTTPException(status_code=404) from exc
    view = "day" if view == "day" else "week"
    if view == "week":
        first = workspace.monday(first)
    span = 1 if view == "day" else 7
    days = workspace.resource_days(db, actor, schedule, chosen, first, span, now) if chosen else []
    db.commit()
    context = {
        "resources": resources,
        "chosen": chosen,
        "days": days,
        "view": view,
        "first": first,
        "prev": first - timedelta(days=span),
        "next": first + timedelta(days=span),
    }
    return render(request, "courses/calendar.html", context)
