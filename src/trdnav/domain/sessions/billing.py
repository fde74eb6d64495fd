"""Billing lines of delivered sessions, from the codes data file (domain/coverage/data/codes.toml,
with its sources): one TMS code a day per patient (90867 the course's first session, 90869 when
the motor threshold is measured again, else 90868); esketamine G2082 up to 56 mg or G2083 above,
with KX for Medicare (REMS enrolment), plus J0013 in 1 mg units; IV ketamine has no code there
(usually self-pay)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from trdnav.domain.coverage.loader import default_coverage

TMS_PRIORITY = ("90867", "90869", "90868")  # what the day's one TMS line is, first match wins


@dataclass(frozen=True)
class Delivered:
    """One delivered session as billing sees it."""

    session_id: str
    patient_id: str
    course_id: str
    day: date  # the clinic's local day
    kind: str
    dose_mg: float | None = None
    mt_measured: bool = False
    first_of_course: bool = False
    medicare: bool = False


@dataclass(frozen=True)
class Line:
    """One superbill line."""

    session_id: str
    patient_id: str
    day: date
    code: str
    system: str
    modifiers: str
    units: int
    description: str
    source_ids: tuple[str, ...]


def _line(d: Delivered, code: str, units: int = 1, modifiers: str = "") -> Line:
    entry = default_coverage().codes.procedures[code]
    return Line(
        d.session_id,
        d.patient_id,
        d.day,
        code,
        entry.system,
        modifiers,
        units,
        entry.description,
        tuple(entry.source_ids),
    )


def _tms_code(d: Delivered) -> str:
    if d.first_of_course:
        return "90867"
    return "90869" if d.mt_measured else "90868"


def lines(delivered: list[Delivered]) -> list[Line]:
    """The billing lines of these sessions, by day, patient and code."""
    out: list[Line] = []
    tms_days: dict[tuple[str, date], list[Delivered]] = {}
    for d in delivered:
        if d.kind == "tms":
            tms_days.setdefault((d.patient_id, d.day), []).append(d)
        elif d.kind == "esketamine" and d.dose_mg:
            code = "G2082" if d.dose_mg <= 56 else "G2083"
            out.append(_line(d, code, modifiers="KX" if d.medicare else ""))
            units = default_coverage().codes.procedures["J0013"].unit
            assert units == "mg"  # one unit is 1 mg (J0013-2026)
            out.append(_line(d, "J0013", units=round(d.dose_mg)))
    for same_day in tms_days.values():
        # One TMS code per day per patient: the day's most specific code, on its first session.
        chosen = min((TMS_PRIORITY.index(_tms_code(d)), i) for i, d in enumerate(same_day))
        out.append(_line(same_day[chosen[1]], TMS_PRIORITY[chosen[0]]))
    return sorted(out, key=lambda x: (x.day, x.patient_id, x.code))
