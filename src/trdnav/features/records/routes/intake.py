"""One person, one record: a new record typed in at the front desk (after a duplicate check)
and the merge of a duplicate into the record that stays."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.features.accounts.guard import Require, Scoped, WorkspaceRoute, render, utcnow
from trdnav.features.records import duplicates
from trdnav.features.records.service import RecordError
from trdnav.platform.access import Actor, NotFound, load_for_user
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, unit_of_work
from trdnav.storage.models import Patient

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])
PatientMerge = Scoped(Patient, "patient_id", "patient.merge")


def _values(form: FormData) -> dict[str, Any]:
    return {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


@router.get("/workspace/patients/new")
def new_page(request: Request, actor: Actor = Depends(Require("patient.edit"))) -> Response:
    """The form for a record without a consultation request."""
    return render(request, "records/new.html", {"values": {}, "errors": []})


@router.post("/workspace/patients/new")
def create(
    request: Request,
    actor: Actor = Depends(Require("patient.edit")),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Create the record, unless the person likely has one: then offer to open that one."""
    raw = _values(form)
    try:
        values = duplicates.parse_new(raw, utcnow())
    except RecordError as exc:
        errors = [{"field": exc.field, "message": exc.message}]
        return render(request, "records/new.html", {"values": raw, "errors": errors}, 422)
    choice = raw.get("choice")
    if choice == "attach":
        try:
            found = load_for_user(db, actor, Patient, raw.get("attach_to") or "")
        except NotFound:
            errors = [{"field": "attach_to", "message": "choose a record of this clinic"}]
            return render(request, "records/new.html", {"values": raw, "errors": errors}, 422)
        existing = duplicates.live(db, found)
        return RedirectResponse(f"/workspace/patients/{existing.id}", status_code=303)
    if choice != "new":
        matches = duplicates.likely_duplicates(
            db,
            actor.clinic_id,
            name=str(values["name"]),
            birth_date=values["date_of_birth"],  # type: ignore[arg-type]
            email=values["email"],  # type: ignore[arg-type]
            phone=values["phone"],  # type: ignore[arg-type]
        )
        if matches:
            db.rollback()
            context = {
                "matches": matches,
                "action": "/workspace/patients/new",
                "person": values["name"],
                "back": "/workspace/patients/new",
                "hidden": {k: raw.get(k, "") for k in ("name", "date_of_birth", "email", "phone")},
            }
            return render(request, "records/duplicates.html", context)
    patient = duplicates.create_record(db, actor, values, utcnow())
    db.commit()
    return RedirectResponse(f"/workspace/patients/{patient.id}", status_code=303)


def _merge_page(
    request: Request,
    db: Session,
    patient: Patient,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    matches = duplicates.duplicates_of(db, patient)
    db.rollback()
    context = {"p": patient, "matches": matches, "errors": errors or []}
    return render(request, "records/merge.html", context, status=status)


@router.get("/workspace/patients/{patient_id}/merge")
def merge_page(
    request: Request,
    scoped: tuple[Actor, Patient] = Depends(PatientMerge),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The likely duplicates of this record, to merge into it."""
    return _merge_page(request, db, scoped[1])


@router.post("/workspace/patients/{patient_id}/merge")
def merge(
    request: Request,
    scoped: tuple[Actor, Patient] = Depends(PatientMerge),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Merge the chosen duplicate into this record (audited; both histories kept)."""
    actor, patient = scoped
    raw = _values(form)
    try:
        dup = load_for_user(db, actor, Patient, raw.get("duplicate_id") or "")
        duplicates.merge(db, actor, patient, dup, raw.get("reason"), utcnow())
    except NotFound:
        db.rollback()
        errors = [{"field": "duplicate_id", "message": "choose a record of this clinic"}]
        return _merge_page(request, db, patient, errors, 422)
    except RecordError as exc:
        db.rollback()
        errors = [{"field": exc.field, "message": exc.message}]
        return _merge_page(request, db, patient, errors, 422)
    db.commit()
    return RedirectResponse(f"/workspace/patients/{patient.id}", status_code=303)
