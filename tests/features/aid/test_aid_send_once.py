"""Item 14: Back then Send stores no duplicate (the form's idempotency key lives with the
draft, not with a render of the page), and the take-away PDF is tagged (PDF/UA-1)."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.features.aid.aid_data import DANA
from trdnav.features.aid.steps import STEP_NAMES
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import ConsultationRequest


def _answer(client: TestClient) -> None:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/aid/step/about").text)
    assert match
    for step in STEP_NAMES:
        data = {**DANA[step], "csrf_token": match.group(1), "nav": "next"}
        client.post(f"/aid/step/{step}", data=data)


def _form(client: TestClient) -> dict[str, str]:
    page = client.get("/aid/consultation").text
    found = {
        name: re.search(rf'name="{name}" value="([^"]+)"', page)
        for name in ("csrf_token", "form_key")
    }
    data = {name: m.group(1) for name, m in found.items() if m}
    data.update(
        name="Dana Reyes",
        email="dana@example.org",
        consent_to_contact="yes",
        include_answers="yes",
        preferred_contact="email",
    )
    return data


def _count(runtime: Runtime) -> int:
    with runtime.db() as db:
        return int(db.scalar(select(func.count()).select_from(ConsultationRequest)) or 0)


def test_back_then_send_stores_no_duplicate(client: TestClient, runtime: Runtime):
    _answer(client)
    first = _form(client)
    assert client.post("/aid/consultation", data=first, follow_redirects=False).status_code == 303
    # Back: the browser fetches the form again (no-store), a new render of the page...
    again = _form(client)
    assert again["form_key"] == first["form_key"]  # ...with the draft's key, not a new one
    assert client.post("/aid/consultation", data=again, follow_redirects=False).status_code == 303
    # A stale page whose hidden key was lost or altered still sends as the same request.
    stale = {**again, "form_key": "a-key-from-an-old-tab-000000"}
    assert client.post("/aid/consultation", data=stale, follow_redirects=False).status_code == 303
    assert _count(runtime) == 1


def test_a_changed_request_after_sending_is_a_new_one(client: TestClient, runtime: Runtime):
    _answer(client)
    data = _form(client)
    client.post("/aid/consultation", data=data, follow_redirects=False)
    changed = {**_form(client), "message": "Please call in the evening instead."}
    assert client.post("/aid/consultation", data=changed, follow_redirects=False).status_code == 303
    assert _count(runtime) == 2
    # ...and sending that changed form once more is still only two.
    again = {**_form(client), "message": "Please call in the evening instead."}
    client.post("/aid/consultation", data=again, follow_redirects=False)
    assert _count(runtime) == 2


def test_the_takeaway_pdf_is_tagged_pdf_ua(client: TestClient):
    _answer(client)
    r = client.get("/aid/takeaway.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(r.content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # a structure tree: headings, lists, tables tagged
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid" in xmp  # the PDF/UA identification
    assert "My treatment comparison" in str(reader.metadata.title if reader.metadata else "")
