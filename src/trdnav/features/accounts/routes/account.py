"""Workspace home, password change and the emailed password reset."""

from __future__ import annotations

import logging

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.features.accounts import auth, credentials
from trdnav.features.accounts.guard import (
    Require,
    WorkspaceRoute,
    client_ip,
    render,
    set_login_cookie,
    utcnow,
)
from trdnav.platform.access import Actor
from trdnav.platform.mail import MailError, send_mail
from trdnav.platform.settings import Settings
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, runtime, unit_of_work

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])
log = logging.getLogger(__name__)


@router.get("/workspace")
def home(
    request: Request,
    actor: Actor = Depends(Require("workspace.home")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Start page: where this role can go, and the clinics this user may switch to."""
    clinics = auth.member_clinics(db, actor.user_id)
    remaining = auth.remaining_recovery_codes(db, actor.user_id)
    context = {"clinics": clinics, "recovery_left": remaining}
    return render(request, "accounts/home.html", context)


@router.get("/workspace/account/password")
def password_page(request: Request, actor: Actor = Depends(Require("workspace.home"))) -> Response:
    """The change-password form."""
    return render(request, "accounts/password.html")


@router.post("/workspace/account/password")
def change_password(
    request: Request,
    actor: Actor = Depends(Require("workspace.home")),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Change the password; all other logins of this account end."""
    step = credentials.change_password(
        db,
        runtime(request).settings,
        actor.user_id,
        str(form.get("current_password") or ""),
        str(form.get("new_password") or ""),
        actor.who,
        utcnow(),
    )
    db.commit()
    if step.token is None:
        field, _, message = (step.error or "new_password: is invalid").partition(": ")
        errors = [{"field": field, "message": message}]
        return render(request, "accounts/password.html", {"errors": errors}, status=422)
    response = render(request, "accounts/password.html", {"changed": True})
    set_login_cookie(request, response, step.token)
    return response


@router.get("/workspace/reset")
def reset_request_page(request: Request) -> Response:
    """Ask for a reset link by email."""
    return render(request, "accounts/reset_request.html")


def _mail_reset(settings: Settings, to: str, link: str) -> None:
    try:
        send_mail(
            settings,
            to,
            "Reset your TRD Navigator password",
            credentials.reset_mail_body(link, settings.reset_token_minutes),
        )
    except MailError:
        log.warning("password reset mail could not be sent")  # no address: staff PII stays out


@router.post("/workspace/reset")
def reset_request(
    request: Request,
    background: BackgroundTasks,
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Always the same answer, whether or not the address has an account."""
    email = str(form.get("email") or "").strip()
    if not email:
        errors = [{"field": "email", "message": "Enter your email address."}]
        return render(request, "accounts/reset_request.html", {"errors": errors}, status=422)
    settings = runtime(request).settings
    link = credentials.request_reset(db, settings, email, client_ip(request), utcnow())
    db.commit()
    if link is not None:
        # After the response, so the answer takes the same time whether the account exists.
        background.add_task(_mail_reset, settings, link[0], link[1])
    return render(request, "accounts/reset_request.html", {"sent": True})


@router.get("/workspace/reset/{token}")
def reset_page(request: Request, token: str, db: Session = Depends(unit_of_work)) -> Response:
    """Choose a new password (when the link is still valid)."""
    valid = credentials.find_reset(db, token, utcnow()) is not None
    return render(
        request, "accounts/reset.html", {"token": token, "valid": valid}, 200 if valid else 410
    )


@router.post("/workspace/reset/{token}")
def reset(
    request: Request,
    token: str,
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Set the new password; then sign in again (every login has ended)."""
    new = str(form.get("new_password") or "")
    step = credentials.complete_reset(db, token, new, client_ip(request), utcnow())
    db.commit()
    if step.error:
        if step.error.startswith("new_password: "):
            errors = [{"field": "new_password", "message": step.error.split(": ", 1)[1]}]
            ctx = {"token": token, "valid": True, "errors": errors}
            return render(request, "accounts/reset.html", ctx, status=422)
        return render(request, "accounts/reset.html", {"token": token, "valid": False}, 410)
    return RedirectResponse("/workspace/login?reset=1", status_code=303)
