"""TMS session records: technicians record them, the motor threshold is flagged again after the
clinic's interval, the next session starts from the previous settings, deviations from the
protocol are highlighted, and the course shows sessions delivered of planned."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.cast import Member
from tests.features.sessions.conftest import Api, book_history, new_patient


def tms(session: dict[str, Any], **over: Any) -> dict[str, Any]:
    body = {
        "kind": "tms",
        "coil": "figure8",
        "target": "left_dlpfc",
        "mode": "rtms",
        "motor_threshold_pct": 55,
        "intensity_pct_mt": 120,
        "frequency_hz": 10,
        "pulses": 3000,
        "adverse_events": [],
    }
    return {**body, **over}


def test_tms_records_defaults_mt_flag_and_deviations(
    api: dict[str, Api], cast: dict[str, Member]
) -> None:
    cora, ted = api["cora"], api["ted"]
    pid = new_patient(cora)
    sessions = book_history(cora, pid, "rtms", days_ago=40)
    s1, s2, s3 = sessions[:3]
    r = ted.post(f"/api/v1/sessions/{s1['id']}/record", tms(s1, mt_measured=True))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "mt_method"
    r = ted.post(f"/api/v1/sessions/{s1['id']}/record", tms(s1, mt_measured=True, mt_method="emg"))
    assert r.status_code == 201 and r.json()["deviations"] == []
    r = ted.post(f"/api/v1/sessions/{s2['id']}/record", tms(s2, pulses=2000, coil="h1"))
    assert r.status_code == 201
    assert {d["field"] for d in r.json()["deviations"]} == {"pulses", "coil"}
    assert {
        d["field"]
        for d in ted.get(f"/api/v1/sessions/{s2['id']}/records").json()["items"][0]["deviations"]
    } == {"pulses", "coil"}

    page = cast["ted"].get(f"/workspace/sessions/{s3['id']}").text
    assert "2 of 36 sessions delivered" in page
    assert 'value="2000"' in page  # carried from session 2
    assert "last measured" in page and "Due today" not in page
    later = next(
        s
        for s in sessions
        if datetime.fromisoformat(s["starts_at"]) - datetime.fromisoformat(s1["starts_at"])
        >= timedelta(days=7)
    )
    page = cast["ted"].get(f"/workspace/sessions/{later['id']}").text
    assert "Due today" in page
    page2 = cast["ted"].get(f"/workspace/sessions/{s2['id']}").text
    assert "Deviations from the protocol" in page2 and "recorded 2000, protocol 3000" in page2

    form = {
        "kind": "tms",
        "coil": "figure8",
        "mode": "rtms",
        "target": "left_dlpfc",
        "motor_threshold_pct": "56",
        "mt_measured": "on",
        "mt_method": "visual",
        "intensity_pct_mt": "120",
        "frequency_hz": "10",
        "pulses": "3000",
        "adverse_events": "headache",
    }
    ok = cast["ted"].post(f"/workspace/sessions/{later['id']}/record", form)
    assert ok.status_code == 303, ok.text
    bad = cast["ted"].post(f"/workspace/sessions/{s3['id']}/record", {**form, "pulses": "0"})
    assert bad.status_code == 422 and 'href="#pulses"' in bad.text
