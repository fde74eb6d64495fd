"""The chosen plan after the per-option decisions: which option, who decided, when; the
courses page reads the same choice (one source of truth) and preselects its course."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.cast import Member, make_request
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AuditEvent, PlanChoice


@pytest.fixture
def patient_url(cast: dict[str, Member], runtime: Runtime) -> str:
    rid = make_request(runtime)
    return str(cast["cora"].post(f"/workspace/consultations/{rid}/convert").headers["location"])


def _decide(priya: Member, url: str, option: str, decision: str) -> None:
    reason = "Reviewed with the patient today."  # accepted whether or not it overrides
    data = {"option_id": option, "decision": decision, "reason": reason}
    assert priya.post(f"{url}/candidacy", data).status_code == 303


def test_the_plan_is_chosen_among_decided_options(
    cast: dict[str, Member], patient_url: str, runtime: Runtime
) -> None:
    priya = cast["priya"]
    undecided = priya.post(f"{patient_url}/plan", {"plan_option": "rtms"})
    assert undecided.status_code == 422 and "before choosing it" in undecided.text
    _decide(priya, patient_url, "esketamine", "contraindicated")
    refused = priya.post(f"{patient_url}/plan", {"plan_option": "esketamine"})
    assert refused.status_code == 422 and "eligible or caution" in refused.text
    unknown = priya.post(f"{patient_url}/plan", {"plan_option": "homeopathy"})
    assert unknown.status_code == 422 and "choose one of the options" in unknown.text
    _decide(priya, patient_url, "rtms", "eligible")
    chosen = priya.post(
        f"{patient_url}/plan", {"plan_option": "rtms", "plan_note": "Daily visits work for her."}
    )
    assert chosen.status_code == 303
    with runtime.db() as s:
        (row,) = s.scalars(select(PlanChoice)).all()
        assert row.option_id == "rtms" and row.decided_by == priya.user_id
        assert row.decided_at is not None and row.note == "Daily visits work for her."
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.action == "plan.choose"))
        assert list(actions) == ["plan.choose"]
    page = cast["cora"].get(patient_url).text
    assert "chosen by Priya on" in page and "Daily visits work for her." in page
    # Only prescribers choose; the coordinator sees the plan but not the form.
    assert 'name="plan_option"' not in page
    assert cast["cora"].post(f"{patient_url}/plan", {"plan_option": "rtms"}).status_code == 403


def test_the_courses_page_starts_from_the_chosen_plan(
    cast: dict[str, Member], patient_url: str
) -> None:
    cora, priya = cast["cora"], cast["priya"]
    before = cora.get(f"{patient_url}/courses").text
    assert "No plan chosen yet" in before
    _decide(priya, patient_url, "rtms", "eligible")
    assert priya.post(f"{patient_url}/plan", {"plan_option": "rtms"}).status_code == 303
    page = cora.get(f"{patient_url}/courses").text
    assert "Chosen plan: <strong>" in page and "(Priya," in page
    assert '<option value="rtms" selected>' in page
