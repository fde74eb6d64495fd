"""Editing without losing work: demographics and chart saved field by field with a version,
trials corrected or removed and confirmed answers cleared, each with a reason."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.domain.record import ADHERENCE, OUTCOMES
from trdnav.domain.text import whole_number
from trdnav.features.accounts.guard import WorkspaceRoute, render, utcnow
from trdnav.features.records import corrections, edits
from trdnav.features.records.routes.record import (
    PatientClinical,
    PatientEdit,
    Scope,
    _act,
    _conflict,
)
from trdnav.features.records.service import RecordError
from trdnav.platform.access import NotFound, load_child
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, form_dict, unit_of_work
from trdnav.storage.models import MedicationTrial

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])


@router.post("/workspace/patients/{patient_id}/demographics")
def demographics(
    request: Request,
    scoped: Scope = Depends(PatientEdit),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Save the demographics and chart fields that changed (409 when someone saved first)."""
    # Empty fields stay in: a field the person emptied is cleared, one not in the form is kept.
    data = {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    return _act(
        request,
        db,
        scoped,
        lambda a, p: edits.update_demographics(db, a, p, data, utcnow()),
        "demographics",
        data,
    )


def _trial(db: Session, scoped: Scope, trial_id: str) -> MedicationTrial:
    actor, patient = scoped
    try:
        return load_child(
            db,
            actor,
            MedicationTrial,
            whole_number(trial_id, -1),
            "patient_id",
            patient.id,
        )
    except NotFound as exc:
        raise HTTPException(status_code=404) from exc


@router.get("/workspace/patients/{patient_id}/trials/{trial_id}")
def trial_page(
    request: Request,
    trial_id: str,
    scoped: Scope = Depends(PatientClinical),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The form to correct or remove one medication trial."""
    trial = _trial(db, scoped, trial_id)
    context = {
        "p": scoped[1],
        "t": trial,
        "errors": [],
        "outcomes": OUTCOMES,
        "adherence": ADHERENCE,
    }
    return render(request, "records/trial.html", context)


def _trial_action(
    request: Request,
    db: Session,
    scoped: Scope,
    trial: MedicationTrial,
    data: dict[str, Any],
    remove: bool,
) -> Response:
    actor, patient = scoped
    try:
        if remove:
            corrections.remove_trial(db, actor, patient, trial, data, utcnow())
        else:
            corrections.correct_trial(db, actor, patient, trial, data, utcnow())
    except edits.Conflict as exc:
        db.rollback()
        return _conflict(request, patient, exc, data, "trials")
    except RecordError as exc:
        db.rollback()
        context = {
            "p": patient,
            "t": trial,
            "errors": [{"field": exc.field, "message": exc.message}],
            "outcomes": OUTCOMES,
            "adherence": ADHERENCE,
            "submitted": data,
        }
        return render(request, "records/trial.html", context, status=422)
    db.commit()
    return RedirectResponse(f"/workspace/patients/{patient.id}#trials", status_code=303)


@router.post("/workspace/patients/{patient_id}/trials/{trial_id}")
def correct_trial(
    request: Request,
    trial_id: str,
    scoped: Scope = Depends(PatientClinical),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Correct a trial (a reason is required; the history keeps the values before)."""
    trial = _trial(db, scoped, trial_id)
    return _trial_action(request, db, scoped, trial, form_dict(form), remove=False)


@router.post("/workspace/patients/{patient_id}/trials/{trial_id}/remove")
def remove_trial(
    request: Request,
    trial_id: str,
    scoped: Scope = Depends(PatientClinical),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Remove a trial entered in error (a reason is required)."""
    trial = _trial(db, scoped, trial_id)
    return _trial_action(request, db, scoped, trial, form_dict(form), remove=True)


@router.post("/workspace/patients/{patient_id}/answers/clear")
def clear_answer(
    request: Request,
    scoped: Scope = Depends(PatientClinical),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Clear a confirmed screening answer back to unknown (a reason is required)."""
    data = form_dict(form)
    return _act(
        request,
        db,
        scoped,
        lambda a, p: corrections.clear_answer(db, a, p, data, utcnow()),
        "history",
    )
