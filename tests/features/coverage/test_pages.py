"""The workspace's coverage pages: the patient's coverage tab, a request's page through its
statuses, the continuation request, and the coordinator's list."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.cast import Member
from tests.features.coverage.conftest import audit_actions
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import PriorAuthorization


def _today(runtime: Runtime) -> str:
    from zoneinfo import ZoneInfo

    return datetime.now(UTC).astimezone(ZoneInfo(runtime.clinic.time_zone)).date().isoformat()


def _start(cora: Member, patient_id: str, policy: str = "LCD-L34522", **extra: str) -> str:
    body = {"option": "rtms", "policy": policy, "payer": "Medicare", **extra}
    response = cora.post(f"/workspace/patients/{patient_id}/authorizations", body)
    assert response.status_code == 303, response.text[:300]
    return str(response.headers["location"])


def test_tab_checks_the_policy_for_the_patients_plan(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    page = cast["cora"].get(f"/workspace/patients/{patient_id}/coverage")
    assert page.status_code == 200
    text = page.text
    # The patient's plan type is Medicare: the clinic's Medicare LCD is checked first.
    assert 'value="LCD-L34522:rtms" selected' in text
    assert "Severe major depressive disorder" in text and "F33.2" in text
    assert "Ordered by a psychiatrist" in text and "unknown" in text
    assert "whether the ordering clinician is a psychiatrist" in text  # what would decide it
    assert "20 sessions plus 5 taper sessions" in text and "LCD-L34522" in text
    assert "Our sources do not state an age limit" in text
    assert "Start a draft for Medicare" in text
    assert audit_actions(runtime, patient_id)[-1] == "coverage.check"
    other = cast["cora"].get(f"/workspace/patients/{patient_id}/coverage?check=AETNA-CPB0469:rtms")
    assert "Age 15 or older" in other.text and "adjunct to medication" in other.text
    # Nobody has said how many augmentation trials there were: unknown, with what decides it.
    assert "A trial of augmentation" in other.text and "how many augmentation trials" in other.text
    # Admins read the tab but do not start requests.
    assert (
        "Start a draft" not in cast["alice"].get(f"/workspace/patients/{patient_id}/coverage").text
    )


def test_a_bad_choice_is_named_in_the_error_summary(
    cast: dict[str, Member], patient_id: str
) -> None:
    page = cast["cora"].get(
        f"/workspace/patients/{patient_id}/coverage?check=LCD-L34522:esketamine"
    )
    assert page.status_code == 422
    assert (
        "There is a problem" in page.text
        and "applies to rtms, deep_tms, not esketamine" in page.text
    )


def test_draft_edit_names_each_bad_field_and_keeps_what_was_typed(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    cora = cast["cora"]
    url = _start(cora, patient_id)
    bad = {
        "payer": "",
        "requested_units": "lots",
        "pdmp_checked_on": "2999-01-01",
        "code_1": "G2082",
        "units_1": "3",
        "diagnosis_codes": "F33.2, Z99.9",
        "ordering_clinician": "Dr. Priya Shah",
    }
    response = cora.post(url, bad)
    assert response.status_code == 422
    for message in (
        "payer: is required",
        "requested units: must be a whole number",
        "cannot be in the future",
        "must be one of 90867, 90868, 90869",
        "Z99.9 is not an accepted ICD-10-CM code",
    ):
        assert message in response.text, message
    assert 'value="Dr. Priya Shah"' in response.text  # nothing typed is lost
    with runtime.db() as db:
        pa = db.scalars(select(PriorAuthorization)).one()
        assert (pa.payer, pa.requested_units, pa.ordering_clinician) == ("Medicare", 25, None)
    good = {
        **bad,
        "payer": "Medicare Part B",
        "requested_units": "25",
        "pdmp_checked_on": "",
        "code_1": "90867",
        "units_1": "1",
        "code_2": "90868",
        "units_2": "24",
        "diagnosis_codes": "F33.2",
        "ordering_psychiatrist": "yes",
    }
    assert cora.post(url, good).status_code == 303
    page = cora.get(url).text
    assert "90867 × 1; 90868 × 24" in page and "Dr. Priya Shah (psychiatrist)" in page
    # With the psychiatrist on the request the Medicare check is complete.
    assert "All criteria met" in page


def test_statuses_follow_the_payer_and_the_list_shows_what_runs_out(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    cora, today = cast["cora"], _today(runtime)
    url = _start(cora, patient_id)
    assert "Download the packet (PDF)" in cora.get(url).text
    wrong = cora.post(f"{url}/status", {"status": "approved", "on": today})
    assert wrong.status_code == 422 and "can only become submitted" in wrong.text
    assert (
        cora.post(
            f"{url}/status", {"status": "submitted", "on": today, "reference_number": "CASE-9"}
        ).status_code
        == 303
    )
    incomplete = cora.post(
        f"{url}/status", {"status": "approved", "on": today, "authorized_units": "25"}
    )
    assert incomplete.status_code == 422
    assert "the payer&#39;s authorization number is required" in incomplete.text
    assert 'value="25"' in incomplete.text
    ends = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    approve = {
        "status": "approved",
        "on": today,
        "reference_number": "AUTH-77",
        "authorized_units": "25",
        "period_start": today,
        "period_end": ends,
    }
    assert cora.post(f"{url}/status", approve).status_code == 303
    page = cora.get(url).text
    assert "Approved" in page and "AUTH-77" in page and "25 sessions" in page
    # Until courses are linked, units used are unknown, never shown as 0.
    assert "the course's sessions are not linked" in page
    assert f"The authorized period ends on {ends}" in page
    listed = cora.get("/workspace/authorizations")
    assert (
        listed.status_code == 200 and "Ana Diaz" in listed.text and f"ends on {ends}" in listed.text
    )
    assert "Ana Diaz" not in cast["oscar"].get("/workspace/authorizations").text
    history = re.findall(r'<tr><th scope="row">(Draft|Submitted|Approved)</th>', page)
    assert history == ["Draft", "Submitted", "Approved"]
    assert audit_actions(runtime, patient_id).count("authorization.status") == 2


def test_more_sessions_need_the_improvement_since_baseline(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    cora, nina, today = cast["cora"], cast["nina"], _today(runtime)
    url = _start(cora, patient_id)
    start = (datetime.now(UTC) - timedelta(days=5)).date().isoformat()
    assert cora.post(f"{url}/status", {"status": "submitted", "on": today}).status_code == 303
    approve = {
        "status": "approved",
        "on": today,
        "reference_number": "AUTH-1",
        "authorized_units": "25",
        "period_start": start,
        "period_end": "2999-01-01",
    }
    assert cora.post(f"{url}/status", approve).status_code == 303
    assert "Request more sessions" in cora.get(url).text
    # A PHQ-9 during the course: 11 against the baseline of 21 is a 47.6% improvement.
    items = {f"item{i}": str(v) for i, v in enumerate([2, 2, 1, 1, 1, 1, 1, 1, 1], start=1)}
    assert nina.post(f"/workspace/patients/{patient_id}/phq9", items).status_code == 303
    approval = url.rsplit("/", 1)[1]
    other = cora.post(
        f"/workspace/patients/{patient_id}/authorizations",
        {"option": "rtms", "policy": "UHC-TMS", "payer": "UHC", "continuation_of": approval},
    )
    assert other.status_code == 422 and "same policy and option" in other.text
    draft = cora.post(
        f"/workspace/patients/{patient_id}/authorizations",
        {"option": "rtms", "policy": "LCD-L34522", "payer": "Medicare", "continuation_of": "nope"},
    )
    assert draft.status_code == 422 and "is not a request of this patient" in draft.text
    more = _start(cora, patient_id, continuation_of=approval)
    page = cora.get(more).text
    assert "a request for more sessions" in page
    assert "At least 25% improvement since baseline (PHQ-9)" in page
    assert "47.6% improvement" in page and "PHQ-9 21 on" in page
    with runtime.db() as db:
        draft = db.get(PriorAuthorization, more.rsplit("/", 1)[1])
        assert (
            draft is not None and draft.requested_units == 16 and str(draft.course_start) == start
        )
