"""The trajectory chart: scores over time as inline SVG drawn on the server, with the response
line (50% of baseline), the remission line (PHQ-9 under 5), session markers, and a text
alternative (title, description, and the table beside it). No script, no third-party asset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from trdnav.domain.measures import instruments, progress
from trdnav.domain.measures.instruments import Instrument
from trdnav.features.measurement.service import Point, history
from trdnav.storage.models import CourseSession, Patient

W, H = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 16, 48
INK, MUTED, RESPONSE, REMISSION = "#0b3d5c", "#4a5560", "#8a4b00", "#1d6b3a"


@dataclass(frozen=True)
class SessionMark:
    """A session on the time axis: delivered (filled) or still booked (hollow)."""

    at: datetime
    delivered: bool


def session_marks(db: Session, patient: Patient) -> list[SessionMark]:
    """The patient's delivered and booked sessions, oldest first."""
    rows = db.scalars(
        select(CourseSession)
        .where(
            CourseSession.patient_id == patient.id,
            CourseSession.status.in_(("delivered", "booked")),
        )
        .order_by(CourseSession.starts_at)
    )
    return [SessionMark(r.starts_at, r.status == "delivered") for r in rows]


def _day(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d")


def describe(instrument: Instrument, points: list[Point], marks: list[SessionMark], tz: str) -> str:
    """The chart in words: first and latest score, change, thresholds and sessions."""
    dated = [p for p in points if p.row.administered_at is not None]
    if not dated:
        return f"No dated {instrument.name} scores yet."
    first, last = dated[0], dated[-1]
    assert first.row.administered_at is not None and last.row.administered_at is not None
    text = (
        f"{instrument.name} total, {len(dated)} scores from {first.row.total} on "
        f"{_day(first.row.administered_at, tz)} to {last.row.total} on "
        f"{_day(last.row.administered_at, tz)}"
    )
    if last.change is not None and last.change.status != "baseline":
        text += f" ({progress.STATUS_LABELS[last.change.status].lower()})"
        text += f"; response line at {progress.response_line(last.change.baseline):g}"
        text += f" (half of the baseline {last.change.baseline})"
    if instrument.remission_below is not None:
        text += f"; remission below {instrument.remission_below}"
    delivered = sum(m.delivered for m in marks)
    if marks:
        text += f"; {delivered} sessions delivered and {len(marks) - delivered} booked."
    else:
        text += "."
    return text


def trajectory_svg(
    instrument: Instrument, points: list[Point], marks: list[SessionMark], tz: str, ident: str
) -> Markup:
    """The chart as an inline <svg> (role img, labelled by its title and description)."""
    dated = [p for p in points if p.row.administered_at is not None]
    if not dated:
        return Markup("")
    times = [p.row.administered_at for p in dated if p.row.administered_at is not None]
    times += [m.at for m in marks]
    t0, t1 = min(times).timestamp(), max(times).timestamp()
    span = max(t1 - t0, 86400.0)
    top = instrument.max_total
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(moment: datetime) -> float:
        return round(LEFT + (moment.timestamp() - t0) / span * plot_w, 1)

    def y(score: float) -> float:
        return round(TOP + (1 - score / top) * plot_h, 1)

    title = f"{instrument.name} over time"
    desc = describe(instrument, points, marks, tz)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" class="chart">',
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fff" '
        f'stroke="{MUTED}" stroke-width="1"/>',
    ]
    for tick in range(0, top + 1, 5 if top > 10 else 2):
        out.append(
            f'<text x="{LEFT - 6}" y="{y(tick) + 4}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{tick}</text>'
        )
    last = dated[-1].change
    if last is not None and last.status != "baseline" and last.baseline > 0:
        line = progress.response_line(last.baseline)
        out.append(_hline(y(line), RESPONSE, "6 4", f"Response: ≤ {line:g}", plot_w))
    if instrument.remission_below is not None:
        below = instrument.remission_below
        out.append(_hline(y(below), REMISSION, "2 3", f"Remission: < {below}", plot_w))
    path = " ".join(f"{x(t)},{y(p.row.total)}" for p, t in zip(dated, times, strict=False))
    out.append(f'<polyline points="{path}" fill="none" stroke="{INK}" stroke-width="2.5"/>')
    for p in dated:
        assert p.row.administered_at is not None
        cx, cy = x(p.row.administered_at), y(p.row.total)
        label = f"{_day(p.row.administered_at, tz)}: {p.row.total} ({p.band.replace('_', ' ')})"
        out.append(
            f'<circle cx="{cx}" cy="{cy}" r="4.5" fill="{INK}"><title>{escape(label)}</title>'
            "</circle>"
        )
    base_y = H - BOTTOM
    for m in marks:
        fill = INK if m.delivered else "#fff"
        out.append(
            f'<rect x="{x(m.at) - 2}" y="{base_y + 6}" width="4" height="10" fill="{fill}" '
            f'stroke="{INK}" stroke-width="1"/>'
        )
    if marks:
        out.append(
            f'<text x="{LEFT + plot_w + 8}" y="{base_y + 15}" font-size="11" fill="{MUTED}">'
            "Sessions (■ delivered, □ booked)</text>"
        )
    out.append(
        f'<text x="{LEFT}" y="{H - 8}" font-size="11" fill="{MUTED}">'
        f"{_day(min(times), tz)}</text>"
        f'<text x="{LEFT + plot_w}" y="{H - 8}" font-size="11" fill="{MUTED}" '
        f'text-anchor="end">{_day(max(times), tz)}</text>'
    )
    out.append("</svg>")
    return Markup("".join(out))


def _hline(y: float, colour: str, dash: str, label: str, plot_w: int) -> str:
    return (
        f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y}" y2="{y}" stroke="{colour}" '
        f'stroke-width="1.5" stroke-dasharray="{dash}"/>'
        f'<text x="{LEFT + plot_w + 8}" y="{y + 4}" font-size="12" fill="{colour}">'
        f"{escape(label)}</text>"
    )


def record_chart(db: Session, patient: Patient, tz: str) -> Markup:
    """The PHQ-9 chart for the record page (empty when there is no dated PHQ-9)."""
    phq9 = instruments.get("phq9")
    points = history(db, patient, "phq9")
    return trajectory_svg(phq9, points, session_marks(db, patient), tz, "record-phq9")
