"""Patient record pages: list, record, demographics, diagnoses, trials, answers, PHQ-9,
the assessment re-run and the prescriber's candidacy decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.domain.codes import icd10
from trdnav.domain.measures import instruments
from trdnav.domain.record import ADHERENCE, OUTCOMES
from trdnav.domain.text import whole_number
from trdnav.features.accounts.guard import Require, Scoped, WorkspaceRoute, render, utcnow
from trdnav.features.alerts.service import patient_alerts
from trdnav.features.measurement.chart import record_chart
from trdnav.features.records import (
    answers,
    candidacy,
    corrections,
    duplicates,
    edits,
    plan,
)
from trdnav.features.records import service as patients
from trdnav.platform.access import Actor, NotFound, load_child
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, form_dict, runtime, unit_of_work
from trdnav.storage.models import Diagnosis, Patient

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])
PatientView = Scoped(Patient, "patient_id", "patient.view")
PatientEdit = Scoped(Patient, "patient_id", "patient.edit")
PatientClinical = Scoped(Patient, "patient_id", "patient.clinical")
PatientDecide = Scoped(Patient, "patient_id", "candidacy.decide")
Scope = tuple[Actor, Patient]


@router.get("/workspace/patients")
def patients_page(
    request: Request,
    actor: Actor = Depends(Require("patient.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The clinic's patient records."""
    rows = patients.list_patients(db, actor, utcnow())
    latest = patients.latest_phq9(db, rows)
    db.commit()
    return render(request, "records/patients.html", {"rows": rows, "query": "", "latest": latest})


@router.post("/workspace/patients")
def patients_search(
    request: Request,
    actor: Actor = Depends(Require("patient.view")),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Search records by name, email or phone (POST: terms stay out of URLs and logs)."""
    query = str(form.get("q") or "").strip()
    rows = patients.list_patients(db, actor, utcnow(), query or None)
    latest = patients.latest_phq9(db, rows)
    db.commit()
    context = {"rows": rows, "query": query, "latest": latest}
    return render(request, "records/patients.html", context)


def _record(
    request: Request,
    actor: Actor,
    db: Session,
    patient: Patient,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    now = utcnow()
    record = patients.read_record(db, actor, patient, now)
    rerun = candidacy.rerun(db, actor, runtime(request).engine, patient, now)
    decisions = candidacy.current_decisions(db, patient)
    safety = patient_alerts(db, patient.id)
    changes = corrections.history(db, patient)
    chosen = plan.current_plan(db, runtime(request).engine, patient)
    dupes = duplicates.duplicates_of(db, patient) if actor.can("patient.merge") else []
    tz = getattr(request.state, "clinic_tz", None) or runtime(request).clinic.time_zone
    phq9_chart = record_chart(db, patient, tz)
    db.commit()
    context: dict[str, Any] = {
        "r": record,
        "safety_alerts": safety,
        "changes": changes,
        "plan": chosen,
        "duplicates": dupes,
        "choosable": plan.CHOOSABLE,
        "chart_fields": edits.FIELDS,
        "rerun": rerun,
        "decisions": decisions,
        "errors": errors or [],
        "answers": answers,
        "adequate": patients.trial_adequate,
        "icd_codes": icd10.codes(),
        "candidacies": candidacy.CANDIDACIES,
        "outcomes": OUTCOMES,
        "adherence": ADHERENCE,
        "phq9": instruments.get("phq9"),
        "phq9_chart": phq9_chart,
    }
    return render(request, "records/patient.html", context, status=status)


@router.get("/workspace/patients/{patient_id}")
def patient_page(
    request: Request, scoped: Scope = Depends(PatientView), db: Session = Depends(unit_of_work)
) -> Response:
    """The patient record, with the assessment re-run on confirmed data."""
    actor, patient = scoped
    if patient.merged_into_id:  # a merged duplicate: its old links lead to the kept record
        kept = duplicates.live(db, patient)
        return RedirectResponse(f"/workspace/patients/{kept.id}", status_code=303)
    return _record(request, actor, db, patient)


def _act(
    request: Request,
    db: Session,
    scoped: Scope,
    action: Callable[[Actor, Patient], Any],
    anchor: str,
    data: dict[str, Any] | None = None,
) -> Response:
    actor, patient = scoped
    if patient.merged_into_id:  # nothing is written to a merged duplicate
        kept = duplicates.live(db, patient)
        return RedirectResponse(f"/workspace/patients/{kept.id}#{anchor}", status_code=303)
    try:
        action(actor, patient)
    except edits.Conflict as exc:
        db.rollback()
        return _conflict(request, patient, exc, data or {}, anchor)
    except (patients.RecordError, answers.AnswerError) as exc:
        db.rollback()
        return _record(
            request, actor, db, patient, [{"field": exc.field, "message": exc.message}], status=422
        )
    db.commit()
    return RedirectResponse(f"/workspace/patients/{patient.id}#{anchor}", status_code=303)


def _conflict(
    request: Request, patient: Patient, exc: edits.Conflict, data: dict[str, Any], anchor: str
) -> Response:
    """409: someone saved first; show both values and let the person choose."""
    context = {
        "p": patient,
        "conflict": exc,
        "action": request.url.path,
        "mine": {k: v for k, v in data.items() if k != "version"},
        "back": f"/workspace/patients/{patient.id}#{anchor}",
    }
    return render(request, "records/conflict.html", context, status=409)


@router.post("/workspace/patients/{patient_id}/diagnoses")
def add_diagnosis(
    request: Request,
    scoped: Scope = Depends(PatientClinical),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Add an ICD-10-CM diagnosis."""
    code = str(form.get("code") or "")
    return _act(
        request,
        db,
        scoped,
        lambda a, p: patients.add_diagnosis(db, a, p, code, utcnow()),
        "diagnoses",
    )


@router.post("/workspace/patients/{patient_id}/diagnoses/{diagnosis_id}/remove")
def remove_diagnosis(
    request: Request,
    diagnosis_id: str,
    scoped: Scope = Depends(PatientClinical),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Remove a diagnosis entered in error."""
    actor, patient = scoped
    try:
        dx = load_child(
            db,
            actor,
            Diagnosis,
            whole_number(diagnosis_id, -1),
            "patient_id",
            patient.id,
        )
    except NotFound as exc:
        raise HTTPException(status_code=404) from exc
    return _act(
        request,
        db,
        scoped,
        lambda a, p: patients.remove_diagnosis(db, a, p, dx, utcnow()),
        "diagnoses",
    )


@router.post("/workspace/patients/{patient_id}/trials")
def add_trial(
    request: Request,
    scoped: Scope = Depends(PatientClinical),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Add a medication trial (drug, dose, weeks, adherence, outcome)."""
    data = form_dict(form)
    return _act(
        request, db, scoped, lambda a, p: patients.add_trial(db, a, p, data, utcnow()), "trials"
    )


@router.post("/workspace/patients/{patient_id}/answers")
def confirm_answers(
    request: Request,
    scoped: Scope = Depends(PatientClinical),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Confirm screening answers beside what the patient reported."""
    data = form_dict(form)
    return _act(
        request,
        db,
        scoped,
        lambda a, p: patients.confirm_answers(db, a, p, data, utcnow()),
        "history",
    )


@router.post("/workspace/patients/{patient_id}/phq9")
def baseline_phq9(
    request: Request,
    scoped: Scope = Depends(PatientClinical),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Record the baseline PHQ-9 administered by the clinic."""
    items: list[int] = []
    for i in range(1, 10):
        raw = str(form.get(f"item{i}") or "")
        items.append(whole_number(raw, -1))
    return _act(
        request,
        db,
        scoped,
        lambda a, p: patients.record_phq9(db, a, p, items, utcnow()),
        "phq9",
    )


@router.post("/workspace/patients/{patient_id}/candidacy")
def decide(
    request: Request,
    scoped: Scope = Depends(PatientDecide),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Record the prescriber's candidacy for one option (a reason when overriding)."""
    option_id = str(form.get("option_id") or "")
    decision = str(form.get("decision") or "")
    reason = str(form.get("reason") or "")
    engine = runtime(request).engine
    return _act(
        request,
        db,
        scoped,
        lambda a, p: candidacy.decide(db, a, engine, p, option_id, decision, reason, utcnow()),
        "candidacy",
    )


@router.post("/workspace/patients/{patient_id}/plan")
def choose_plan(
    request: Request,
    scoped: Scope = Depends(PatientDecide),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Record the chosen plan (an option decided eligible or caution), who and when."""
    option_id = str(form.get("plan_option") or "")
    note = str(form.get("plan_note") or "")
    engine = runtime(request).engine
    return _act(
        request,
        db,
        scoped,
        lambda a, p: plan.choose_plan(db, a, engine, p, option_id, note, utcnow()),
        "plan",
    )
