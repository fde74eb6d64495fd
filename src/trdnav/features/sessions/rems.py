"""The Spravato REMS duties: the patient's enrolment before the first dose, and the queue of
Patient Monitoring Forms (one per delivered esketamine session, due 7 days after), assembled
from the current record, printable and as CSV, marked submitted. Every read is audited."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.sessions.forms import EsketamineRecord, parse_record
from trdnav.domain.sessions.rems import Person, assemble, overdue
from trdnav.domain.text import whole_number
from trdnav.features.sessions.service import clinic_rules, history, local_day
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.errors import InvalidRequest
from trdnav.storage.models import CourseSession, Patient, RemsEnrolment, RemsForm, User


def enrol(
    db: Session,
    actor: Actor,
    patient: Patient,
    enrolled_on: date,
    rems_patient_id: str | None,
    now: datetime,
) -> RemsEnrolment:
    """Record (or correct) the patient's REMS enrolment."""
    tz = clinic_rules(db, actor.clinic_id).tz
    if enrolled_on > local_day(now, tz):
        raise InvalidRequest([{"field": "enrolled_on", "message": "cannot be in the future"}])
    row = db.get(RemsEnrolment, patient.id)
    if row is None:
        row = RemsEnrolment(patient_id=patient.id, clinic_id=patient.clinic_id)
        db.add(row)
    row.enrolled_on, row.rems_patient_id = enrolled_on, rems_patient_id
    row.recorded_by, row.recorded_at = actor.user_id, now
    audit.record(db, now, "rems.enrol", actor.who, patient_id=patient.id, target="rems")
    return row


def enrolment(db: Session, patient_id: str) -> RemsEnrolment | None:
    """The patient's REMS enrolment, if recorded."""
    return db.get(RemsEnrolment, patient_id)


def form_item(db: Session, form: RemsForm, site: str, today: date) -> dict[str, Any]:
    """One form of the queue: its state and the fields assembled from the current record."""
    session = db.get(CourseSession, form.session_id)
    assert session is not None
    current = history(db, session)[-1]
    record, _ = parse_record(current.detail)
    assert isinstance(record, EsketamineRecord)
    patient = db.get(Patient, form.patient_id)
    assert patient is not None
    recorder = db.get(User, current.recorded_by)
    person = Person(patient.name, patient.date_of_birth, patient.sex_at_birth)
    hcp = (recorder.display_name or recorder.email) if recorder else ""
    submitted = form.submitted_at is not None
    return {
        "session_id": form.session_id,
        "patient_id": form.patient_id,
        "session_on": form.session_on.isoformat(),
        "due_on": form.due_on.isoformat(),
        "overdue": overdue(form.due_on, today, submitted),
        "status": "submitted" if submitted else "due",
        "submitted_at": form.submitted_at.isoformat() if form.submitted_at else None,
        "reference": form.reference,
        "record_version": current.version,
        "form": assemble(record, person, hcp, site, form.session_on),
    }


def queue(
    db: Session,
    actor: Actor,
    status: str,
    now: datetime,
    limit: int = 200,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Forms due (oldest due first) or submitted, a page at a time (audited)."""
    rules = clinic_rules(db, actor.clinic_id)
    today = local_day(now, rules.tz)
    done = RemsForm.submitted_at.is_not(None)
    stmt = select(RemsForm).where(
        RemsForm.clinic_id == actor.clinic_id, done if status == "submitted" else ~done
    )
    rows = list(db.scalars(stmt.order_by(RemsForm.due_on, RemsForm.session_id)))
    start = whole_number(cursor, 0)
    page = rows[start : start + limit]
    items = [form_item(db, f, rules.name, today) for f in page]
    audit.record(
        db, now, "rems.forms.view", actor.who, detail={"status": status, "count": len(items)}
    )
    more = start + limit < len(rows)
    return items, str(start + limit) if more else None


def form_of(db: Session, session: CourseSession) -> RemsForm:
    """The REMS form of a session; 422 naming `session_id` when it has none."""
    form = db.get(RemsForm, session.id)
    if form is None:
        message = "this session has no REMS form (no esketamine dose recorded)"
        raise InvalidRequest([{"field": "session_id", "message": message}])
    return form


def submit(
    db: Session, actor: Actor, form: RemsForm, reference: str | None, now: datetime
) -> RemsForm:
    """Mark a form submitted to the REMS (once)."""
    if form.submitted_at is not None:
        raise InvalidRequest(
            [{"field": "session_id", "message": "this form was already submitted"}]
        )
    form.submitted_at, form.submitted_by, form.reference = now, actor.user_id, reference
    audit.record(
        db,
        now,
        "rems.form.submit",
        actor.who,
        patient_id=form.patient_id,
        target=f"session:{form.session_id}",
    )
    return form


def csv_text(items: list[dict[str, Any]]) -> str:
    """The queue as CSV: one row per form, the form's fields as columns."""
    out = io.StringIO()
    head = ["session_id", "due_on", "overdue", "status"]
    fields = list(items[0]["form"]) if items else []
    writer = csv.writer(out)
    writer.writerow(head + fields)
    for item in items:
        writer.writerow([item[h] for h in head] + [_cell(item["form"][f]) for f in fields])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "yes" if value else "no"
    text = str(value)
    # A spreadsheet must not run a cell as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def pdf(items: list[dict[str, Any]]) -> bytes:
    """The forms as a tagged PDF, one per page, to print or fax."""
    from trdnav.platform.pdf import render_pdf
    from trdnav.platform.web.templating import templates

    html = templates.env.get_template("sessions/rems_print.html").render(items=items)
    return render_pdf(html, variant="pdf/ua-1")
