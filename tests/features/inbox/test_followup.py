"""Consultation follow-through: "consult scheduled" records its date and time and queues a
reminder email to the person through the job queue (no health details, real SMTP); time to
first contact per request and the clinic's median in the inbox."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.cast import Member, make_request, now
from tests.support import smtp_inbox
from trdnav.features import job_handlers
from trdnav.features.inbox import followup
from trdnav.platform import jobs
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import ConsultationRequest, ConsultationTriage, Job


def _local(runtime: Runtime, days: int) -> tuple[str, str]:
    moment = (now() + timedelta(days=days)).astimezone(ZoneInfo(runtime.clinic.time_zone))
    return moment.date().isoformat(), "15:30"


def test_consult_scheduled_sends_a_reminder_without_health_details(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    cora = cast["cora"]
    rid = make_request(runtime, message="I have had thoughts of suicide and take sertraline")
    url = f"/workspace/consultations/{rid}"
    missing = cora.post(f"{url}/status", {"status": "consult_scheduled"})
    assert missing.status_code == 422 and "consult&#39;s date" in missing.text
    past = cora.post(
        f"{url}/status",
        {"status": "consult_scheduled", "consult_date": "2020-01-01", "consult_time": "10:00"},
    )
    assert past.status_code == 422 and "in the future" in past.text
    with runtime.db() as s:
        assert s.get_one(ConsultationRequest, rid).status == "new"  # nothing stored
    day, at = _local(runtime, 3)
    done = cora.post(
        f"{url}/status", {"status": "consult_scheduled", "consult_date": day, "consult_time": at}
    )
    assert done.status_code == 303
    with runtime.db() as s:
        triage = s.get_one(ConsultationTriage, rid)
        assert triage.consult_at is not None and triage.first_contact_at is not None
        local = triage.consult_at.astimezone(ZoneInfo(runtime.clinic.time_zone))
        assert (local.date().isoformat(), local.strftime("%H:%M")) == (day, at)
        (job,) = s.scalars(select(Job).where(Job.kind == followup.KIND)).all()
        assert job.run_after == triage.consult_at - timedelta(hours=24)
        consult_at = triage.consult_at
        assert set(job.payload) == {"request_id", "consult_at"}  # ids and a time only
    page = cora.get(url).text
    assert "Consult: <strong>" in page and "first contact after" in page
    # Not due yet; due the day before: the jobs runner sends it once, through real SMTP.
    with smtp_inbox() as box:
        runtime.settings = runtime.settings.model_copy(update={"smtp_port": box.port})
        handlers = job_handlers(runtime)
        assert followup.KIND in handlers
        assert jobs.run_due(runtime.db, handlers, "test", now()) == 0
        later = consult_at - timedelta(hours=12)
        assert jobs.run_due(runtime.db, handlers, "test", later) == 1
        assert jobs.run_due(runtime.db, handlers, "test", later) == 0
    (message,) = box.messages
    assert message["To"] == "ana@example.org"
    body = message.get_payload(decode=True).decode()
    assert "15:30" in body and runtime.clinic.display_name in body
    text = (body + message["Subject"]).lower()
    for secret in ("ana", "diaz", "suicide", "sertraline", "depress", "ketamine", "tms"):
        assert secret not in text


def test_a_moved_consult_reminds_only_of_the_new_time(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    cora = cast["cora"]
    rid = make_request(runtime)
    url = f"/workspace/consultations/{rid}"
    day, at = _local(runtime, 3)
    cora.post(
        f"{url}/status", {"status": "consult_scheduled", "consult_date": day, "consult_time": at}
    )
    new_day, _ = _local(runtime, 5)
    moved = cora.post(f"{url}/consult", {"consult_date": new_day, "consult_time": "09:00"})
    assert moved.status_code == 303
    with smtp_inbox() as box:
        runtime.settings = runtime.settings.model_copy(update={"smtp_port": box.port})
        handlers = {followup.KIND: followup.handler(runtime)}
        jobs.run_due(runtime.db, handlers, "test", now() + timedelta(days=6))
    (message,) = box.messages  # the stale reminder for the old time is skipped
    assert "09:00" in message.get_payload(decode=True).decode()
    other = make_request(runtime, email="other@example.org")
    refused = cora.post(
        f"/workspace/consultations/{other}/consult",
        {"consult_date": new_day, "consult_time": "09:00"},
    )
    assert refused.status_code == 422 and "only a scheduled consult" in refused.text


def test_time_to_first_contact_per_request_and_clinic_median(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    cora = cast["cora"]
    ids = [make_request(runtime, email=f"p{i}@example.org") for i in range(3)]
    # Received 2 h, 4 h and 9 h before the clinic's first contact.
    with runtime.db.begin() as s:
        for rid, hours in zip(ids, (2, 4, 9), strict=True):
            s.get_one(ConsultationRequest, rid).received_at = now() - timedelta(hours=hours)
    for rid in ids:
        assert (
            cora.post(f"/workspace/consultations/{rid}/status", {"status": "contacted"}).status_code
            == 303
        )
    waiting = make_request(runtime, email="late@example.org")
    with runtime.db.begin() as s:
        s.get_one(ConsultationRequest, waiting).received_at = now() - timedelta(days=2, hours=1)
    page = cora.get("/workspace/consultations").text
    assert (
        "Median time to first contact" in page
        and "<strong>4 h 0 min</strong> over 3 requests" in page
    )
    assert "after 2 h 0 min" in page and "after 9 h 0 min" in page
    assert "waiting 2 d 1 h" in page
    detail = cora.get(f"/workspace/consultations/{ids[1]}").text
    assert "first contact after <strong>4 h 0 min</strong>" in detail
    # A second status change does not move the first contact.
    cora.post(f"/workspace/consultations/{ids[0]}/status", {"status": "declined"})
    cora.post(f"/workspace/consultations/{ids[0]}/status", {"status": "contacted"})
    assert "after 2 h 0 min" in cora.get("/workspace/consultations").text


def test_durations_read_at_a_glance() -> None:
    assert followup.duration(timedelta(minutes=5)) == "5 min"
    assert followup.duration(timedelta(hours=3, minutes=20)) == "3 h 20 min"
    assert followup.duration(timedelta(days=2, hours=4, minutes=59)) == "2 d 4 h"
    assert followup.duration(None) == "—"
