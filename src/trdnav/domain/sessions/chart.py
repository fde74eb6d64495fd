"""A small server-side SVG chart of an infusion's vitals timeline (systolic, diastolic, heart
rate against minutes from the start), with a text alternative; no script, no third party."""

from __future__ import annotations

from datetime import datetime
from html import escape

from trdnav.domain.sessions.forms import Vital

WIDTH, HEIGHT, PAD = 560, 220, 36
SERIES = (
    ("systolic", "Systolic", "#0b5394", ""),
    ("diastolic", "Diastolic", "#38761d", "6 3"),
    ("heart_rate", "Heart rate", "#a4000f", "2 3"),
)


def vitals_svg(vitals: list[Vital], start: datetime | None = None) -> str:
    """The chart as inline SVG (empty string without vitals)."""
    if not vitals:
        return ""
    points = sorted(vitals, key=lambda v: v.at)
    t0 = start or points[0].at
    minutes = [max(0.0, (v.at - t0).total_seconds() / 60) for v in points]
    span = max(max(minutes), 10.0)
    values: list[float] = [float(getattr(v, key)) for v in points for key, *_ in SERIES]
    low: float = min(40.0, *values)
    high: float = max(200.0, *values)

    def x(m: float) -> float:
        return round(PAD + (WIDTH - 2 * PAD) * m / span, 1)

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value - low) / (high - low), 1)

    desc = "; ".join(
        f"{int(m)} min: BP {v.systolic}/{v.diastolic}, heart rate {v.heart_rate}, SpO2 {v.spo2}%"
        for m, v in zip(minutes, points, strict=True)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="vitals-title vitals-desc" class="vitals-chart">',
        '<title id="vitals-title">Vital signs during the session</title>',
        f'<desc id="vitals-desc">{escape(desc)}</desc>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#444"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#444"/>',
    ]
    for tick in range(int(low // 20 * 20 + 20), int(high) + 1, 40):
        parts.append(
            f'<text x="{PAD - 4}" y="{y(tick) + 4}" font-size="11" text-anchor="end">{tick}</text>'
        )
    for m in (0, span / 2, span):
        parts.append(
            f'<text x="{x(m)}" y="{HEIGHT - PAD + 16}" font-size="11" '
            f'text-anchor="middle">{int(m)} min</text>'
        )
    for i, (key, label, colour, dash) in enumerate(SERIES):
        coords = " ".join(
            f"{x(m)},{y(getattr(v, key))}" for m, v in zip(minutes, points, strict=True)
        )
        style = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{style}/>'
        )
        lx = PAD + 8 + i * 130
        parts.append(
            f'<line x1="{lx}" y1="14" x2="{lx + 22}" y2="14" stroke="{colour}" '
            f'stroke-width="2"{style}/><text x="{lx + 26}" y="18" font-size="12">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
