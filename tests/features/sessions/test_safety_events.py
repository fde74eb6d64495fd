"""Safety events of session records become safety alerts (features/alerts): which events call
for which alert (spec table), and a seizure during TMS shown on the patient record with a link
back to the session, emailed to the clinic's prescribers without health details."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.cast import Member
from tests.features.sessions.conftest import Api, book_history, new_patient
from tests.features.sessions.test_tms import tms
from trdnav.domain.sessions.forms import BloodPressure, parse_record
from trdnav.features.sessions.safety import URGENCY, events
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import Job, SafetyAlert

HARD = BloodPressure(systolic=180, diastolic=110)
ESK: dict[str, Any] = {
    "kind": "esketamine",
    "dose_mg": 56,
    "administered_at": "2027-01-05T10:00:00+00:00",
    "bp_pre": {"systolic": 120, "diastolic": 80},
}
TMS: dict[str, Any] = {
    "kind": "tms",
    "coil": "figure8",
    "target": "left_dlpfc",
    "motor_threshold_pct": 50,
    "intensity_pct_mt": 120,
    "frequency_hz": 10,
    "pulses": 3000,
}
IVK: dict[str, Any] = {
    "kind": "iv_ketamine",
    "weight_kg": 70,
    "dose_mg_per_kg": 0.5,
    "infusion_minutes": 40,
}


def v(sys_: int, dia: int) -> dict[str, Any]:
    return {
        "at": "2027-01-05T10:00:00+00:00",
        "systolic": sys_,
        "diastolic": dia,
        "heart_rate": 80,
        "spo2": 97,
    }


# A row: record -> alert kinds (the clinic's hard stop is 180/110).
# fmt: off
ROWS: list[tuple[dict[str, Any], set[str]]] = [
    ({**TMS},  set()),
    ({**TMS, "adverse_events": [{"kind": "headache"}]},  set()),
    ({**TMS, "adverse_events": [{"kind": "seizure"}]},  {"seizure"}),
    ({**TMS, "adverse_events": [{"kind": "mania_switch"}]},  {"mania_switch"}),
    ({**TMS, "adverse_events": [{"kind": "other", "serious": True}]}, {"serious_adverse_event"}),
    ({**ESK},  set()),
    ({**ESK, "respiratory_depression": True},  {"respiratory_depression"}),
    ({**ESK, "bp_40min": {"systolic": 180, "diastolic": 100}},  {"hypertension"}),
    ({**ESK, "bp_discharge": {"systolic": 150, "diastolic": 110}},  {"hypertension"}),
    ({**ESK, "bp_40min": {"systolic": 179, "diastolic": 109}},  set()),
    ({**IVK, "vitals": [v(150, 95), v(179, 109)]},  set()),
    ({**IVK, "vitals": [v(150, 95), v(181, 100)]},  {"hypertension"}),
]
# fmt: on


@pytest.mark.parametrize(("body", "kinds"), ROWS)
def test_events(body: dict[str, Any], kinds: set[str]) -> None:
    record, _ = parse_record(body)
    assert events(record, HARD) == kinds
    assert all(k in URGENCY for k in kinds)


def test_no_hard_stop_no_blood_pressure_alert() -> None:
    record, _ = parse_record({**ESK, "bp_40min": {"systolic": 220, "diastolic": 120}})
    assert events(record, None) == set()


def test_a_seizure_during_tms_alerts_and_shows_on_the_record(
    api: dict[str, Api], cast: dict[str, Member], runtime: Runtime
) -> None:
    cora, ted = api["cora"], api["ted"]
    pid = new_patient(cora)
    s1 = book_history(cora, pid, "rtms", days_ago=10)[0]
    seized = tms(s1, adverse_events=[{"kind": "seizure", "note": "30 s, resolved"}])
    assert ted.post(f"/api/v1/sessions/{s1['id']}/record", seized).status_code == 201
    with runtime.db() as db:
        alerts = list(db.scalars(select(SafetyAlert)))
        jobs = list(db.scalars(select(Job)))
    assert [(a.kind, a.urgency, a.source) for a in alerts] == [
        ("seizure", "urgent", f"session:{s1['id']}")
    ]
    assert len(jobs) >= 1 and all("seizure" not in str(j.payload) for j in jobs)
    page = cast["nina"].get(f"/workspace/patients/{pid}").text
    assert "Seizure during a session" in page and f"/workspace/sessions/{s1['id']}" in page
