"""IV ketamine session records: the vitals timeline stored and charted (inline SVG with a text
alternative), deviations from the usual protocol shown, a reading at the clinic's hard stop
raises an alert, the workspace form takes the readings row by row."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.cast import Member
from tests.features.sessions.conftest import Api, at, book_history, new_patient
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import SafetyAlert


def ivk(session: dict[str, Any], **over: Any) -> dict[str, Any]:
    vitals = [
        {"at": at(session, m), "systolic": s, "diastolic": d, "heart_rate": hr, "spo2": 98}
        for m, s, d, hr in [
            (0, 124, 78, 72),
            (10, 132, 84, 76),
            (40, 141, 90, 80),
            (70, 126, 80, 74),
        ]
    ]
    body = {
        "kind": "iv_ketamine",
        "weight_kg": 70,
        "dose_mg_per_kg": 0.5,
        "infusion_minutes": 40,
        "started_at": at(session, 0),
        "vitals": vitals,
        "discharged_at": at(session, 90),
        "discharged_to_adult": True,
        "adverse_events": [{"kind": "dissociation"}],
    }
    return {**body, **over}


def test_vitals_timeline_chart_and_deviations(
    api: dict[str, Api], cast: dict[str, Member], runtime: Runtime, hard_stop: None
) -> None:
    cora, nina = api["cora"], api["nina"]
    pid = new_patient(cora)
    s1, s2 = book_history(cora, pid, "iv_ketamine")[:2]
    r = nina.post(f"/api/v1/sessions/{s1['id']}/record", ivk(s1))
    assert r.status_code == 201, r.text
    assert len(r.json()["vitals"]) == 4
    page = cast["nina"].get(f"/workspace/sessions/{s1['id']}").text
    assert "<svg" in page and page.count("<polyline") == 3
    assert "40 min: BP 141/90, heart rate 80, SpO2 98%" in page
    assert "Deviations from the protocol" not in page
    with runtime.db() as db:
        assert db.scalars(select(SafetyAlert)).all() == []

    bad = ivk(s2, dose_mg_per_kg=0.75)
    bad["vitals"][2]["systolic"] = 185  # at the clinic's hard stop of 180/110
    late = (datetime.now(ZoneInfo("UTC")) + timedelta(days=1)).isoformat()
    refused = nina.post(f"/api/v1/sessions/{s2['id']}/record", {**bad, "discharged_at": late})
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"discharged_at"}
    assert nina.post(f"/api/v1/sessions/{s2['id']}/record", bad).status_code == 201
    page = cast["nina"].get(f"/workspace/sessions/{s2['id']}").text
    assert "Deviations from the protocol" in page and "recorded 0.75, protocol 0.5" in page
    with runtime.db() as db:
        assert [a.kind for a in db.scalars(select(SafetyAlert))] == ["hypertension"]

    tz = ZoneInfo(runtime.clinic.time_zone)
    start = datetime.fromisoformat(s1["starts_at"]).astimezone(tz)
    form = {
        "kind": "iv_ketamine",
        "weight_kg": "70",
        "dose_mg_per_kg": "0.5",
        "infusion_minutes": "40",
        "vitals.0.at": start.strftime("%Y-%m-%dT%H:%M"),
        "vitals.0.systolic": "120",
        "vitals.0.diastolic": "70",
        "vitals.0.heart_rate": "70",
        "vitals.0.spo2": "99",
        "vitals.1.at": (start + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"),
        "vitals.1.systolic": "70",
        "vitals.1.diastolic": "90",
        "vitals.1.heart_rate": "71",
        "vitals.1.spo2": "99",
        "reason": "Readings from the monitor printout",
    }
    wrong = cast["nina"].post(f"/workspace/sessions/{s1['id']}/record", form)
    assert wrong.status_code == 422 and 'href="#vitals-1-diastolic"' in wrong.text
    form["vitals.1.systolic"] = "130"
    ok = cast["nina"].post(f"/workspace/sessions/{s1['id']}/record", form)
    assert ok.status_code == 303, ok.text
    items = nina.get(f"/api/v1/sessions/{s1['id']}/records").json()["items"]
    assert [len(x["vitals"]) for x in items] == [4, 2]
