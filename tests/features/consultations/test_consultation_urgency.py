"""Urgency travels with a consultation request: stored from the one suicide-risk rule, and the
clinic's email says "urgent" without any health detail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.features.consultations import test_consultation_api as api
from tests.features.consultations.test_consultation_api import Inbox
from trdnav.features.consultations import service as consultations
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import ConsultationRequest

inbox = api.inbox
settings = api.settings
T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
NAME = "Riley Quinn"


def _body(item9: int | None, thoughts: str | None) -> dict:
    assessment: dict = {"age": 30, "conditions": ["major_depressive_disorder"]}
    if item9 is not None:
        assessment["phq9_items"] = [1, 1, 1, 1, 1, 1, 1, 1, item9]
    if thoughts is not None:
        assessment["suicidal_thoughts"] = thoughts
    return {
        "name": NAME,
        "email": "riley@example.org",
        "consent_to_contact": True,
        "assessment": assessment,
    }


@pytest.mark.parametrize(
    ("item9", "thoughts", "urgency"),
    [
        (0, "none", None),
        (1, "none", "prompt"),
        (0, "passive", "prompt"),
        (3, "active", "urgent"),
        (0, "active_with_plan", "urgent"),
        (None, None, None),  # "not asked" is for the clinician to ask, not a risk urgency
    ],
)
def test_the_request_stores_the_engine_urgency(
    runtime: Runtime, item9: int | None, thoughts: str | None, urgency: str | None
) -> None:
    body = _body(item9, thoughts)
    view = consultations.receive(runtime, body, surface="api", client="c", key=None, now=T0).view
    with runtime.db() as db:
        row = db.get(ConsultationRequest, view.id)
        assert row is not None and row.urgency == urgency


def test_without_answers_no_urgency(runtime: Runtime) -> None:
    body = {"name": NAME, "phone": "+1 907 555 0100", "consent_to_contact": True}
    view = consultations.receive(runtime, body, surface="api", client="c", key=None, now=T0).view
    with runtime.db() as db:
        assert db.scalar(select(ConsultationRequest.urgency)) is None
        assert db.get(ConsultationRequest, view.id) is not None


def _mail(runtime: Runtime, inbox: Inbox, body: dict) -> tuple[str, str]:
    view = consultations.receive(runtime, body, surface="api", client="c", key=None, now=T0).view
    assert consultations.notify_clinic(runtime, view, now=T0)
    message = inbox.messages[-1]
    return str(message["Subject"]), message.get_payload(decode=True).decode()


def test_the_clinic_email_says_urgent_and_nothing_about_health(
    runtime: Runtime, inbox: Inbox
) -> None:
    subject, text = _mail(runtime, inbox, _body(3, "active_with_plan"))
    assert subject.startswith("URGENT")
    assert text.startswith("URGENT")
    lowered = (subject + text).lower()
    for secret in (NAME.lower(), "riley@", "suicid", "self-harm", "phq", "plan", "thought"):
        assert secret not in lowered


def test_a_prompt_or_plain_request_is_not_called_urgent(runtime: Runtime, inbox: Inbox) -> None:
    subject, text = _mail(runtime, inbox, _body(1, "passive"))
    assert subject == "New consultation request" and "URGENT" not in text
