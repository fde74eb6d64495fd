"""Safety alerts in the workspace: the clinic's open alerts, one alert, its follow-up."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.features.accounts.guard import Require, Scoped, WorkspaceRoute, render, utcnow
from trdnav.features.alerts import service
from trdnav.platform.access import Actor
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, unit_of_work
from trdnav.storage.models import SafetyAlert

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])
AlertView = Scoped(SafetyAlert, "alert_id", "alerts.view")
AlertClose = Scoped(SafetyAlert, "alert_id", "alerts.close")


@router.get("/workspace/alerts")
def alerts_page(
    request: Request,
    actor: Actor = Depends(Require("alerts.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The clinic's open safety alerts, urgent first."""
    rows = service.open_alerts(db, actor, utcnow())
    db.commit()
    return render(request, "alerts/alerts.html", {"rows": rows})


def _alert_page(
    request: Request,
    db: Session,
    scoped: tuple[Actor, SafetyAlert],
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    actor, alert = scoped
    view = service.read_alert(db, actor, alert, utcnow())
    db.commit()
    context = {"v": view, "errors": errors or []}
    return render(request, "alerts/alert.html", context, status=status)


@router.get("/workspace/alerts/{alert_id}")
def alert_page(
    request: Request,
    scoped: tuple[Actor, SafetyAlert] = Depends(AlertView),
    db: Session = Depends(unit_of_work),
) -> Response:
    """One alert: what, whom, when, and its follow-up."""
    return _alert_page(request, db, scoped)


@router.post("/workspace/alerts/{alert_id}/close")
def close(
    request: Request,
    scoped: tuple[Actor, SafetyAlert] = Depends(AlertClose),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Record the follow-up; the alert closes."""
    actor, alert = scoped
    try:
        service.close_alert(db, actor, alert, str(form.get("follow_up") or ""), utcnow())
    except service.AlertError as exc:
        db.rollback()
        errors = [{"field": exc.field, "message": exc.message}]
        return _alert_page(request, db, scoped, errors, status=422)
    db.commit()
    return RedirectResponse("/workspace/alerts", status_code=303)
