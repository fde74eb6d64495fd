"""Workspace pages: the coverage tab of a patient record, a prior-authorization request, its
packet, and the coordinator's list of expiring and exhausted authorizations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.domain.coverage.authorization import LABELS, TRANSITIONS
from trdnav.features.accounts.guard import Require, Scoped, WorkspaceRoute, render, utcnow
from trdnav.features.coverage import authorizations, detail, packet, service, tab, tracking
from trdnav.features.coverage.forms import CODE_LINES
from trdnav.features.coverage.policies import CoverageInputError, option_names
from trdnav.platform.access import Actor
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, form_dict, runtime, unit_of_work
from trdnav.storage.models import Patient, PriorAuthorization

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])
PatientCoverage = Scoped(Patient, "patient_id", "coverage.view")
PatientCoverageWork = Scoped(Patient, "patient_id", "coverage.work")
AuthorizationView = Scoped(PriorAuthorization, "authorization_id", "coverage.view")
AuthorizationWork = Scoped(PriorAuthorization, "authorization_id", "coverage.work")


def _tz(request: Request) -> str:
    return service.tz_of(getattr(request.state, "clinic_tz", None), runtime(request).clinic)


def _clinic(request: Request, actor: Actor) -> Any:
    rt = runtime(request)
    return service.clinic_config(actor, rt.clinic, rt.clinic_id)


def _tab(
    request: Request,
    db: Session,
    actor: Actor,
    patient: Patient,
    option: str | None,
    policy: str | None,
    errors: list[dict[str, str]] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    found = tab.coverage_tab(
        db, actor, patient, option, policy, _clinic(request, actor), utcnow(), _tz(request)
    )
    db.commit()
    all_errors = found.errors + (errors or [])
    context = {
        "t": found,
        "errors": all_errors,
        "form": form or {},
        "labels": LABELS,
        "options": option_names(),
    }
    return render(request, "coverage/coverage.html", context, status=422 if all_errors else 200)


@router.get("/workspace/patients/{patient_id}/coverage")
def coverage_page(
    request: Request,
    check: str | None = None,
    option: str | None = None,
    policy: str | None = None,
    scoped: tuple[Actor, Patient] = Depends(PatientCoverage),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The coverage tab: a policy's criteria against the record, and the patient's requests."""
    actor, patient = scoped
    if check:  # the form's one select carries "POLICY:option" (neither is health data)
        policy, _, option = check.partition(":")
    return _tab(request, db, actor, patient, option, policy)


@router.post("/workspace/patients/{patient_id}/authorizations")
def start_authorization(
    request: Request,
    scoped: tuple[Actor, Patient] = Depends(PatientCoverageWork),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Start a prior-authorization request (a draft) from the check on screen."""
    actor, patient = scoped
    data = form_dict(form)
    fields = {k: data.get(k) for k in ("option", "policy", "payer", "continuation_of")}
    if data.get("requested_units"):
        fields["requested_units"] = data["requested_units"]
    body = {k: v for k, v in fields.items() if v is not None}
    try:
        pa = authorizations.create(db, actor, patient, body, utcnow(), _tz(request))
    except CoverageInputError as exc:
        db.rollback()
        errors = [{"field": exc.field, "message": exc.message}]
        return _tab(
            request, db, actor, patient, body.get("option"), body.get("policy"), errors, data
        )
    except InvalidRequest as exc:
        db.rollback()
        return _tab(
            request, db, actor, patient, body.get("option"), body.get("policy"), exc.errors, data
        )
    db.commit()
    return RedirectResponse(f"/workspace/authorizations/{pa.id}", status_code=303)


@router.get("/workspace/authorizations")
def authorizations_page(
    request: Request,
    actor: Actor = Depends(Require("coverage.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The coordinator's list: requests pending with payers and approvals running out."""
    rows = tracking.coordinator_list(db, actor, utcnow(), _tz(request))
    db.commit()
    context = {"rows": rows, "labels": LABELS, "options": option_names()}
    return render(request, "coverage/authorizations.html", context)


def _detail(
    request: Request,
    db: Session,
    actor: Actor,
    pa: PriorAuthorization,
    errors: list[dict[str, str]] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    found = detail.read(db, actor, pa, utcnow(), _tz(request))
    db.commit()
    context = {
        "d": found,
        "errors": errors or [],
        "form": form or {},
        "labels": LABELS,
        "next_statuses": TRANSITIONS.get(pa.status, ()),
        "today": service.local_today(utcnow(), _tz(request)),
        "code_lines": CODE_LINES,
        "procedures": authorizations.procedures_for(pa.option_id),
    }
    return render(request, "coverage/authorization.html", context, status=422 if errors else 200)


@router.get("/workspace/authorizations/{authorization_id}")
def authorization_page(
    request: Request,
    scoped: tuple[Actor, PriorAuthorization] = Depends(AuthorizationView),
    db: Session = Depends(unit_of_work),
) -> Response:
    """One request: the check with the request's facts, details, status history, tracking."""
    actor, pa = scoped
    return _detail(request, db, actor, pa)


@router.post("/workspace/authorizations/{authorization_id}")
def update_authorization(
    request: Request,
    scoped: tuple[Actor, PriorAuthorization] = Depends(AuthorizationWork),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Save a draft's details."""
    actor, pa = scoped
    data = form_dict(form)
    today = service.local_today(utcnow(), _tz(request))
    try:
        authorizations.update_draft(db, actor, pa, data, utcnow(), today)
    except CoverageInputError as exc:
        db.rollback()
        return _detail(request, db, actor, pa, [{"field": exc.field, "message": exc.message}], data)
    except InvalidRequest as exc:
        db.rollback()
        return _detail(request, db, actor, pa, exc.errors, data)
    db.commit()
    return RedirectResponse(f"/workspace/authorizations/{pa.id}#details", status_code=303)


@router.post("/workspace/authorizations/{authorization_id}/status")
def change_status(
    request: Request,
    scoped: tuple[Actor, PriorAuthorization] = Depends(AuthorizationWork),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Record the request's next status (with the payer's answer when approved)."""
    actor, pa = scoped
    data = form_dict(form)
    today = service.local_today(utcnow(), _tz(request))
    try:
        authorizations.change_status(db, actor, pa, data, utcnow(), today)
    except InvalidRequest as exc:
        db.rollback()
        return _detail(request, db, actor, pa, exc.errors, data)
    db.commit()
    return RedirectResponse(f"/workspace/authorizations/{pa.id}#status", status_code=303)


@router.get("/workspace/authorizations/{authorization_id}/packet.pdf")
def packet_pdf(
    request: Request,
    scoped: tuple[Actor, PriorAuthorization] = Depends(AuthorizationView),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The packet to fax or upload (PDF); the clinician signs the letter."""
    actor, pa = scoped
    rt = runtime(request)
    pdf = packet.packet_pdf(db, actor, pa, rt.clinic, rt.clinic_id, utcnow(), _tz(request))
    db.commit()
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="prior-authorization.pdf"'},
    )
