"""The patient's side of coverage: the consultation inbox shows a first criteria check from the
person's own answers, marked patient-reported; the aid's cost estimate names the clinic's
payer policy for the person's plan."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.cast import ASSESSMENT, Member, make_request
from tests.features.aid.aid_data import DANA, variant
from trdnav.features.aid.steps import STEP_NAMES
from trdnav.platform.runtime import Runtime


def test_inbox_shows_a_first_check_marked_patient_reported(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    medicare = {**ASSESSMENT, "insurance": {"plan": "medicare"}, "psychotherapy_trial": True}
    rid = make_request(runtime, assessment=medicare)
    page = cast["cora"].get(f"/workspace/consultations/{rid}").text
    section = page[page.index("First coverage check") :]
    assert "patient-reported" in section and "nothing here is confirmed" in section
    # The demo clinic's Medicare policy, for each TMS option it offers.
    assert "Medicare LCD L34522 / L34998" in section
    assert section.count("<details>") == 2  # rtms and deep_tms
    # The person's own words decide nothing a clinician must: diagnosis severity is unknown.
    assert "No clinician&#39;s diagnosis states it" in section
    assert "The person reported: major depressive disorder" in section
    assert "Rests on what the patient reported" in section


def test_inbox_checks_nothing_without_a_payer_plan(
    cast: dict[str, Member], runtime: Runtime
) -> None:
    rid = make_request(runtime, assessment={**ASSESSMENT, "insurance": {"plan": "self_pay"}})
    page = cast["cora"].get(f"/workspace/consultations/{rid}").text
    assert "No payer policy of the clinic matches this plan type" in page
    assert "Medicare LCD" not in page


def test_another_clinics_inbox_checks_every_policy(
    cast: dict[str, Member], runtime: Runtime, clinic_b: int
) -> None:
    # This process holds the demo clinic's configuration only; clinic B's list is not known
    # here, so its first check covers every policy for the plan type (and no demo setting).
    medicare = {**ASSESSMENT, "insurance": {"plan": "medicare"}}
    rid = make_request(runtime, clinic_id=clinic_b, assessment=medicare)
    page = cast["oscar"].get(f"/workspace/consultations/{rid}").text
    assert "Medicare LCD L34522 / L34998" in page and "Medicare LCD L37086" in page


def _answer_all(client: TestClient, answers: dict) -> None:
    page = client.get("/aid/step/about")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    for step in STEP_NAMES:
        data = {**answers[step], "csrf_token": match.group(1), "nav": "next"}
        assert (
            client.post(f"/aid/step/{step}", data=data, follow_redirects=False).status_code == 303
        )


def test_aid_cost_names_the_clinics_policy_for_the_plan(client: TestClient) -> None:
    _answer_all(client, variant(insurance={"plan": "medicare"}))
    html = client.get("/aid/results").text
    assert html.count("Payer policies this clinic uses for your plan:") >= 2  # rTMS, deep TMS
    assert "Medicare LCD L34522 / L34998" in html and 'href="/sources#LCD-L34522"' in html
    assert "Aetna Clinical Policy Bulletin" not in html


def test_aid_names_every_commercial_policy_of_the_clinic(client: TestClient) -> None:
    _answer_all(client, DANA)  # commercial insurance
    html = client.get("/aid/results").text
    for name in ("Aetna Clinical Policy Bulletin 0469", "UnitedHealthcare", "Centene", "Cigna"):
        assert name in html
    assert "Medicare LCD" not in html
