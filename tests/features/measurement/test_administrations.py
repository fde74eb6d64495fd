"""Administrations from the workspace and the clinic API: totals, bands, change from baseline,
response / partial response / remission, linked to a course; clear 422s; who may do what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.cast import Member
from tests.features.courses.conftest import Api, new_patient
from tests.features.measurement.conftest import PHQ9_SEVERE, book_course, iso
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import Administration, AuditEvent

URL = "/api/v1/patients/{}/administrations"


def _count(runtime: Runtime) -> int:
    with runtime.db() as db:
        return int(db.scalar(select(func.count()).select_from(Administration)) or 0)


def test_api_records_total_band_and_change_from_the_course_baseline(
    api: dict[str, Api], patient: str, runtime: Runtime
) -> None:
    nina, cora = api["nina"], api["cora"]
    course = book_course(cora, patient)
    t0 = datetime.now(UTC) - timedelta(days=30)
    scores = [
        ([3, 3, 2, 2, 2, 2, 2, 2, 2], 20, "severe"),  # baseline 20 (item 9 = 2: alerts too)
        ([2, 2, 2, 1, 1, 1, 1, 1, 0], 11, "moderate"),  # -45%: partial response
        ([1, 1, 1, 1, 1, 1, 1, 1, 0], 8, "mild"),  # -60%: response
        ([1, 1, 0, 1, 0, 0, 1, 0, 0], 4, "minimal"),  # under 5: remission
    ]
    for n, (answers, total, band) in enumerate(scores):
        r = nina.post(
            URL.format(patient),
            {
                "instrument": "phq9",
                "answers": answers,
                "administered_at": iso(t0 + timedelta(days=7 * n)),
                "course_id": course["id"],
                "source": "clinician",
            },
        )
        assert r.status_code == 201, r.text
        body = r.json()
        assert (body["total"], body["band"]) == (total, band) and isinstance(body["id"], int)
    listed = nina.get(URL.format(patient) + "?instrument=phq9").json()["items"]
    assert [(i["total"], i["status"], i["change_percent"]) for i in listed] == [
        (20, "baseline", 0.0),
        (11, "partial_response", 45.0),
        (8, "response", 60.0),
        (4, "remission", 80.0),
    ]
    assert all(i["course_id"] == course["id"] and i["baseline"] == 20 for i in listed)
    gad = nina.post(
        URL.format(patient),
        {"instrument": "gad7", "answers": [1, 2, 1, 1, 0, 1, 3], "administered_at": iso(t0)},
    )
    assert gad.status_code == 201 and (gad.json()["total"], gad.json()["band"]) == (9, "mild")
    with runtime.db() as db:
        actions = list(
            db.scalars(select(AuditEvent.action).where(AuditEvent.patient_id == patient))
        )
    assert actions.count("administration.record") == 5 and "administration.list" in actions


def test_bad_input_is_a_422_naming_the_field_and_stores_nothing(
    api: dict[str, Api], patient: str, runtime: Runtime
) -> None:
    nina = api["nina"]
    other = new_patient(api["cora"], "Otto", "Other")
    other_course = book_course(api["cora"], other, weeks_ahead=8)
    before = _count(runtime)
    now = datetime.now(UTC)
    cases = [
        ({"answers": [1] * 8}, "answers"),
        ({"answers": [1, 1, 1, 1, 1, 1, 1, 1, 4]}, "answers"),
        ({"administered_at": iso(now + timedelta(days=1))}, "administered_at"),
        ({"administered_at": "2026-01-01T10:00:00"}, "administered_at"),  # no offset
        ({"instrument": "madrs"}, "instrument"),
        ({"course_id": other_course["id"]}, "course_id"),
        ({"source": "robot"}, "source"),
    ]
    for change, field in cases:
        body = {
            "instrument": "phq9",
            "answers": PHQ9_SEVERE,
            "administered_at": iso(now - timedelta(hours=1)),
            **change,
        }
        r = nina.post(URL.format(patient), body)
        assert r.status_code == 422, (change, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert field in {e["field"] for e in r.json()["errors"]}, (change, r.json())
    assert _count(runtime) == before
    history = nina.post(  # any past date is fine (importing a clinic's earlier scores)
        URL.format(patient),
        {"instrument": "phq9", "answers": PHQ9_SEVERE, "administered_at": "2019-03-04T09:00:00Z"},
    )
    assert history.status_code == 201


def test_roles_and_clinics(api: dict[str, Api], patient: str) -> None:
    body = {
        "instrument": "phq9",
        "answers": PHQ9_SEVERE,
        "administered_at": iso(datetime.now(UTC) - timedelta(minutes=5)),
    }
    assert api["priya"].post(URL.format(patient), body).status_code == 201
    assert api["cora"].post(URL.format(patient), body).status_code == 403  # coordinator
    assert api["ted"].post(URL.format(patient), body).status_code == 403  # technician
    assert api["oscar"].post(URL.format(patient), body).status_code == 404  # clinic B
    assert api["oscar"].get(URL.format(patient)).status_code == 404
    assert api["nina"].post(URL.format("no-such-patient"), body).status_code == 404
    unauth = api["nina"].client.post(URL.format(patient), json=body)
    assert unauth.status_code == 401


def test_workspace_form_records_and_keeps_answers_on_error(
    cast: dict[str, Member], api: dict[str, Api], patient: str, runtime: Runtime
) -> None:
    nina = cast["nina"]
    page = f"/workspace/patients/{patient}/measurements"
    partial = {"instrument": "gad7", "item1": "2", "item2": "3", "administered_on": "2026-01-05"}
    bad = nina.post(page, partial)
    assert bad.status_code == 422
    assert 'href="#item3"' in bad.text and "Answer item 3." in bad.text
    assert 'name="item2" value="3" checked' in bad.text
    assert _count(runtime) == 0
    full = {**partial, **{f"item{n}": "1" for n in range(3, 8)}}
    done = nina.post(page, full)
    assert done.status_code == 303
    shown = nina.get(page).text
    assert "GAD-7" in shown and "<td>10</td>" in shown and "moderate" in shown
    with runtime.db() as db:
        row = db.scalars(select(Administration)).one()
        assert (row.instrument, row.total, row.source, row.entered_by) == (
            "gad7",
            10,
            "clinician",
            nina.user_id,
        )
    future = nina.post(page, {**full, "administered_on": "2999-01-01"})
    assert future.status_code == 422 and "cannot be in the future" in future.text
    assert cast["cora"].get(page).status_code == 403
    assert cast["oscar"].get(page).status_code == 404
    record = nina.get(f"/workspace/patients/{patient}").text
    assert page in record
