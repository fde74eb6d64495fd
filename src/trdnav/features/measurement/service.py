"""Administrations of instruments (PHQ-9, GAD-7) from any door: the workspace, the clinic API, a
patient's self-report link. One function stores them, so validation, audit and the suicide-risk
alert are the same whoever enters the answers. The caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain import alerts as risk
from trdnav.domain.measures import instruments, progress
from trdnav.domain.measures.instruments import Instrument
from trdnav.domain.results import Alert
from trdnav.features.alerts.service import raise_alert
from trdnav.features.measurement import outcomes
from trdnav.platform import audit
from trdnav.platform.errors import InvalidRequest
from trdnav.storage.models import Administration, Course, Patient, SafetyAlert

# What the contract calls `source`: staff entered it, or the patient answered it themselves.
Source = Literal["clinician", "patient"]


class AdministrationCreate(BaseModel):
    """One completed instrument as a client sends it (contract clinic-api-v1, Measurements)."""

    model_config = ConfigDict(extra="forbid")
    instrument: str = Field(max_length=16, examples=["phq9"])
    answers: list[int] = Field(max_length=40, examples=[[2, 2, 1, 2, 1, 1, 1, 0, 0]])
    administered_at: AwareDatetime
    course_id: str | None = Field(default=None, max_length=36)
    source: Source = "clinician"


class AdministrationView(BaseModel):
    """An administration as the API returns it."""

    id: int
    instrument: str
    total: int
    band: str
    administered_at: datetime | None
    course_id: str | None
    source: str
    alert_id: int | None = None


@dataclass(frozen=True)
class Recorded:
    """What storing an administration did: the row, its band, and the crisis alert if any."""

    row: Administration
    band: str
    crisis: Alert | None
    alert: SafetyAlert | None

    def view(self) -> AdministrationView:
        return AdministrationView(
            id=self.row.id,
            instrument=self.row.instrument,
            total=self.row.total,
            band=self.band,
            administered_at=self.row.administered_at,
            course_id=self.row.course_id,
            source=self.row.source,
            alert_id=None if self.alert is None else self.alert.id,
        )


def instrument_or_error(code: str) -> Instrument:
    """The registered instrument; 422 naming `instrument` otherwise."""
    try:
        return instruments.get(code)
    except KeyError:
        known = ", ".join(instruments.registry().codes())
        raise InvalidRequest(
            [{"field": "instrument", "message": f"must be one of {known}"}]
        ) from None


def validate(db: Session, patient: Patient, data: AdministrationCreate, now: datetime) -> int:
    """Check every field; returns the total. InvalidRequest names each bad field."""
    errors: list[dict[str, str]] = []
    instrument = instrument_or_error(data.instrument)
    total = 0
    try:
        total = instrument.total(data.answers)
    except ValueError:
        top = len(instrument.answers) - 1
        errors.append(
            {
                "field": "answers",
                "message": f"needs all {len(instrument.items)} answers of the {instrument.name}, "
                f"each 0 to {top}",
            }
        )
    if data.administered_at > now:
        errors.append({"field": "administered_at", "message": "cannot be in the future"})
    if data.course_id is not None:
        course = db.get(Course, data.course_id)
        if course is None or course.patient_id != patient.id:
            errors.append({"field": "course_id", "message": "is not a course of this patient"})
    if errors:
        raise InvalidRequest(errors)
    return total


def record_administration(
    db: Session,
    patient: Patient,
    data: AdministrationCreate,
    now: datetime,
    who: audit.Who,
    entered_by: int | None = None,
) -> Recorded:
    """Validate and store one administration, audit it, and raise the suicide-risk alert."""
    total = validate(db, patient, data, now)
    instrument = instruments.get(data.instrument)
    row = Administration(
        patient_id=patient.id,
        clinic_id=patient.clinic_id,
        instrument=instrument.code,
        items=list(data.answers),
        total=total,
        administered_at=data.administered_at,
        source=data.source,
        entered_by=entered_by,
        course_id=data.course_id,
        created_at=now,
    )
    db.add(row)
    db.flush()
    patient.updated_at = now
    audit.record(
        db,
        now,
        "administration.record",
        who,
        patient_id=patient.id,
        target=f"administration:{row.id}",
        detail={"instrument": instrument.code, "source": data.source},
    )
    if row.course_id is not None:
        outcomes.refresh(db, row.clinic_id, now, [row.course_id])
    crisis, alert = check_risk(db, row, now, who)
    return Recorded(row, instrument.band(total), crisis, alert)


def check_risk(
    db: Session, row: Administration, now: datetime, who: audit.Who
) -> tuple[Alert | None, SafetyAlert | None]:
    """THE suicide-risk rule (domain.alerts) on a stored administration: the crisis message for
    the person, and for the clinic an urgent alert (the contract: any PHQ-9 item 9 above 0)."""
    instrument = instruments.get(row.instrument)
    score = risk.risk_item_score(instrument, row.items)
    if score is None:
        return None, None
    crisis = risk.suicide_risk(score, None)
    if crisis is None or crisis.code != risk.SUICIDE_RISK:
        return None, None
    alert = raise_alert(
        db,
        clinic_id=row.clinic_id,
        patient_id=row.patient_id,
        kind="suicide_risk",
        urgency="urgent",
        source=f"administration:{row.id}",
        now=now,
        who=who,
    )
    return crisis, alert


@dataclass(frozen=True)
class Point:
    """One administration in a patient's history, with its change from baseline."""

    row: Administration
    band: str
    change: progress.Change | None
    course_option: str | None

    @property
    def label(self) -> str:
        return "" if self.change is None else progress.STATUS_LABELS[self.change.status]


def _when(row: Administration) -> tuple[bool, datetime, int]:
    return (row.administered_at is not None, row.administered_at or datetime.min, row.id)


def history(db: Session, patient: Patient, instrument_code: str) -> list[Point]:
    """The patient's administrations of one instrument, oldest first, each against its baseline:
    the first one linked to the same course, or the patient's first when not linked."""
    instrument = instruments.get(instrument_code)
    rows = sorted(
        db.scalars(
            select(Administration).where(
                Administration.patient_id == patient.id,
                Administration.instrument == instrument.code,
            )
        ),
        key=_when,
    )
    options: dict[str | None, str] = {
        cid: option
        for cid, option in db.execute(
            select(Course.id, Course.option).where(Course.patient_id == patient.id)
        ).all()
    }
    first: dict[str | None, Administration] = {}
    points = []
    for row in rows:
        base = first.setdefault(row.course_id, row)
        ch = progress.change(instrument, base.total, row.total, is_baseline=base is row)
        points.append(Point(row, instrument.band(row.total), ch, options.get(row.course_id)))
    return points


def read_history(
    db: Session, who: audit.Who, patient: Patient, instrument_code: str, now: datetime
) -> list[Point]:
    """`history`, audited as a read of health data."""
    points = history(db, patient, instrument_code)
    audit.record(
        db,
        now,
        "administration.list",
        who,
        patient_id=patient.id,
        detail={"instrument": instrument_code, "count": len(points)},
    )
    return points


def patient_courses(db: Session, patient: Patient) -> list[Course]:
    """The patient's courses, newest first (to link an administration to)."""
    stmt = select(Course).where(Course.patient_id == patient.id).order_by(Course.start_on.desc())
    return list(db.scalars(stmt))
