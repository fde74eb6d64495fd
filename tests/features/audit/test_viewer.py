"""The audit viewer for people: patient names for those allowed, keyset paging beyond the
newest 200, filters by patient and by staff member; the patient's "who accessed my record"
report as a PDF (HIPAA accounting of disclosures)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from tests.cast import Member, make_request, now
from trdnav.platform import audit
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent


def _convert(cast: dict[str, Member], runtime: Runtime, name: str, email: str) -> str:
    rid = make_request(runtime, name=name, email=email, phone=None)
    url = cast["cora"].post(f"/workspace/consultations/{rid}/convert").headers["location"]
    return str(url).rsplit("/", 1)[1]


def test_names_filters_and_paging_beyond_200(cast: dict[str, Member], runtime: Runtime) -> None:
    alice, priya, nina = cast["alice"], cast["priya"], cast["nina"]
    ana = _convert(cast, runtime, "Ana Diaz", "ana@example.org")
    ben = _convert(cast, runtime, "Ben Ode", "ben@example.org")
    priya.get(f"/workspace/patients/{ana}")
    nina.get(f"/workspace/patients/{ben}")
    # 450 more entries about Ana, so the trail is longer than two pages.
    with runtime.db.begin() as s:
        who = audit.Who(cast["priya"].user_id, priya.email, "prescriber", runtime.clinic_id)
        for _ in range(450):
            audit.record(s, now(), "patient.view", who, patient_id=ana)
    page = alice.get("/workspace/audit")
    assert page.status_code == 200 and "Newest 200 of" in page.text
    assert "Ana Diaz" in page.text  # the admin may read records: names shown
    older = re.search(r'href="/workspace/audit\?before=(\d+)"', page.text)
    assert older is not None
    ids_first = [int(i) for i in re.findall(r'<td class="nowrap">(\d+)</td>', page.text)]
    second = alice.get(f"/workspace/audit?before={older.group(1)}")
    ids_second = [int(i) for i in re.findall(r'<td class="nowrap">(\d+)</td>', second.text)]
    assert len(ids_first) == len(ids_second) == 200
    assert max(ids_second) < min(ids_first)  # strictly older, nothing repeated or skipped
    # Walk to the end: every entry seen once.
    seen, before = set(ids_first) | set(ids_second), None
    third = re.search(r'before=(\d+)" rel="next"', second.text)
    while third:
        before = third.group(1)
        nxt = alice.get(f"/workspace/audit?before={before}")
        seen |= {int(i) for i in re.findall(r'<td class="nowrap">(\d+)</td>', nxt.text)}
        third = re.search(r'before=(\d+)" rel="next"', nxt.text)
    with runtime.db() as s:
        clinic_ids = set(
            s.scalars(
                audit._filtered(
                    select(AuditEvent.id), audit.AuditFilter(clinic_id=runtime.clinic_id)
                )
            )
        )
    # Every entry up to the first page's newest was seen once (later ones are the page views).
    assert {i for i in clinic_ids if i <= max(ids_first)} == seen
    # By patient, by staff member, and both.
    by_patient = alice.get(f"/workspace/audit?patient={ben}").text
    assert "Ben Ode" in by_patient and ">Ana Diaz</a>" not in by_patient
    by_staff = alice.get(f"/workspace/audit?actor={nina.email}").text
    assert nina.email in by_staff and priya.email not in by_staff.split("<tbody>")[1]
    both = alice.get(f"/workspace/audit?actor={priya.email}&patient={ben}").text
    assert "0 of 0" in both or "of 0 matching" in both
    assert cast["priya"].get("/workspace/audit").status_code == 403


def test_the_patient_gets_a_who_accessed_my_record_pdf(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    alice = cast["alice"]
    ana = _convert(cast, runtime, "Ana Diaz", "ana@example.org")
    cast["priya"].get(f"/workspace/patients/{ana}")
    cast["ted"].get(f"/workspace/patients/{ana}")
    response = alice.get(f"/workspace/patients/{ana}/access-report.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Who accessed your record" in text and "Ana Diaz" in text
    for name in ("Priya", "Ted", "Cora"):
        assert name in text
    assert "Viewed the record" in text and "Created the record" in text
    with runtime.db() as s:
        made = s.scalars(select(AuditEvent).where(AuditEvent.action == "audit.access_report")).one()
        assert made.patient_id == ana
    assert cast["priya"].get(f"/workspace/patients/{ana}/access-report.pdf").status_code == 403
    assert cast["oscar"].get(f"/workspace/patients/{ana}/access-report.pdf").status_code == 404
