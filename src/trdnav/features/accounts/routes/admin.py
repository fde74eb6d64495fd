"""The admin's staff pages: invite by email, enable or disable, unlock, remove a clinic
membership (role changes are in staff.py). The invitation link itself is public: it is the
credential, used once, and leads to two-factor enrolment."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.features.accounts import admin
from trdnav.features.accounts.guard import (
    Require,
    WorkspaceRoute,
    client_ip,
    render,
    set_login_cookie,
    utcnow,
)
from trdnav.features.accounts.routes.staff import staff_page_response
from trdnav.platform.access import Actor
from trdnav.platform.mail import MailError, send_mail
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, runtime, unit_of_work

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])
log = logging.getLogger(__name__)


def _mail(request: Request, actor: Actor, db: Session, to: str, link: str, new: bool) -> bool:
    """Send the invitation now (after commit); False when the mail server refused it."""
    subject, body = admin.invite_mail(
        admin.clinic_name(db, actor.clinic_id), actor.display_name, link, new
    )
    try:
        send_mail(runtime(request).settings, to, subject, body)
    except MailError:
        log.warning("invitation mail could not be sent")  # no address: staff PII stays out
        return False
    return True


@router.post("/workspace/staff/invite")
def invite(
    request: Request,
    actor: Actor = Depends(Require("users.manage")),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Invite someone by email into this clinic with a role."""
    values = {k: str(form.get(k) or "") for k in ("email", "display_name", "role")}
    try:
        user, link, new = admin.invite(
            db,
            runtime(request).settings,
            actor,
            values["email"],
            values["display_name"],
            values["role"],
            utcnow(),
        )
    except admin.AdminError as exc:
        db.rollback()
        errors = [{"field": exc.field, "message": exc.message}]
        return staff_page_response(request, actor, db, errors, 422, values)
    email = user.email
    db.commit()
    sent = _mail(request, actor, db, email, link, new)
    notice = (
        f"Invitation sent to {email}."
        if sent
        else (f"{email} was added, but the invitation email could not be sent: use Resend.")
    )
    return staff_page_response(request, actor, db, notice=notice)


def _act(request: Request, actor: Actor, db: Session, action: str, email: str) -> Response:
    now = utcnow()
    try:
        if action == "disable":
            admin.set_active(db, actor, email, False, now)
        elif action == "enable":
            admin.set_active(db, actor, email, True, now)
        elif action == "unlock":
            admin.unlock(db, actor, email, now)
        elif action == "remove":
            admin.remove_membership(db, actor, email, now)
        elif action == "resend":
            user, link = admin.resend(db, runtime(request).settings, actor, email, now)
            address = user.email
            db.commit()
            sent = _mail(request, actor, db, address, link, True)
            notice = (
                f"Invitation sent again to {address}."
                if sent
                else ("The invitation email could not be sent; try again later.")
            )
            return staff_page_response(request, actor, db, notice=notice)
    except admin.AdminError as exc:
        db.rollback()
        errors = [{"field": exc.field, "message": exc.message}]
        return staff_page_response(request, actor, db, errors, 422)
    db.commit()
    return RedirectResponse("/workspace/staff", status_code=303)


@router.post("/workspace/staff/access")
def change_access(
    request: Request,
    actor: Actor = Depends(Require("users.manage")),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Disable, re-enable, unlock, remove from this clinic, or resend an invitation."""
    action = str(form.get("action") or "")
    if action not in ("disable", "enable", "unlock", "remove", "resend"):
        errors = [
            {"field": "action", "message": "must be disable, enable, unlock, remove or resend"}
        ]
        return staff_page_response(request, actor, db, errors, 422)
    return _act(request, actor, db, action, str(form.get("email") or ""))


@router.get("/workspace/invite/{token}")
def invitation_page(request: Request, token: str, db: Session = Depends(unit_of_work)) -> Response:
    """Choose a password (when the invitation is still open)."""
    row = admin.find_invitation(db, token, utcnow())
    context = {"valid": row is not None, "token": token, "errors": []}
    return render(request, "accounts/invite.html", context)


@router.post("/workspace/invite/{token}")
def accept_invitation(
    request: Request,
    token: str,
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Set the password, then enrol two-factor (the login is pending until then)."""
    password = str(form.get("new_password") or "")
    settings = runtime(request).settings
    try:
        login = admin.accept(db, settings, token, password, client_ip(request), utcnow())
    except admin.AdminError as exc:
        db.rollback()
        valid = exc.field != "token"
        context = {
            "valid": valid,
            "token": token,
            "errors": [{"field": exc.field, "message": exc.message}],
        }
        return render(request, "accounts/invite.html", context, status=422 if valid else 410)
    db.commit()
    response = RedirectResponse("/workspace/enroll", status_code=303)
    set_login_cookie(request, response, login)
    return response
