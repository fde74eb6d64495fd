"""Sign-in: password, two-factor (enrollment or code), sign-out, switching clinic."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.features.accounts import auth, credentials
from trdnav.features.accounts.guard import (
    LOGIN,
    Require,
    WorkspaceRoute,
    clear_login_cookie,
    client_ip,
    live_login,
    pending_login,
    redirect_exc,
    render,
    safe_next,
    set_login_cookie,
    utcnow,
)
from trdnav.platform.access import Actor
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, runtime, unit_of_work
from trdnav.storage.models import Login

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])


@router.get("/workspace/login")
def login_page(request: Request, db: Session = Depends(unit_of_work)) -> Response:
    """The sign-in form (or on to the workspace when already signed in)."""
    row = live_login(request, db)
    if row is not None and row.mfa_done:
        raise redirect_exc("/workspace")
    return render(
        request,
        "accounts/login.html",
        {"email": "", "next": safe_next(request.query_params.get("next"))},
    )


@router.post("/workspace/login")
def login(
    request: Request, form: FormData = Depends(form_data), db: Session = Depends(unit_of_work)
) -> Response:
    """Check email and password; a pending login then asks for the second factor."""
    email = str(form.get("email") or "").strip()
    password = str(form.get("password") or "")
    back = safe_next(form.get("next"))
    errors = []
    if not email:
        errors.append({"field": "email", "message": "Enter your email address."})
    if not password:
        errors.append({"field": "password", "message": "Enter your password."})
    if errors:
        return render(
            request,
            "accounts/login.html",
            {"email": email, "errors": errors, "next": back},
            status=422,
        )
    settings = runtime(request).settings
    result = auth.sign_in_password(db, settings, email, password, client_ip(request), utcnow())
    db.commit()
    if result.token is None:
        errors = [{"field": "email", "message": result.error or auth.GENERIC_FAILURE}]
        status = 429 if result.locked else 401
        return render(
            request,
            "accounts/login.html",
            {"email": email, "errors": errors, "locked": result.locked, "next": back},
            status=status,
        )
    target = "/workspace/login/second-factor" if result.enrolled else "/workspace/enroll"
    suffix = f"?next={quote(back)}" if back != "/workspace" else ""
    response = RedirectResponse(target + suffix, status_code=303)
    set_login_cookie(request, response, result.token)
    return response


@router.get("/workspace/login/second-factor")
def second_factor_page(
    request: Request,
    pending: Login = Depends(pending_login),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Ask for the six-digit code (or a recovery code)."""
    user = auth.login_user(db, pending)
    if user is None or not user.totp_enabled:
        raise redirect_exc("/workspace/enroll")
    back = safe_next(request.query_params.get("next"))
    return render(request, "accounts/second_factor.html", {"next": back})


@router.post("/workspace/login/second-factor")
def second_factor(
    request: Request,
    pending: Login = Depends(pending_login),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Verify the code; the pending login is replaced by a new, full one."""
    code = str(form.get("code") or "")
    settings = runtime(request).settings
    step = credentials.finish_second_factor(
        db, settings, pending, code, client_ip(request), utcnow()
    )
    db.commit()
    if step.token is None:
        errors = [{"field": "code", "message": step.error or "That code is not valid."}]
        context = {"errors": errors, "next": safe_next(form.get("next"))}
        return render(request, "accounts/second_factor.html", context, status=401)
    response = RedirectResponse(safe_next(form.get("next")), status_code=303)
    set_login_cookie(request, response, step.token)
    return response


@router.get("/workspace/enroll")
def enroll_page(
    request: Request,
    pending: Login = Depends(pending_login),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Two-factor enrollment: QR code (inline SVG made here) and the secret as text."""
    return _enroll(request, pending, db)


def _enroll(
    request: Request,
    pending: Login,
    db: Session,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
    back: str | None = None,
) -> Response:
    user = auth.login_user(db, pending)
    assert user is not None
    if user.totp_enabled:
        raise redirect_exc("/workspace/login/second-factor")
    secret = auth.start_enrollment(db, user)
    db.commit()
    uri = auth.provisioning_uri(user)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    context = {
        "qr": auth.qr_svg(uri),
        "secret": grouped,
        "errors": errors or [],
        "next": back or safe_next(request.query_params.get("next")),
    }
    return render(request, "accounts/enroll.html", context, status=status)


@router.post("/workspace/enroll")
def enroll(
    request: Request,
    pending: Login = Depends(pending_login),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Confirm the first code; show the ten recovery codes once."""
    settings = runtime(request).settings
    code = str(form.get("code") or "")
    step = credentials.confirm_enrollment(db, settings, pending, code, client_ip(request), utcnow())
    db.commit()
    if step.token is None:
        errors = [{"field": "code", "message": step.error or "That code is not valid."}]
        return _enroll(request, pending, db, errors, status=401, back=safe_next(form.get("next")))
    context = {"codes": step.recovery_codes, "next": safe_next(form.get("next"))}
    response = render(request, "accounts/recovery_codes.html", context)
    set_login_cookie(request, response, step.token)
    return response


@router.post("/workspace/logout")
def logout(request: Request, db: Session = Depends(unit_of_work)) -> Response:
    """End this login (sign out)."""
    row = live_login(request, db)
    if row is not None:
        auth.sign_out(db, row, client_ip(request), utcnow())
        db.commit()
    response = RedirectResponse(f"{LOGIN}?signed_out=1", status_code=303)
    clear_login_cookie(request, response)
    return response


@router.post("/workspace/clinic")
def switch_clinic(
    request: Request,
    actor: Actor = Depends(Require("workspace.home")),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Act in another clinic the user belongs to (a new login, audited)."""
    slug = str(form.get("clinic") or "")
    token = auth.switch_clinic(db, runtime(request).settings, actor, slug, utcnow())
    if token is None:
        return render(
            request,
            "layout/workspace_error.html",
            {"title": "Choose a clinic", "text": "clinic: you are not a member of that clinic."},
            status=422,
        )
    db.commit()
    response = RedirectResponse("/workspace", status_code=303)
    set_login_cookie(request, response, token)
    return response
