"""Safety at the moment of disclosure: the crisis panel under the question, focus moved to it,
and the "Are you safe right now?" step before anything else with a plan or intent."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.features.aid.aid_data import DANA, RILEY, variant
from trdnav.features.aid.steps import STEP_NAMES

CHECK = "/aid/step/feelings/check"


def _csrf(client: TestClient) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/aid/step/about").text)
    assert match
    return match.group(1)


def _check(client: TestClient, token: str, data: dict[str, str], trigger: str) -> str:
    r = client.post(
        CHECK,
        data=data,
        headers={"HX-Request": "true", "HX-Trigger-Name": trigger, "X-CSRF-Token": token},
    )
    assert r.status_code == 200
    return r.text


def test_panel_appears_under_the_risk_item_and_takes_focus(client: TestClient):
    token = _csrf(client)
    html = _check(client, token, {"phq9_9": "1"}, "phq9_9")
    under_item = html.split('id="crisis-at-suicidal_thoughts"')[0]
    assert 'id="crisis-panel"' in under_item and "autofocus" in under_item
    assert 'href="tel:988"' in under_item and 'href="sms:988"' in under_item
    # The other slot is emptied: one panel, next to the question just answered.
    assert html.count('id="crisis-panel"') == 1


def test_focus_moves_only_when_the_panel_appears_or_grows_more_urgent(client: TestClient):
    token = _csrf(client)
    shown = {"phq9_9": "1", "crisis_shown": "prompt", "crisis_at": "phq9_9"}
    same = _check(client, token, {**shown, "suicidal_thoughts": "passive"}, "suicidal_thoughts")
    assert 'id="crisis-panel"' in same and "autofocus" not in same
    # Now under the question just answered.
    assert 'id="crisis-panel"' in same.split('id="crisis-at-suicidal_thoughts"')[1]
    worse = _check(
        client, token, {**shown, "suicidal_thoughts": "active_with_plan"}, "suicidal_thoughts"
    )
    assert "autofocus" in worse and 'data-urgency="urgent"' in worse
    assert "Are you safe right now" not in worse  # that is the next step, not this panel
    none = _check(client, token, {"phq9_9": "0", "suicidal_thoughts": "none"}, "phq9_9")
    assert 'id="crisis-panel"' not in none


def test_without_javascript_the_step_page_shows_the_panel_inline_not_on_top(client: TestClient):
    token = _csrf(client)
    for step in ("about", "diagnosis"):
        client.post(f"/aid/step/{step}", data={**RILEY[step], "csrf_token": token, "nav": "back"})
    # An incomplete "how you feel" step with item 9 above 0 re-renders with errors...
    r = client.post("/aid/step/feelings", data={"phq9_9": "2", "csrf_token": token, "nav": "next"})
    assert r.status_code == 200
    main = r.text.split('<main id="main"', 1)[1]
    # ... and the panel sits right under item 9, below the heading, not at the top.
    assert main.index("<h1") < main.index('id="crisis-panel"')
    assert main.index('id="phq9_9"') < main.index('id="crisis-panel"')
    assert main.index('id="crisis-panel"') < main.index('name="suicidal_thoughts"')


@pytest.mark.parametrize(
    ("item9", "thoughts", "target"),
    [
        ("2", "passive", "/aid/step/tried"),
        ("0", "active", "/aid/step/tried"),
        ("0", "active_with_plan", "/aid/safety"),  # a plan
        ("3", "active", "/aid/safety"),  # intent: the rule's urgent case
        ("3", "passive", "/aid/safety"),  # item 9 "nearly every day"
        ("0", "none", "/aid/step/tried"),
    ],
)
def test_plan_or_intent_goes_to_are_you_safe_first(
    client: TestClient, item9: str, thoughts: str, target: str
):
    token = _csrf(client)
    answers = variant(feelings={"phq9_9": item9, "suicidal_thoughts": thoughts})
    for step in STEP_NAMES[:2]:
        client.post(f"/aid/step/{step}", data={**answers[step], "csrf_token": token, "nav": "next"})
    r = client.post(
        "/aid/step/feelings",
        data={**answers["feelings"], "csrf_token": token, "nav": "next"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == target


def test_are_you_safe_step(client: TestClient):
    token = _csrf(client)
    answers = variant(feelings={"phq9_9": "3", "suicidal_thoughts": "active_with_plan"})
    for step in STEP_NAMES[:3]:
        client.post(f"/aid/step/{step}", data={**answers[step], "csrf_token": token, "nav": "next"})
    page = client.get("/aid/safety").text
    main = page.split('<main id="main"', 1)[1]
    assert "Are you safe right now?" in main
    # The actions come before the question: call or text 988, call 911.
    for href in ('href="tel:988"', 'href="sms:988"', 'href="tel:911"'):
        assert main.index(href) < main.index('name="safe_now"')
    bad = client.post("/aid/safety", data={"csrf_token": token})
    assert bad.status_code == 422 and "Choose one." in bad.text
    no = client.post("/aid/safety", data={"safe_now": "no", "csrf_token": token})
    assert no.status_code == 200
    urgent = no.text.split('<main id="main"', 1)[1]
    assert urgent.index('id="safety-now"') < urgent.index("<h1")
    assert 'href="tel:911"' in urgent.split("<h1")[0]
    yes = client.post(
        "/aid/safety", data={"safe_now": "yes", "csrf_token": token}, follow_redirects=False
    )
    assert yes.status_code == 303 and yes.headers["location"] == "/aid/step/tried"
    # The next step still leads with the panel, focused.
    tried = client.get("/aid/step/tried").text.split('<main id="main"', 1)[1]
    assert tried.index('id="crisis-panel"') < tried.index("<h1")
    assert re.search(r'id="crisis-panel"[^>]*autofocus', tried)


def test_no_risk_no_panel_and_no_safety_step(client: TestClient):
    token = _csrf(client)
    for step in STEP_NAMES[:3]:
        r = client.post(
            f"/aid/step/{step}",
            data={**DANA[step], "csrf_token": token, "nav": "next"},
            follow_redirects=False,
        )
        assert r.headers["location"] != "/aid/safety"
    assert 'id="crisis-panel"' not in client.get("/aid/step/tried").text
