"""Workspace pages: a patient's measurements (scores over time with change from baseline, the
trajectory chart), recording an administration, and self-report links (shown with a QR code, or
emailed)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.domain.measures import instruments
from trdnav.domain.scheduling.calendar import to_utc
from trdnav.domain.text import whole_number
from trdnav.features.accounts.guard import Scoped, WorkspaceRoute, render, utcnow
from trdnav.features.measurement import chart, links, service, takeaway
from trdnav.platform.access import Actor
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, runtime, unit_of_work
from trdnav.storage.models import Patient

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])
Viewer = Scoped(Patient, "patient_id", "measurement.view")
Recorder = Scoped(Patient, "patient_id", "measurement.record")
Scope = tuple[Actor, Patient]
NOON = 12 * 60


def _tz(request: Request) -> str:
    tz: str | None = getattr(request.state, "clinic_tz", None)
    return tz or runtime(request).clinic.time_zone


def _page(
    request: Request,
    db: Session,
    actor: Actor,
    patient: Patient,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    now = utcnow()
    codes = sorted(instruments.registry().codes(), key=lambda c: c != "phq9")  # PHQ-9 first
    series = {code: service.read_history(db, actor.who, patient, code, now) for code in codes}
    courses = service.patient_courses(db, patient)
    tz = _tz(request)
    marks = chart.session_marks(db, patient)
    charts = {
        code: chart.trajectory_svg(instruments.get(code), points, marks, tz, f"chart-{code}")
        for code, points in series.items()
    }
    descriptions = {
        code: chart.describe(instruments.get(code), points, marks, tz)
        for code, points in series.items()
    }
    db.commit()
    context: dict[str, Any] = {
        "p": patient,
        "series": series,
        "charts": charts,
        "descriptions": descriptions,
        "instruments": [instruments.get(c) for c in codes],
        "courses": courses,
        "today": now.astimezone(ZoneInfo(_tz(request))).date().isoformat(),
        "errors": [],
        "given": {},
        "shown": None,
        "form_instrument": None,
        **(extra or {}),
    }
    return render(request, "measurement/patient.html", context, status=status)


@router.get("/workspace/patients/{patient_id}/measurements")
def measurements_page(
    request: Request, scoped: Scope = Depends(Viewer), db: Session = Depends(unit_of_work)
) -> Response:
    """Scores over time: totals, bands, change from baseline, response and remission."""
    actor, patient = scoped
    return _page(request, db, actor, patient)


def _administered_at(raw: str, tz: str, now: datetime) -> datetime:
    """The clinic's local day as a moment: now for today, local noon for an earlier day."""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        error = {"field": "administered_on", "message": "Enter the date as YYYY-MM-DD."}
        raise InvalidRequest([error]) from None
    if day == now.astimezone(ZoneInfo(tz)).date():
        return now
    return to_utc(day, NOON, tz)


@router.post("/workspace/patients/{patient_id}/measurements")
def record(
    request: Request,
    scoped: Scope = Depends(Recorder),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Record a clinician-administered instrument; 422 names each field and keeps the answers."""
    actor, patient = scoped
    now = utcnow()
    code = str(form.get("instrument") or "")
    given: dict[int, int] = {}
    for key in form:
        item = whole_number(key[4:], None) if key.startswith("item") else None
        answer = whole_number(str(form.get(key)), None, digits=2)
        if item is not None and answer is not None:
            given[item] = answer
    try:
        instrument = service.instrument_or_error(code)
        missing = [n for n in range(1, len(instrument.items) + 1) if n not in given]
        if missing:
            raise InvalidRequest(
                [{"field": f"item{n}", "message": f"Answer item {n}."} for n in missing]
            )
        data = service.AdministrationCreate(
            instrument=code,
            answers=[given[n] for n in range(1, len(instrument.items) + 1)],
            administered_at=_administered_at(
                str(form.get("administered_on") or ""), _tz(request), now
            ),
            course_id=str(form.get("course_id") or "") or None,
            source="clinician",
        )
        done = service.record_administration(db, patient, data, now, actor.who, actor.user_id)
    except InvalidRequest as exc:
        db.rollback()
        extra = {"errors": exc.errors, "given": given, "form_instrument": code}
        return _page(request, db, actor, patient, extra, status=422)
    db.commit()
    alerted = f"?alerted={done.alert.id}" if done.alert else ""
    return RedirectResponse(
        f"/workspace/patients/{patient.id}/measurements{alerted}#{code}", status_code=303
    )


@router.post("/workspace/patients/{patient_id}/measure-links")
def make_link(
    request: Request,
    scoped: Scope = Depends(Recorder),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """A single-use link shown once, with its QR code, to hand over in the clinic."""
    actor, patient = scoped
    now = utcnow()
    try:
        row, token = links.create_link(
            db,
            patient,
            str(form.get("instrument") or ""),
            str(form.get("course_id") or "") or None,
            "staff",
            now,
            actor.who,
        )
    except InvalidRequest as exc:
        db.rollback()
        return _page(request, db, actor, patient, {"errors": exc.errors}, status=422)
    url = links.link_url(runtime(request).settings.base_url, token)
    shown = links.Shown(url=url, qr=links.qr_svg(url), expires_at=row.expires_at)
    return _page(request, db, actor, patient, {"shown": shown})


@router.post("/workspace/patients/{patient_id}/measure-links/email")
def email_link(
    request: Request,
    scoped: Scope = Depends(Recorder),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Email a link to the patient (a job: sent even if the mail server is down right now)."""
    actor, patient = scoped
    now = utcnow()
    code = str(form.get("instrument") or "")
    errors: list[dict[str, str]] = []
    try:
        service.instrument_or_error(code)
    except InvalidRequest as exc:
        errors = exc.errors
    if not patient.email:
        errors.append({"field": "email", "message": "The record has no email address."})
    if errors:
        return _page(request, db, actor, patient, {"errors": errors}, status=422)
    key = f"measure:staff:{patient.id}:{now.isoformat()}"
    links.enqueue_invite(db, patient, code, None, "staff", now, now, key)
    db.commit()
    return RedirectResponse(
        f"/workspace/patients/{patient.id}/measurements?emailed=1#links", status_code=303
    )


@router.get("/workspace/patients/{patient_id}/measurements.pdf")
def measurements_pdf(
    request: Request, scoped: Scope = Depends(Viewer), db: Session = Depends(unit_of_work)
) -> Response:
    """A take-away PDF for the patient: the PHQ-9 trajectory, the scores and what they mean."""
    actor, patient = scoped
    clinic = runtime(request).clinic
    pdf = takeaway.takeaway_pdf(db, actor.who, patient, clinic.name, utcnow(), _tz(request))
    db.commit()
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="my-scores.pdf"'},
    )
