"""Reminder emails the day before: queued at booking, sent once through a real SMTP
conversation even when three `trdnav jobs run` processes race for them, never for a cancelled
or moved time, and with no health details."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from tests.features.courses.conftest import Api, new_patient
from tests.support import free_port
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent, Job


class Collect:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


def test_each_reminder_is_sent_once_by_racing_workers(
    api: dict[str, Api], runtime: Runtime, database_url: str
) -> None:
    cora = api["cora"]
    pid = new_patient(cora, "Rita", "Reminder")
    start = (datetime.now(UTC) + timedelta(days=60)).date()
    start -= timedelta(days=start.weekday())  # a Monday
    course = cora.post(
        f"/api/v1/patients/{pid}/courses",
        {"option": "esketamine", "start_on": start.isoformat(), "preferred_time": "10:00"},
    ).json()
    sessions = course["sessions"]
    assert (
        cora.post(f"/api/v1/sessions/{sessions[0]['id']}/cancel", {"reason": "unwell"}).status_code
        == 200
    )
    moved = datetime.fromisoformat(sessions[1]["starts_at"]) + timedelta(days=1, hours=2)
    r = cora.post(
        f"/api/v1/sessions/{sessions[1]['id']}/reschedule", {"starts_at": moved.isoformat()}
    )
    assert r.status_code == 200, r.text
    with runtime.db.begin() as db:
        # (the course's self-report invitations are jobs too, of their own kind, due later)
        reminders = select(Job).where(Job.kind == "course.reminder")
        assert len(list(db.scalars(reminders))) == 13  # 12 at booking + 1 for the new time
        db.execute(
            update(Job)
            .where(Job.kind == "course.reminder")
            .values(run_after=datetime.now(UTC) - timedelta(minutes=1))
        )

    handler = Collect()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        env = {**os.environ, "TRDNAV_SMTP_PORT": str(smtp.port), "TRDNAV_ENVIRONMENT": "test"}
        cmd = [sys.executable, "-m", "trdnav.cli", "jobs", "run", "--database", database_url]
        procs = [
            subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(3)
        ]
        outputs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], outputs
        deadline = time.monotonic() + 5
        while len(handler.messages) < 11 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        smtp.stop()
    messages = handler.messages
    assert len(messages) == 11  # not the cancelled one, not the old time of the moved one
    assert {m["To"] for m in messages} == {"rita@example.org"}
    for m in messages:
        text = (m["Subject"] + m.get_payload()).lower()
        assert "harbor light" in text
        for word in (
            "esketamine",
            "spravato",
            "ketamine",
            "treatment",
            "psychiatr",
            "depress",
            "rita",
        ):
            assert word not in text, word
    moved_local = moved.astimezone(__import__("zoneinfo").ZoneInfo("America/Anchorage"))
    assert sum(moved_local.strftime("%H:%M") in m.get_payload() for m in messages) >= 1
    with runtime.db() as db:
        assert all(j.done_at is not None for j in db.scalars(reminders))
        sent = list(db.scalars(select(AuditEvent).where(AuditEvent.action == "session.reminder")))
    assert len(sent) == 11
