"""Billing lines of a month from delivered sessions: TMS codes a day, esketamine by dose with KX
for Medicare and J0013 units, as API, page and CSV; admins read them, technicians do not."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import update

from tests.cast import Member
from tests.features.sessions.conftest import Api, book_history, enrol, esk, new_patient
from tests.features.sessions.test_tms import tms
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import Patient


def _lines(api: Api, months: set[str]) -> list[dict[str, Any]]:
    out = []
    for m in sorted(months):
        r = api.get(f"/api/v1/billing/lines?month={m}")
        assert r.status_code == 200, r.text
        out += r.json()["items"]
    return out


def test_month_superbill(api: dict[str, Api], cast: dict[str, Member], runtime: Runtime) -> None:
    cora, nina, ted = api["cora"], api["nina"], api["ted"]
    tp = new_patient(cora, "Tom", "Tms")
    t = book_history(cora, tp, "rtms", days_ago=20)
    assert ted.post(f"/api/v1/sessions/{t[0]['id']}/record", tms(t[0])).status_code == 201
    assert ted.post(f"/api/v1/sessions/{t[1]['id']}/record", tms(t[1])).status_code == 201
    measured = tms(t[2], mt_measured=True, mt_method="emg")
    assert ted.post(f"/api/v1/sessions/{t[2]['id']}/record", measured).status_code == 201
    ep = new_patient(cora, "Eve", "Esk")
    with runtime.db.begin() as db:
        db.execute(update(Patient).where(Patient.id == ep).values(insurance={"plan": "medicare"}))
    e = book_history(cora, ep, "esketamine", days_ago=20)
    enrol(nina, ep)
    assert nina.post(f"/api/v1/sessions/{e[0]['id']}/record", esk(e[0])).status_code == 201
    high = esk(e[1], dose_mg=84)
    assert nina.post(f"/api/v1/sessions/{e[1]['id']}/record", high).status_code == 201

    months = {s["starts_at"][:7] for s in (t[0], t[1], t[2], e[0], e[1])}
    lines = _lines(api["alice"], months)
    got = sorted((x["patient_name"], x["code"], x["modifiers"], x["units"]) for x in lines)
    assert got == [
        ("Eve Esk", "G2082", "KX", 1),
        ("Eve Esk", "G2083", "KX", 1),
        ("Eve Esk", "J0013", "", 56),
        ("Eve Esk", "J0013", "", 84),
        ("Tom Tms", "90867", "", 1),
        ("Tom Tms", "90868", "", 1),
        ("Tom Tms", "90869", "", 1),
    ]
    assert ted.get("/api/v1/billing/lines").status_code == 403
    assert api["oscar"].get(f"/api/v1/billing/lines?month={min(months)}").json()["items"] == []
    bad = api["alice"].get("/api/v1/billing/lines?month=2027-13")
    assert (
        bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.month"
    )  # as every query parameter is named

    month = t[0]["starts_at"][:7]
    page = cast["alice"].get(f"/workspace/billing?month={month}")
    assert page.status_code == 200 and "90867" in page.text
    sheet = cast["alice"].get(f"/workspace/billing.csv?month={month}")
    rows = list(csv.DictReader(io.StringIO(sheet.text)))
    assert {r["code"] for r in rows} >= {"90867"} and all(r["source_ids"] for r in rows)
    assert cast["ted"].get("/workspace/billing").status_code == 403
