"""The admin's list of the clinic's staff, with role changes (audited as role changes)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.features.accounts import admin, users
from trdnav.features.accounts.guard import Require, WorkspaceRoute, render, utcnow
from trdnav.platform.access import ROLES, Actor
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, runtime, unit_of_work

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])


def staff_page_response(
    request: Request,
    actor: Actor,
    db: Session,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    """The staff page, with errors or a notice from the last action."""
    rows = admin.staff(db, runtime(request).settings, actor, utcnow())
    context = {
        "rows": rows,
        "roles": ROLES,
        "errors": errors or [],
        "values": values or {},
        "notice": notice,
    }
    return render(request, "accounts/staff.html", context, status=status)


_page = staff_page_response


@router.get("/workspace/staff")
def staff_page(
    request: Request,
    actor: Actor = Depends(Require("users.manage")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Everyone with a role in this clinic."""
    return _page(request, actor, db)


@router.post("/workspace/staff/role")
def change_role(
    request: Request,
    actor: Actor = Depends(Require("users.manage")),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Give a member another role in this clinic (not oneself: no admin locks themselves out)."""
    email = str(form.get("email") or "")
    role = str(form.get("role") or "")
    try:
        if email.strip().lower() == actor.email:
            raise users.UserError("email: you cannot change your own role")
        users.set_role(db, actor.clinic_id, email, role, utcnow(), actor.who)
    except users.UserError as exc:
        db.rollback()
        field, _, message = str(exc).partition(": ")
        return _page(request, actor, db, [{"field": field, "message": message}], status=422)
    db.commit()
    return RedirectResponse("/workspace/staff", status_code=303)
