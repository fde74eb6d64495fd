"""The clinic's email notice: sent once, retried after the mail server was away, never lost."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.features.consultations import test_consultation_api as api
from tests.features.consultations.test_consultation_api import Inbox
from tests.support import refused_port
from trdnav.features.consultations import service as consultations
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import ConsultationRequest

inbox = api.inbox  # fixtures: a real SMTP server, settings pointing at it
settings = api.settings

T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
BODY = {"name": "Ana Diaz", "email": "ana@example.org", "consent_to_contact": True}


def _receive(runtime: Runtime, now: datetime) -> consultations.ConsultationView:
    receipt = consultations.receive(runtime, BODY, surface="api", client="c", key=None, now=now)
    return receipt.view


def _pending(runtime: Runtime) -> list[bool]:
    with runtime.db() as db:
        query = select(ConsultationRequest.clinic_notice_pending).order_by(
            ConsultationRequest.received_at
        )
        return list(db.scalars(query))


@pytest.fixture
def mail_down() -> Iterator[int]:
    """A port where the mail server is down (refuses connections) for the whole test."""
    with refused_port() as port:
        yield port


def _mail_server_away(runtime: Runtime, down: int) -> int:
    port = runtime.settings.smtp_port
    runtime.settings = runtime.settings.model_copy(update={"smtp_port": down})
    return port


def test_a_notice_is_sent_once_and_marked(runtime: Runtime, inbox: Inbox) -> None:
    view = _receive(runtime, T0)
    assert _pending(runtime) == [True]

    assert consultations.notify_clinic(runtime, view, now=T0)
    assert consultations.notify_clinic(runtime, view, now=T0)  # a second call sends nothing

    assert len(inbox.messages) == 1
    assert _pending(runtime) == [False]


def test_a_failed_notice_is_retried_with_the_next_request(
    runtime: Runtime, inbox: Inbox, mail_down: int
) -> None:
    port = _mail_server_away(runtime, mail_down)
    first = _receive(runtime, T0)
    assert consultations.notify_clinic(runtime, first, now=T0) is False
    assert _pending(runtime) == [True]  # stored, and still owed a notice

    runtime.settings = runtime.settings.model_copy(update={"smtp_port": port})  # back again
    later = T0 + timedelta(minutes=5)
    second = _receive(runtime, later)
    assert consultations.notify_clinic(runtime, second, now=later)

    links = sorted(
        m.get_payload(decode=True).decode().split("consultations/")[1][:36] for m in inbox.messages
    )
    assert links == sorted([first.id, second.id])
    assert _pending(runtime) == [False, False]


def test_retries_wait_a_minute_and_give_up_after_a_week(runtime: Runtime, inbox: Inbox) -> None:
    _receive(runtime, T0)

    assert consultations.notify_pending(runtime, T0 + timedelta(seconds=30)) == 0
    assert consultations.notify_pending(runtime, T0 + timedelta(days=8)) == 0
    assert consultations.notify_pending(runtime, T0 + timedelta(minutes=2)) == 1
    assert len(inbox.messages) == 1


def test_workers_retrying_at_once_send_each_notice_once(runtime: Runtime, inbox: Inbox) -> None:
    for minute in range(3):
        _receive(runtime, T0 + timedelta(minutes=minute))
    retry_at = T0 + timedelta(minutes=10)

    with ThreadPoolExecutor(max_workers=4) as pool:
        sent = list(pool.map(lambda _: consultations.notify_pending(runtime, retry_at), range(4)))

    assert len(inbox.messages) == 3
    assert sum(sent) == 3  # a worker that lost a claim to another sends nothing
    assert _pending(runtime) == [False, False, False]


def test_requests_made_elsewhere_are_never_mailed_about(runtime: Runtime, inbox: Inbox) -> None:
    with runtime.db.begin() as db:
        db.add(
            ConsultationRequest(
                id="00000000-0000-4000-8000-000000000001",
                clinic_id=runtime.clinic_id,
                status="new",
                name="Entered by staff",
                consent_to_contact=True,
                received_at=T0,
                updated_at=T0,
            )
        )

    assert consultations.notify_pending(runtime, T0 + timedelta(hours=1)) == 0
    assert inbox.messages == []
