"""The decision aid's pages in-process on a real database: flow, safety, privacy, PDF."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.features.aid.aid_data import COLIN, DANA, RILEY
from trdnav.features.aid.answers import to_request
from trdnav.features.aid.drafts import AID_COOKIE
from trdnav.features.aid.steps import STEP_NAMES
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AidDraft


def _csrf(client: TestClient) -> str:
    page = client.get("/aid/step/about")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


def _answer_all(client: TestClient, answers: dict) -> str:
    token = _csrf(client)
    for step in STEP_NAMES:
        r = client.post(
            f"/aid/step/{step}",
            data={**answers[step], "csrf_token": token, "nav": "next"},
            follow_redirects=False,
        )
        assert r.status_code == 303, (step, r.text[:500])
        assert "?" not in r.headers["location"]  # nothing in query strings, ever
    return token


@pytest.mark.parametrize("path", ["/", "/crisis", "/sources", "/aid/step/about", "/aid/forget"])
def test_pages_render_with_crisis_link_and_local_assets_only(client: TestClient, path: str):
    r = client.get(path)
    assert r.status_code == 200
    assert 'href="/crisis"' in r.text
    assert not re.search(r'(src|href)="(https?:)?//', r.text), "no third-party asset"


def test_start_page_shows_conflict_funding_and_evidence_version(
    client: TestClient, runtime: Runtime
):
    text = client.get("/").text
    assert runtime.clinic.funding in text
    assert runtime.clinic.conflict_of_interest in text
    assert runtime.engine.evidence.version in text
    assert "does not replace" in text


def test_results_come_from_the_same_engine_as_the_api(client: TestClient):
    _answer_all(client, DANA)
    api = client.post(
        "/api/v1/assessments",
        content=to_request(DANA).model_dump_json(exclude_none=True),
        headers={"Content-Type": "application/json"},  # JSON endpoints take only JSON (415)
    ).json()
    html = client.get("/aid/results").text
    ranked = re.findall(r"<li><strong>([^<]+)</strong> – fits your priorities", html)
    names = {o["id"]: o["name"] for o in api["options"]}
    assert ranked == [names[i] for i in api["ranking"]]
    for option in api["options"]:
        assert option["name"] in html
    assert 'href="/aid/consultation"' in html  # the way to reach the clinic ends the page
    for sid in api["sources"]:
        if sid.startswith("CLINIC-PRICES"):
            continue
        assert f'/sources#{sid}"' in html or sid not in html


def test_every_source_link_resolves_on_the_sources_page(client: TestClient):
    _answer_all(client, DANA)
    html = client.get("/aid/results").text
    cited = set(re.findall(r'href="/sources#([^"]+)"', html))
    assert cited
    sources = client.get("/sources").text
    missing = [sid for sid in cited if f'id="{sid}"' not in sources]
    assert not missing


def test_invalid_step_keeps_what_was_typed_and_names_fields(client: TestClient):
    token = _csrf(client)
    r = client.post("/aid/step/about", data={"age": "200", "csrf_token": token, "nav": "next"})
    assert r.status_code == 200
    assert "There is a problem" in r.text
    assert 'href="#age"' in r.text and 'href="#pregnancy"' in r.text
    assert 'value="200"' in r.text
    again = client.get("/aid/step/about").text
    assert 'value="200"' in again


def test_back_saves_without_validating(client: TestClient):
    token = _csrf(client)
    client.post("/aid/step/about", data={**DANA["about"], "csrf_token": token, "nav": "next"})
    r = client.post(
        "/aid/step/diagnosis",
        data={"conditions": "ocd", "csrf_token": token, "nav": "back"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/aid/step/about"
    assert re.search(r'value="ocd" checked', client.get("/aid/step/diagnosis").text)


def test_forms_need_the_csrf_token(client: TestClient):
    r = client.post("/aid/step/about", data=DANA["about"])
    assert r.status_code == 403


def test_cookie_is_httponly_lax_and_answers_are_not_in_it(client: TestClient):
    token = _csrf(client)
    r = client.post(
        "/aid/step/about",
        data={**DANA["about"], "csrf_token": token, "nav": "next"},
        follow_redirects=False,
    )
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{AID_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/;" in cookie
    assert "42" not in cookie.split(";")[0]
    assert r.headers.get("cache-control") is None or "no-store" in r.headers["cache-control"]


def test_pages_with_answers_are_not_cached(client: TestClient):
    _answer_all(client, DANA)
    assert client.get("/aid/results").headers["cache-control"] == "no-store"


def test_crisis_panel_on_next_page_and_results(client: TestClient):
    token = _csrf(client)
    for step in ("about", "diagnosis"):
        client.post(f"/aid/step/{step}", data={**RILEY[step], "csrf_token": token, "nav": "next"})
    assert 'id="crisis-panel"' not in client.get("/aid/step/feelings").text
    r = client.post(
        "/aid/step/feelings", data={**RILEY["feelings"], "csrf_token": token, "nav": "next"}
    )
    main = r.text.split('<main id="main"', 1)[1]
    assert main.index('id="crisis-panel"') < main.index("<h1")
    for step in STEP_NAMES[3:]:
        client.post(f"/aid/step/{step}", data={**RILEY[step], "csrf_token": token, "nav": "next"})
    results = client.get("/aid/results").text
    main = results.split('<main id="main"', 1)[1]
    assert main.index('id="crisis-panel"') < main.index("<h1")
    assert 'href="tel:988"' in main and 'href="tel:911"' in main


def test_htmx_field_check_shows_crisis_panel_at_once(client: TestClient):
    token = _csrf(client)
    r = client.post(
        "/aid/step/feelings/check",
        data={"phq9_9": "1"},
        headers={"HX-Request": "true", "HX-Trigger-Name": "phq9_9", "X-CSRF-Token": token},
    )
    assert r.status_code == 200
    assert 'id="err-phq9_9"' in r.text and "hidden" in r.text
    assert 'hx-swap-oob="true"' in r.text and 'id="crisis-panel"' in r.text


def test_htmx_field_check_names_the_error(client: TestClient):
    token = _csrf(client)
    r = client.post(
        "/aid/step/about/check",
        data={"age": "abc"},
        headers={"HX-Request": "true", "HX-Trigger-Name": "age", "X-CSRF-Token": token},
    )
    assert "Enter a whole number" in r.text
    assert "crisis-panel" not in r.text


def test_cochlear_implant_rules_out_every_tms_option(client: TestClient):
    _answer_all(client, COLIN)
    html = client.get("/aid/results").text
    ranked = re.findall(r"<li><strong>([^<]+)</strong> – fits your priorities", html)
    assert ranked and not any("TMS" in name or "iTBS" in name for name in ranked)
    assert html.count("Ruled out") >= 3
    assert "cochlear implant" in html


def test_reranking_changes_the_order_in_place(client: TestClient):
    token = _answer_all(client, DANA)
    before = re.findall(r"<li><strong>([^<]+)</strong> – fits", client.get("/aid/results").text)
    fragment = client.post(
        "/aid/results",
        data={
            "pref_few_visits": "4",
            "pref_lasting_results": "0",
            "pref_low_cost": "0",
            "csrf_token": token,
        },
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="comparison">')
    after = re.findall(r"<li><strong>([^<]+)</strong> – fits", fragment.text)
    assert after != before and sorted(after) == sorted(before)
    # Without JavaScript the same form redirects back to the full page, which keeps the change.
    r = client.post(
        "/aid/results", data={"pref_few_visits": "4", "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/aid/results")
    assert 'value="4" selected' in client.get("/aid/results").text


def test_results_without_answers_explain_what_is_missing(client: TestClient):
    r = client.get("/aid/results")
    assert r.status_code == 200 and "A few answers are missing" in r.text


def test_takeaway_page_and_pdf(client: TestClient):
    _answer_all(client, DANA)
    page = client.get("/aid/takeaway").text
    assert "Questions to bring to the consultation" in page
    assert "The first six weeks: a sketch of visits" in page
    assert "sertraline" in page  # the person's own answers are on it
    pdf = client.get("/aid/takeaway.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.headers["cache-control"] == "no-store"


def test_forget_deletes_the_row_and_the_cookie(client: TestClient, runtime: Runtime):
    token = _answer_all(client, DANA)
    r = client.post("/aid/forget", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert f'{AID_COOKIE}=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers["set-cookie"]
    with runtime.db() as s:
        assert s.scalars(select(AidDraft)).all() == []
    assert "A few answers are missing" in client.get("/aid/results").text


def test_answers_stored_are_the_raw_form_values(client: TestClient, runtime: Runtime):
    _answer_all(client, DANA)
    with runtime.db() as s:
        row = s.scalars(select(AidDraft)).one()
    stored = json.loads(json.dumps(row.answers))
    # Every field of a step is kept; fields left empty are stored as "".
    assert {st: {k: v for k, v in f.items() if v != ""} for st, f in stored.items()} == DANA


def test_a_new_session_purges_expired_ones(client: TestClient, runtime: Runtime):
    from datetime import UTC, datetime, timedelta

    from trdnav.features.aid import drafts as aid_sessions

    old = datetime.now(UTC) - aid_sessions.IDLE - timedelta(minutes=1)
    with runtime.db() as s:
        aid_sessions.save_step(s, "stale-token", "about", DANA["about"], old)
    _answer_all(client, DANA)
    with runtime.db() as s:
        assert len(s.scalars(select(AidDraft)).all()) == 1
        assert aid_sessions.load(s, "stale-token", old) is None
