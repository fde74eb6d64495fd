"""Requests whose answers raised the urgent suicide-risk alert sit on top of the inbox."""

from __future__ import annotations

from sqlalchemy import update

from tests.cast import Member, make_request
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import ConsultationRequest


def _set(runtime: Runtime, rid: str, **values: object) -> None:
    with runtime.db.begin() as db:
        db.execute(update(ConsultationRequest).where(ConsultationRequest.id == rid).values(values))


def test_urgent_first_then_prompt_then_newest(cast: dict[str, Member], runtime: Runtime) -> None:
    make_request(runtime, name="Plain Older")
    urgent = make_request(runtime, name="Urgent Person")
    prompt = make_request(runtime, name="Prompt Person")
    make_request(runtime, name="Plain Newest")
    done = make_request(runtime, name="Urgent Declined")
    _set(runtime, urgent, urgency="urgent")
    _set(runtime, prompt, urgency="prompt")
    _set(runtime, done, urgency="urgent", status="declined")
    text = cast["cora"].get("/workspace/consultations").text
    body = text.split("<tbody>", 1)[1]
    at = body.index
    assert at("Urgent Person") < at("Prompt Person") < at("Plain Newest") < at("Plain Older")
    # A declined request loses the priority.
    assert body.index("Urgent Declined") > body.index("Prompt Person")
    assert "Urgent: suicide risk" in body.split("Prompt Person")[0]
