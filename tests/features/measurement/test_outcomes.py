"""Outcomes per option (contract clinic-api-v1): completed courses with a baseline (the last
PHQ-9 linked to the course on or before its first session) and an end score (the last one after
it); response end <= 50% of baseline, remission end < 5, 95% Wilson intervals (null with no
courses), dropouts, the literature's range beside, the workspace dashboard and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.cast import Member
from tests.features.courses.conftest import Api, new_patient
from trdnav.domain.measures.progress import wilson

START = (datetime.now(UTC) - timedelta(weeks=20)).date()
START -= timedelta(days=START.weekday())  # a Monday, twenty weeks ago: courses as history


def _answers(total: int) -> list[int]:
    items = [0] * 9
    for n in range(total):
        items[n % 8] += 1  # item 9 stays 0
    return items


def _course(
    api: dict[str, Api], name: str, hour: int, scores: list[tuple[int, int]], status: str | None
) -> dict[str, Any]:
    """A history course with PHQ-9s at (hours from the first session, total)."""
    pid = new_patient(api["cora"], name, "Outcome")
    r = api["cora"].post(
        f"/api/v1/patients/{pid}/courses",
        {"option": "rtms", "start_on": START.isoformat(), "preferred_time": f"{hour:02d}:00"},
    )
    assert r.status_code == 201, r.text
    course = r.json()
    first = datetime.fromisoformat(course["sessions"][0]["starts_at"])
    for hours, total in scores:
        body = {
            "instrument": "phq9",
            "answers": _answers(total),
            "administered_at": (first + timedelta(hours=hours)).isoformat(),
            "course_id": course["id"],
        }
        assert api["nina"].post(f"/api/v1/patients/{pid}/administrations", body).status_code == 201
    if status:
        done = api["cora"].post(f"/api/v1/courses/{course['id']}/status", {"status": status})
        assert done.status_code == 200, done.text
    return dict(course)


@pytest.fixture
def clinic(api: dict[str, Api]) -> None:
    _course(
        api, "Ana", 8, [(-120, 22), (0, 20), (24 * 14, 12), (24 * 60, 8)], "completed"
    )  # response
    _course(api, "Ben", 9, [(-2, 10), (24 * 50, 4)], "completed")  # response and remission
    _course(api, "Cy", 10, [(-3, 15), (24 * 50, 12)], "completed")  # neither
    _course(api, "Di", 11, [(-3, 18)], "discontinued")  # a dropout
    _course(api, "Ed", 12, [(-3, 18)], "completed")  # completed, no end score
    _course(api, "Flo", 13, [(-3, 18), (24 * 10, 2)], None)  # still booked: not counted
    _course(api, "Gus", 14, [(1, 18), (24 * 50, 2)], "completed")  # no baseline: only after


def test_api_outcomes(api: dict[str, Api], clinic: None) -> None:
    r = api["priya"].get("/api/v1/outcomes")
    assert r.status_code == 200, r.text
    items = {i["option"]: i for i in r.json()["items"]}
    assert set(items) >= {
        "rtms",
        "deep_tms",
        "accelerated_itbs",
        "iv_ketamine",
        "esketamine",
        "ect",
    }
    rtms = items["rtms"]
    assert rtms["courses"] == 3 and rtms["dropouts"] == 1 and rtms["completed_not_measured"] == 2
    for key, k in (("response", 2), ("remission", 1)):
        expected = wilson(k, 3)
        assert rtms[key]["rate"] == pytest.approx(expected.rate)
        assert rtms[key]["ci_low"] == pytest.approx(expected.low)
        assert rtms[key]["ci_high"] == pytest.approx(expected.high)
    assert rtms["literature"]["response"] == {"low": 0.415, "high": 0.58}
    assert rtms["literature"]["source_ids"] == ["CARPENTER-2012"]
    none = items["esketamine"]
    assert none["courses"] == 0 and none["response"]["rate"] is None
    assert none["response"]["ci_low"] is None and none["remission"]["ci_high"] is None
    only = api["priya"].get("/api/v1/outcomes?option=rtms").json()["items"]
    assert [i["option"] for i in only] == ["rtms"]
    later = api["priya"].get(f"/api/v1/outcomes?option=rtms&from={START + timedelta(days=1)}")
    assert later.json()["items"][0]["courses"] == 0  # the period narrows by course start
    bad = api["priya"].get("/api/v1/outcomes?option=magic")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "option"
    assert api["cora"].get("/api/v1/outcomes").status_code == 403
    assert api["alice"].get("/api/v1/outcomes").status_code == 200  # admins read aggregates
    oscar = {i["option"]: i for i in api["oscar"].get("/api/v1/outcomes").json()["items"]}
    assert oscar["rtms"]["courses"] == 0  # clinic B sees only its own


def test_dashboard_and_csv(cast: dict[str, Member], clinic: None) -> None:
    page = cast["alice"].get("/workspace/outcomes")
    assert page.status_code == 200
    assert "67% (21%–94%); 2 of 3" in page.text  # Wilson 95% of 2/3
    assert "42%–58%" in page.text and "CARPENTER-2012" in page.text
    rows = list(
        csv.DictReader(io.StringIO(cast["alice"].get("/workspace/outcomes.csv?option=rtms").text))
    )
    assert len(rows) == 1 and rows[0]["courses"] == "3" and rows[0]["remissions"] == "1"
    assert rows[0]["dropouts"] == "1" and rows[0]["response_rate"] == "0.6667"
    bad = cast["alice"].get("/workspace/outcomes?from=yesterday")
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
    assert cast["cora"].get("/workspace/outcomes").status_code == 403


def test_concurrent_end_scores_in_one_day_are_all_counted(
    api: dict[str, Api], runtime: Any
) -> None:
    import threading

    from trdnav.features.measurement import outcomes, service
    from trdnav.platform.audit import Who
    from trdnav.storage.models import Patient

    made = [_course(api, f"Par{n}", 8 + n, [(-2, 20)], "completed") for n in range(4)]
    barrier = threading.Barrier(len(made))
    errors: list[BaseException] = []

    def end_score(course: dict[str, Any], total: int) -> None:
        first = datetime.fromisoformat(course["sessions"][0]["starts_at"])
        barrier.wait()
        try:
            with runtime.db.begin() as db:
                patient = db.get(Patient, course["patient_id"])
                data = service.AdministrationCreate(
                    instrument="phq9",
                    answers=_answers(total),
                    administered_at=first + timedelta(days=40),
                    course_id=course["id"],
                )
                service.record_administration(db, patient, data, datetime.now(UTC), Who())
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=end_score, args=(c, t))
        for c, t in zip(made, [4, 8, 12, 16], strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with runtime.db() as db:
        (row,) = outcomes.dashboard(db, runtime.clinic_id, runtime.engine.evidence, "rtms")
    assert (row.courses, row.response.successes, row.remission.successes) == (4, 2, 1)
