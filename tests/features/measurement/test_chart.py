"""The trajectory: server-drawn SVG with the response line (half the baseline), the remission
line (PHQ-9 under 5), a marker per session and a text alternative; on the measurements page, on
the record page, and in the patient's take-away PDF."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader

from tests.cast import Member
from tests.features.courses.conftest import Api
from tests.features.measurement.conftest import book_course

SVG = "{http://www.w3.org/2000/svg}"


def _scores(api: Api, patient: str, course_id: str) -> None:
    start = datetime.now(UTC) - timedelta(days=20)
    for n, answers in enumerate(
        [[3, 3, 2, 2, 2, 2, 2, 2, 0], [2, 2, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 0, 0, 0, 0, 0]]
    ):  # 18, 10, 4
        r = api.post(
            f"/api/v1/patients/{patient}/administrations",
            {
                "instrument": "phq9",
                "answers": answers,
                "administered_at": (start + timedelta(days=7 * n)).isoformat(),
                "course_id": course_id,
            },
        )
        assert r.status_code == 201, r.text


def _svg(page: str, ident: str) -> ET.Element:
    match = re.search(rf'<svg[^>]*aria-labelledby="{ident}-t {ident}-d".*?</svg>', page, re.S)
    assert match, ident
    return ET.fromstring(match.group(0))


def test_chart_on_the_pages(api: dict[str, Api], cast: dict[str, Member], patient: str) -> None:
    course = book_course(api["cora"], patient, weeks_ahead=1)
    _scores(api["nina"], patient, course["id"])
    page = cast["nina"].get(f"/workspace/patients/{patient}/measurements").text
    svg = _svg(page, "chart-phq9")
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title is not None and title.text == "PHQ-9 over time"
    assert desc is not None and desc.text is not None
    assert "3 scores from 18" in desc.text and "to 4" in desc.text and "(remission)" in desc.text
    assert "response line at 9 (half of the baseline 18)" in desc.text
    assert f"0 sessions delivered and {len(course['sessions'])} booked" in desc.text
    points = svg.find(f"{SVG}polyline")
    assert points is not None and len(points.get("points", "").split()) == 3
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Response: ≤ 9" in labels and "Remission: < 5" in labels
    markers = [r for r in svg.iter(f"{SVG}rect") if r.get("height") == "10"]
    assert len(markers) == len(course["sessions"])
    assert desc.text in page  # the description is shown as the figure's caption too
    record = cast["nina"].get(f"/workspace/patients/{patient}").text
    assert _svg(record, "record-phq9") is not None
    assert "<script" not in re.search(r"<svg.*?</svg>", page, re.S).group(0)  # type: ignore[union-attr]


def test_takeaway_pdf(api: dict[str, Api], cast: dict[str, Member], patient: str) -> None:
    course = book_course(api["cora"], patient, weeks_ahead=1)
    _scores(api["nina"], patient, course["id"])
    r = cast["nina"].get(f"/workspace/patients/{patient}/measurements.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "Your PHQ-9 scores over time" in text and "Mara Measure" in text
    assert "Remission" in text and "Response" in text and "988" in text
    assert re.search(r"\b18\b", text) and re.search(r"\b4\b", text)
    assert cast["cora"].get(f"/workspace/patients/{patient}/measurements.pdf").status_code == 403
    assert cast["oscar"].get(f"/workspace/patients/{patient}/measurements.pdf").status_code == 404
