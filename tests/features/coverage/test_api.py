"""Contract clinic-api-v1, "Coverage and prior authorization": the check, the policy list, a
draft request and its packet, with the common rules (problem documents, 401/403/404/422/409,
another clinic's id is 404, every read or write of health data audited)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cast import Member, now
from tests.features.coverage.conftest import audit_actions
from trdnav.features.accounts.guard import COOKIE
from trdnav.features.tokens.service import create_token
from trdnav.platform.runtime import Runtime


def api(member: Member, method: str, url: str, body: Any = None) -> Any:
    """Call the API as this member, with a fresh staff API token of their own clinic."""
    runtime = member.client.app.state.runtime
    slug = "northside" if member.name == "oscar" else runtime.clinic.slug
    with runtime.db.begin() as db:
        token = create_token(db, member.email, slug, "tests", now())[1]
    return member.client.request(
        method, url, json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_check_has_the_contract_shape_and_decides_from_the_record(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    response = api(
        cast["cora"],
        "GET",
        f"/api/v1/patients/{patient_id}/coverage-check?option=rtms&policy=LCD-L34522",
    )
    assert response.status_code == 200
    body = response.json()
    assert {"policy", "option", "criteria", "summary"} <= set(body)
    assert (body["policy"], body["option"]) == ("LCD-L34522", "rtms")
    for c in body["criteria"]:
        assert {"id", "text", "met", "evidence", "source_ids"} <= set(c)
        assert c["met"] in (True, False, None) and c["source_ids"]
    by_id = {c["id"]: c for c in body["criteria"]}
    assert by_id["severe-mdd"]["met"] is True and "F33.2" in by_id["severe-mdd"]["evidence"]
    assert (
        by_id["failed-trial"]["met"] is True and "sertraline" in by_id["failed-trial"]["evidence"]
    )
    assert by_id["no-implant-near-coil"]["met"] is True
    # Who orders is a fact of the request, not of the record: unknown here, never guessed.
    assert by_id["psychiatrist-orders"]["met"] is None
    assert body["summary"] == "incomplete"
    assert audit_actions(runtime, patient_id)[-1] == "coverage.check"


def test_centene_reads_the_phq9_and_its_date(cast: dict[str, Member], patient_id: str) -> None:
    body = api(
        cast["priya"],
        "GET",
        f"/api/v1/patients/{patient_id}/coverage-check?option=rtms&policy=CENTENE-TMS",
    ).json()
    phq9 = next(c for c in body["criteria"] if c["id"] == "phq9-15")
    assert (
        phq9["met"] is True
        and "PHQ-9 21 (severe)" in phq9["evidence"]
        and "clinician-administered" in phq9["evidence"]
    )
    assert body["summary"] == "met"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("option=laser&policy=LCD-L34522", "option"),
        ("option=rtms&policy=NOPE", "policy"),
        ("option=esketamine&policy=LCD-L34522", "option"),
        ("policy=LCD-L34522", "query.option"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    cast: dict[str, Member], patient_id: str, query: str, field: str
) -> None:
    response = api(cast["cora"], "GET", f"/api/v1/patients/{patient_id}/coverage-check?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert {"title", "detail", "errors"} <= set(problem)
    assert [e["field"] for e in problem["errors"]] == [field]


def test_who_may_call_what(cast: dict[str, Member], patient_id: str, runtime: Runtime) -> None:
    url = f"/api/v1/patients/{patient_id}/coverage-check?option=rtms&policy=LCD-L34522"
    # No credentials, a forged token, or a signed-in browser's login cookie: 401.
    assert cast["cora"].client.get(url).status_code == 401
    forged = {"Authorization": "Bearer trdnav_forged"}
    assert cast["cora"].client.get(url, headers=forged).status_code == 401
    login = cast["cora"].client.cookies.get(COOKIE)
    assert cast["cora"].client.get(url, headers={"Cookie": f"{COOKIE}={login}"}).status_code == 401
    # A technician's role lacks coverage: 403; admins read but do not write.
    assert api(cast["ted"], "GET", url).status_code == 403
    assert api(cast["alice"], "GET", url).status_code == 200
    create = f"/api/v1/patients/{patient_id}/prior-authorizations"
    body = {"option": "rtms", "policy": "LCD-L34522", "payer": "Medicare"}
    assert api(cast["alice"], "POST", create, body).status_code == 403
    # Another clinic's patient is 404 for everything, whatever the role would allow.
    oscar = cast["oscar"]
    assert api(oscar, "GET", url).status_code == 404
    assert api(oscar, "POST", create, body).status_code == 404
    assert api(oscar, "GET", f"{create}").status_code == 404
    denied = [a for a in audit_actions(runtime, patient_id) if a.startswith("authorization")]
    assert denied == []  # refused calls changed and read nothing


def test_policies_are_listed_with_sources_and_pages(cast: dict[str, Member]) -> None:
    body = api(cast["cora"], "GET", "/api/v1/coverage-policies").json()
    ids = [p["id"] for p in body["items"]]
    assert body["next_cursor"] is None
    for pid in (
        "LCD-L34522",
        "LCD-L37086",
        "AETNA-CPB0469",
        "UHC-TMS",
        "CENTENE-TMS",
        "CIGNA-SPRAVATO",
        "QUALCHOICE-SPRAVATO",
    ):
        assert pid in ids
    assert all(p["source_ids"] for p in body["items"])
    works = {p["id"]: p["clinic_works_with"] for p in body["items"]}
    assert works["LCD-L34522"] is True and works["LCD-L37086"] is False  # the demo clinic's list
    first = api(cast["cora"], "GET", "/api/v1/coverage-policies?limit=3").json()
    rest = api(
        cast["cora"], "GET", f"/api/v1/coverage-policies?limit=10&cursor={first['next_cursor']}"
    ).json()
    assert [p["id"] for p in first["items"] + rest["items"]] == ids and rest["next_cursor"] is None


def test_a_request_starts_as_a_draft_and_moves_through_its_statuses(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    cora = cast["cora"]
    base = f"/api/v1/patients/{patient_id}/prior-authorizations"
    created = api(
        cora, "POST", base, {"option": "rtms", "policy": "LCD-L34522", "payer": "Medicare Part B"}
    )
    assert created.status_code == 201
    pa = created.json()
    assert pa["status"] == "draft" and pa["payer"] == "Medicare Part B"
    # Filled in from the policy and the record: 20 + 5 sessions, 90867 once, 90868 for the rest.
    assert pa["requested_units"] == 25
    assert pa["planned_codes"] == [{"code": "90867", "units": 1}, {"code": "90868", "units": 24}]
    assert pa["diagnosis_codes"] == ["F33.2"]
    url = f"{base}/{pa['id']}"
    assert api(cora, "GET", url).json()["history"][0]["status"] == "draft"
    skipped = api(cora, "POST", f"{url}/status", {"status": "approved", "on": "2020-01-01"})
    assert skipped.status_code == 409  # a draft is submitted before anything else
    early = api(cora, "POST", f"{url}/status", {"status": "submitted", "on": "2999-01-01"})
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "on"
    today = pa["status_on"]
    assert (
        api(cora, "POST", f"{url}/status", {"status": "submitted", "on": today}).status_code == 200
    )
    missing = api(cora, "POST", f"{url}/status", {"status": "approved", "on": today})
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {
        "reference_number",
        "authorized_units",
        "period_start",
        "period_end",
    }
    approved = api(
        cora,
        "POST",
        f"{url}/status",
        {
            "status": "approved",
            "on": today,
            "reference_number": "MCR-123",
            "authorized_units": 25,
            "period_start": today,
            "period_end": "2999-12-31",
        },
    )
    assert approved.status_code == 200
    body = approved.json()
    assert (body["status"], body["authorized_units"], body["reference_number"]) == (
        "approved",
        25,
        "MCR-123",
    )
    assert [h["status"] for h in body["history"]] == ["draft", "submitted", "approved"]
    listed = api(cora, "GET", base).json()
    assert [i["id"] for i in listed["items"]] == [pa["id"]] and listed["next_cursor"] is None
    actions = audit_actions(runtime, patient_id)
    assert actions.count("authorization.create") == 1 and actions.count("authorization.status") == 2


def test_create_names_every_bad_field(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    base = f"/api/v1/patients/{patient_id}/prior-authorizations"
    response = api(
        cast["cora"], "POST", base, {"option": "rtms", "policy": "LCD-L34522", "payer": "", "x": 1}
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"payer", "x"}
    wrong = api(
        cast["cora"],
        "POST",
        base,
        {"option": "accelerated_itbs", "policy": "LCD-L34522", "payer": "Medicare"},
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "option"
    assert "authorization.create" not in audit_actions(runtime, patient_id)


def test_the_packet_is_a_pdf_and_its_read_is_audited(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    base = f"/api/v1/patients/{patient_id}/prior-authorizations"
    pa = api(
        cast["cora"], "POST", base, {"option": "rtms", "policy": "CENTENE-TMS", "payer": "Ambetter"}
    ).json()
    response = api(cast["priya"], "GET", f"{base}/{pa['id']}/packet.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b"%PDF-")
    assert audit_actions(runtime, patient_id)[-1] == "authorization.packet"
    assert api(cast["oscar"], "GET", f"{base}/{pa['id']}/packet.pdf").status_code == 404
