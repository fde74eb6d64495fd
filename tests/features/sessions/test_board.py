"""Today's board: sessions of one local day per chair and room with their status, one click to
start a booked session, the htmx fragment alone for polling, and only the actor's clinic."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.cast import Member
from tests.features.sessions.conftest import Api, at, book_history, enrol, esk, new_patient
from trdnav.platform.runtime import Runtime


def test_board_statuses_start_and_fragment(
    api: dict[str, Api], cast: dict[str, Member], runtime: Runtime
) -> None:
    cora, nina = api["cora"], api["nina"]
    pid = new_patient(cora, "Bo", "Board")
    s = book_history(cora, pid, "esketamine", days_ago=30)
    enrol(nina, pid)
    monitoring = esk(s[0], discharged_at=None, bp_discharge=None, sedation_resolved=False)
    assert nina.post(f"/api/v1/sessions/{s[0]['id']}/record", monitoring).status_code == 201
    tz = ZoneInfo(runtime.clinic.time_zone)
    day = datetime.fromisoformat(s[0]["starts_at"]).astimezone(tz).date()
    page = cast["nina"].get(f"/workspace/today?day={day}")
    assert page.status_code == 200 and "<html" in page.text
    assert "Bo Board" in page.text and "In monitoring" in page.text
    given = datetime.fromisoformat(at(s[0], 5)).astimezone(tz) + timedelta(minutes=120)
    assert f"discharge from {given:%H:%M}" in page.text
    assert "Observation room" in page.text  # one column per room

    day2 = datetime.fromisoformat(s[1]["starts_at"]).astimezone(tz).date()
    page2 = cast["nina"].get(f"/workspace/today?day={day2}").text
    assert "Not recorded" in page2 and f'href="/workspace/sessions/{s[1]["id"]}"' in page2
    assert ">Start<" in page2  # one click opens the record form of the booked session

    fragment = cast["nina"].client.get("/workspace/today", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'id="board"' in fragment.text and 'hx-trigger="every 30s"' in fragment.text
    assert "Bo Board" not in cast["oscar"].get(f"/workspace/today?day={day}").text
    bad = cast["nina"].get("/workspace/today?day=someday")
    assert bad.status_code == 422 and 'href="#day"' in bad.text
