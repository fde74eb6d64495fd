"""The patient's take-away PDF of their scores: the PHQ-9 trajectory chart with its response and
remission lines and session markers, the scores in a table, and crisis resources (tagged PDF)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from trdnav.domain.alerts import CRISIS_RESOURCES
from trdnav.domain.measures import instruments, progress
from trdnav.features.measurement import chart, service
from trdnav.platform import audit
from trdnav.platform.pdf import render_pdf
from trdnav.platform.web.templating import templates
from trdnav.storage.models import Patient


def takeaway_html(db: Session, patient: Patient, clinic_name: str, now: datetime, tz: str) -> str:
    """The HTML the PDF prints."""
    phq9 = instruments.get("phq9")
    points = service.history(db, patient, "phq9")
    marks = chart.session_marks(db, patient)
    template = templates.env.get_template("measurement/takeaway_pdf.html")
    return template.render(
        patient=patient,
        clinic_name=clinic_name,
        i=phq9,
        points=points,
        svg=chart.trajectory_svg(phq9, points, marks, tz, "pdf-phq9"),
        description=chart.describe(phq9, points, marks, tz),
        today=now.astimezone(ZoneInfo(tz)).date().isoformat(),
        tz_info=ZoneInfo(tz),
        labels=progress.STATUS_LABELS,
        crisis=CRISIS_RESOURCES,
        sources=progress.SOURCE_IDS,
    )


def takeaway_pdf(
    db: Session, who: audit.Who, patient: Patient, clinic_name: str, now: datetime, tz: str
) -> bytes:
    """The take-away as a tagged PDF (PDF/UA-1); the read is audited."""
    html = takeaway_html(db, patient, clinic_name, now, tz)
    audit.record(db, now, "administration.takeaway", who, patient_id=patient.id)
    return render_pdf(html, variant="pdf/ua-1")
