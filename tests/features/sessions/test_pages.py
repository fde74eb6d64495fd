"""Workspace pages of session records: the esketamine form refuses by field and stores nothing,
a correction keeps the history, the REMS queue lists, prints as CSV and is marked submitted."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from tests.cast import Member
from tests.features.sessions.conftest import Api, book_history, enrol, new_patient


def _form(session: dict[str, Any], tz: str, **over: str) -> dict[str, Any]:
    start = datetime.fromisoformat(session["starts_at"]).astimezone(ZoneInfo(tz))
    local = start.strftime("%Y-%m-%dT%H:%M")
    out = (start + timedelta(minutes=125)).strftime("%Y-%m-%dT%H:%M")
    data: dict[str, Any] = {
        "kind": "esketamine",
        "dose_mg": "56",
        "administered_at": local,
        "device_lots": "L1, L2",
        "bp_pre.systolic": "150",
        "bp_pre.diastolic": "95",
        "bp_40min.systolic": "140",
        "bp_40min.diastolic": "88",
        "bp_discharge.systolic": "130",
        "bp_discharge.diastolic": "84",
        "sedation_resolved": "on",
        "dissociation_resolved": "on",
        "discharged_at": out,
    }
    data.update(over)
    return data


def test_record_correct_and_submit_in_the_workspace(
    api: dict[str, Api], cast: dict[str, Member], runtime: Any
) -> None:
    pid = new_patient(api["cora"])
    s1 = book_history(api["cora"], pid, "esketamine")[0]
    nina, tz = cast["nina"], runtime.clinic.time_zone
    page = nina.get(f"/workspace/sessions/{s1['id']}")
    assert page.status_code == 200 and "Not enrolled" in page.text
    bad = nina.post(f"/workspace/patients/{pid}/rems-enrolment", {"session_id": s1["id"]})
    assert bad.status_code == 422 and 'href="#enrolled_on"' in bad.text
    enrol(api["nina"], pid)

    refused = nina.post(f"/workspace/sessions/{s1['id']}/record", _form(s1, tz))
    assert refused.status_code == 422
    assert 'href="#prescriber_decision"' in refused.text and "above 140/90" in refused.text
    assert 'value="150"' in refused.text  # what was typed is shown again
    assert "Not recorded yet" in refused.text

    decided = _form(
        s1,
        tz,
        **{
            "prescriber_decision.proceed": "true",
            "prescriber_decision.reason": "Rechecked",
            "prescriber_decision.prescriber": "Dr Priya",
        },
    )
    ok = nina.post(f"/workspace/sessions/{s1['id']}/record", decided)
    assert ok.status_code == 303, ok.text
    page = nina.get(f"/workspace/sessions/{s1['id']}").text
    assert "Correct the record (version 2)" in page and "Week 1: Induction" in page

    no_reason = nina.post(
        f"/workspace/sessions/{s1['id']}/record", {**decided, "device_lots": "L9"}
    )
    assert no_reason.status_code == 422 and 'href="#reason"' in no_reason.text
    fixed = nina.post(
        f"/workspace/sessions/{s1['id']}/record",
        {**decided, "device_lots": "L9", "reason": "Lot misread"},
    )
    assert fixed.status_code == 303
    page = nina.get(f"/workspace/sessions/{s1['id']}").text
    assert "Lot misread" in page and "First record" in page

    read = cast["alice"].get(f"/workspace/sessions/{s1['id']}").text  # admins read, not record
    assert "Current record (version 2)" in read and "L9" in read and "150/95" in read
    assert "Save correction" not in read
    queue = nina.get("/workspace/rems")
    assert queue.status_code == 200 and "overdue" in queue.text and "150/95" in queue.text
    assert "L9" in queue.text
    sheet = nina.get("/workspace/rems.csv")
    assert sheet.headers["content-type"].startswith("text/csv") and "L9" in sheet.text
    printed = nina.get("/workspace/rems.pdf")
    assert printed.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(printed.content)).pages[0].extract_text()
    assert "Ana Diaz" in text and "150/95" in text and "L9" in text
    done = nina.post(f"/workspace/rems/{s1['id']}/submitted", {"reference": "CONF-1"})
    assert done.status_code == 303
    assert "No forms due" in nina.get("/workspace/rems").text
    assert "CONF-1" in nina.get("/workspace/rems?status=submitted").text
    # A technician reads the session but has no esketamine form; the outsider sees nothing.
    assert "Record the session" not in cast["ted"].get(f"/workspace/sessions/{s1['id']}").text
    assert cast["oscar"].get(f"/workspace/sessions/{s1['id']}").status_code == 404
    assert cast["cora"].get("/workspace/rems").status_code == 403
