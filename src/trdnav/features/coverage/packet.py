"""The prior-authorization packet: one PDF to fax or upload, rendered by WeasyPrint from our
own template (tagged PDF/UA): cover sheet, letter of medical necessity for the clinician to
sign, criteria with evidence, trials, scores with dates, diagnosis and planned codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.codes import icd10
from trdnav.domain.coverage import letter
from trdnav.domain.coverage.drugs import Drugs
from trdnav.domain.coverage.loader import default_coverage
from trdnav.domain.evidence.loader import default_evidence
from trdnav.domain.measures import instruments
from trdnav.domain.record import Trial
from trdnav.features.coverage.detail import load
from trdnav.features.coverage.service import local_today
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.pdf import render_pdf
from trdnav.platform.web.templating import templates
from trdnav.storage import records
from trdnav.storage.models import Clinic, PriorAuthorization

SOURCE_WORDS = {
    "reported": "patient-reported",
    "patient": "self-report link",
    "clinician": "clinic",
}


@dataclass(frozen=True)
class ClinicHeader:
    """Who sends the packet: the clinic's name and, when configured here, its contact."""

    name: str
    phone: str = ""
    email: str = ""
    address: str = ""


def clinic_header(
    db: Session, clinic_id: int, config: ClinicConfig, config_id: int
) -> ClinicHeader:
    """The sending clinic's header (another tenant's contact is not configured in this process)."""
    if clinic_id == config_id:
        c = config.contact
        return ClinicHeader(config.name, c.phone, c.email, c.address)
    row = db.get(Clinic, clinic_id)
    return ClinicHeader(row.name if row else "")


@dataclass(frozen=True)
class TrialRow:
    drug: str
    drug_class: str
    dose: str
    weeks: int | None
    adherence: str | None
    outcome: str | None
    adequate: bool | None
    source: str


def _context(
    db: Session, pa: PriorAuthorization, clinic: ClinicHeader, now: datetime, tz: str
) -> dict[str, Any]:
    detail = load(db, pa, now, tz)
    zone = ZoneInfo(tz)
    drugs = Drugs(default_coverage().drugs)
    option = default_evidence().options[pa.option_id]
    trials = []
    for row in records.trial_rows(db, detail.patient):
        found = drugs.lookup(row.drug)
        adequate = Trial(
            name=row.drug,
            reported_adequate=row.reported_adequate,
            therapeutic_dose=row.therapeutic_dose,
            weeks=row.weeks,
            adherence=row.adherence,
            outcome=row.outcome,
        ).adequate
        trials.append(
            TrialRow(
                drug=row.drug,
                drug_class=found.class_short if found else "not in our drug list",
                dose=row.dose or "",
                weeks=row.weeks,
                adherence=row.adherence,
                outcome=row.outcome,
                adequate=adequate,
                source=SOURCE_WORDS.get(row.source, row.source),
            )
        )
    scores = []
    for a in records.administration_rows(db, detail.patient):
        instrument = instruments.get(a.instrument)
        on = (
            a.administered_at.astimezone(zone).date().isoformat()
            if a.administered_at
            else "undated"
        )
        scores.append(
            (
                instrument.name,
                on,
                a.total,
                instrument.band(a.total).replace("_", " "),
                SOURCE_WORDS.get(a.source, a.source),
            )
        )
    codes = default_coverage().codes
    written = letter.write(
        detail.check,
        detail.record,
        option_name=option.name,
        patient_name=detail.patient.name,
        requested_units=pa.requested_units,
        tz=zone,
    )
    return {
        "d": detail,
        "pa": pa,
        "clinic": clinic,
        "option": option,
        "letter": written,
        "trials": trials,
        "scores": scores,
        "procedures": codes.procedures,
        "diagnoses": [(c, icd10.lookup(c)) for c in pa.diagnosis_codes],
        "trd_codes": codes.trd_diagnoses,
        "today": local_today(now, tz),
    }


def packet_html(
    db: Session,
    pa: PriorAuthorization,
    config: ClinicConfig,
    config_id: int,
    now: datetime,
    tz: str,
) -> str:
    """The packet's HTML (what the PDF prints)."""
    header = clinic_header(db, pa.clinic_id, config, config_id)
    template = templates.env.get_template("coverage/packet.html")
    return template.render(_context(db, pa, header, now, tz))


def packet_pdf(
    db: Session,
    actor: Actor,
    pa: PriorAuthorization,
    config: ClinicConfig,
    config_id: int,
    now: datetime,
    tz: str,
) -> bytes:
    """The packet as a tagged PDF; the read is audited."""
    html = packet_html(db, pa, config, config_id, now, tz)
    audit.record(
        db,
        now,
        "authorization.packet",
        actor.who,
        patient_id=pa.patient_id,
        target=f"authorization:{pa.id}",
    )
    return render_pdf(html, variant="pdf/ua-1")
