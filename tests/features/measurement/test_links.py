"""Self-report links: a random token in the URL (only its hash stored), single use (410 after),
expiring, a no-account page that works without JavaScript, a QR code drawn on the server, and a
course's own schedule (baseline, weekly, end) sent by the jobs runner through real SMTP."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.cast import Member
from tests.features.courses.conftest import Api
from tests.features.measurement.conftest import book_course
from tests.support import refused_port, smtp_inbox
from trdnav.features.measurement import links
from trdnav.platform import jobs
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import Administration, Job, MeasureLink, SafetyAlert


def _token(url: str) -> str:
    match = re.fullmatch(r"http://[^/]+/m/([A-Za-z0-9_-]{40,})", url)
    assert match, url
    return match.group(1)


def _answers(values: list[int], page: str) -> dict[str, str]:
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    return {"csrf_token": csrf.group(1), **{f"item{n + 1}": str(v) for n, v in enumerate(values)}}


def test_link_is_single_use_and_stores_only_a_hash(
    api: dict[str, Api], app: Any, patient: str, runtime: Runtime
) -> None:
    course = book_course(api["cora"], patient)
    r = api["nina"].post(
        f"/api/v1/patients/{patient}/measure-links",
        {"instrument": "phq9", "course_id": course["id"]},
    )
    assert r.status_code == 201, r.text
    token = _token(r.json()["url"])
    expires = datetime.fromisoformat(r.json()["expires_at"])
    assert timedelta(days=6) < expires - datetime.now(UTC) <= timedelta(days=7)
    with runtime.db() as db:
        row = db.scalars(select(MeasureLink).where(MeasureLink.purpose == "staff")).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str([getattr(row, c.key) for c in MeasureLink.__table__.columns])

    phone = TestClient(app)  # no account, no cookies of the workspace
    page = phone.get(f"/m/{token}")
    assert page.status_code == 200 and "<script" not in page.text.split("</head>")[1]
    assert page.text.count('type="radio"') == 9 * 4 and "Over the last 2 weeks" in page.text
    assert page.headers["cache-control"] == "no-store"
    half = phone.post(f"/m/{token}", data=_answers([1, 1, 1, 1], page.text))
    assert half.status_code == 422
    assert 'href="#item5"' in half.text and "Please answer question 9." in half.text
    assert 'name="item4" value="1" checked' in half.text  # what was given is kept
    done = phone.post(f"/m/{token}", data=_answers([2, 2, 2, 2, 1, 1, 1, 1, 0], page.text))
    assert done.status_code == 200 and "your answers were sent" in done.text
    again = phone.post(f"/m/{token}", data=_answers([0] * 9, page.text))
    assert again.status_code == 410 and phone.get(f"/m/{token}").status_code == 410
    assert phone.get("/m/not-a-token").status_code == 404
    with runtime.db() as db:
        (adm,) = db.scalars(select(Administration)).all()
        assert (adm.source, adm.total, adm.course_id, adm.entered_by) == (
            "patient",
            12,
            course["id"],
            None,
        )
    assert (
        api["cora"]
        .post(f"/api/v1/patients/{patient}/measure-links", {"instrument": "phq9"})
        .status_code
        == 403
    )
    assert (
        api["oscar"]
        .post(f"/api/v1/patients/{patient}/measure-links", {"instrument": "phq9"})
        .status_code
        == 404
    )
    bad = api["nina"].post(f"/api/v1/patients/{patient}/measure-links", {"instrument": "beck"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "instrument"


def test_expired_link_is_gone(
    api: dict[str, Api], app: Any, patient: str, runtime: Runtime
) -> None:
    r = api["nina"].post(f"/api/v1/patients/{patient}/measure-links", {"instrument": "gad7"})
    token = _token(r.json()["url"])
    with runtime.db.begin() as db:
        db.execute(update(MeasureLink).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert TestClient(app).get(f"/m/{token}").status_code == 410


def test_item_9_on_the_patients_own_link_shows_988_and_911_at_once(
    api: dict[str, Api], app: Any, patient: str, runtime: Runtime
) -> None:
    token = _token(
        api["nina"]
        .post(f"/api/v1/patients/{patient}/measure-links", {"instrument": "phq9"})
        .json()["url"]
    )
    phone = TestClient(app)
    page = phone.get(f"/m/{token}").text
    done = phone.post(f"/m/{token}", data=_answers([1, 1, 1, 1, 1, 1, 1, 1, 2], page))
    assert done.status_code == 200
    assert 'href="tel:988"' in done.text and 'href="sms:988"' in done.text
    assert 'href="tel:911"' in done.text and 'id="crisis-panel"' in done.text
    with runtime.db() as db:
        alert = db.scalars(select(SafetyAlert)).one()
    assert (alert.kind, alert.urgency, alert.raised_by) == ("suicide_risk", "urgent", None)


def test_workspace_shows_a_link_with_a_server_drawn_qr_code(
    cast: dict[str, Member], patient: str
) -> None:
    nina = cast["nina"]
    shown = nina.post(f"/workspace/patients/{patient}/measure-links", {"instrument": "phq9"})
    assert shown.status_code == 200
    assert "<svg" in shown.text and "QR code of the link" in shown.text
    assert re.search(r'value="http://[^"]+/m/[A-Za-z0-9_-]{40,}"', shown.text)
    bad = nina.post(f"/workspace/patients/{patient}/measure-links", {"instrument": "nope"})
    assert bad.status_code == 422 and "instrument" in bad.text


def test_a_booked_course_schedules_baseline_weekly_and_end_links_sent_by_email(
    api: dict[str, Api], app: Any, patient: str, runtime: Runtime
) -> None:
    course = book_course(api["cora"], patient, weeks_ahead=3)
    first = datetime.fromisoformat(course["sessions"][0]["starts_at"])
    last = datetime.fromisoformat(course["sessions"][-1]["ends_at"])
    with runtime.db() as db:
        invites = list(
            db.scalars(select(Job).where(Job.kind == links.INVITE).order_by(Job.run_after))
        )
    purposes = [j.payload["purpose"] for j in invites]
    assert purposes[0] == "baseline" and purposes[-1] == "end"
    weeks = (last - first).days // 7
    assert purposes[1:-1] == [f"week:{n}" for n in range(1, len(purposes) - 1)]
    assert weeks - 1 <= len(purposes) - 2 <= weeks
    assert invites[0].run_after == first - links.BASELINE_AHEAD
    assert invites[-1].run_after == last
    assert all(j.payload["course_id"] == course["id"] for j in invites)

    handlers = {links.INVITE: links.handler(runtime)}
    due = invites[0].run_after + timedelta(minutes=1)
    with refused_port() as down:
        runtime.settings = runtime.settings.model_copy(update={"smtp_port": down})
        assert jobs.run_due(runtime.db, handlers, "test", due) == 0
    with runtime.db() as db:
        assert db.scalars(select(MeasureLink)).all() == []  # rolled back with the failed send
    with smtp_inbox() as box:
        runtime.settings = runtime.settings.model_copy(update={"smtp_port": box.port})
        assert jobs.run_due(runtime.db, handlers, "test", due + timedelta(minutes=11)) == 1
    (message,) = box.messages
    body = message.get_payload(decode=True).decode()
    assert message["To"] == "mara@example.org"
    for secret in ("phq", "depress", "tms", "mara", "measure ", "suicid", "mood", "psychiatr"):
        assert secret not in (message["Subject"] + body).lower(), secret
    url = re.search(r"http://\S+/m/\S+", body)
    assert url
    phone = TestClient(app)
    page = phone.get(url.group(0).replace(runtime.settings.base_url, ""))
    assert page.status_code == 200 and "PHQ-9" in page.text
    done = phone.post(
        url.group(0).replace(runtime.settings.base_url, ""), data=_answers([3] * 8 + [0], page.text)
    )
    assert done.status_code == 200
    with runtime.db() as db:
        adm = db.scalars(select(Administration)).one()
        assert (adm.course_id, adm.source, adm.total) == (course["id"], "patient", 24)


def test_two_racing_answers_store_one(api: dict[str, Api], patient: str, runtime: Runtime) -> None:
    import threading

    token = _token(
        api["nina"]
        .post(f"/api/v1/patients/{patient}/measure-links", {"instrument": "gad7"})
        .json()["url"]
    )
    barrier = threading.Barrier(4)
    results: list[str] = []

    def answer() -> None:
        barrier.wait()
        try:
            with runtime.db.begin() as db:
                links.answer_link(db, token, [1, 1, 1, 1, 1, 1, 1], datetime.now(UTC))
            results.append("stored")
        except links.LinkGone:
            results.append("gone")

    threads = [threading.Thread(target=answer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["gone", "gone", "gone", "stored"]
    with runtime.db() as db:
        assert len(db.scalars(select(Administration)).all()) == 1
