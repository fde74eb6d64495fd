"""The readiness check at the end (SURE test): four yes/no questions and what to do next."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.features.aid.aid_data import DANA
from trdnav.features.aid.steps import STEP_NAMES
from trdnav.features.aid.sure import readiness


def _answer(client: TestClient) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/aid/step/about").text)
    assert match
    for step in STEP_NAMES:
        data = {**DANA[step], "csrf_token": match.group(1), "nav": "next"}
        client.post(f"/aid/step/{step}", data=data)
    return match.group(1)


ALL_YES = {"sure": "yes", "understand": "yes", "values": "yes", "support": "yes"}


@pytest.mark.parametrize(
    ("answers", "ready", "complete", "advice"),
    [
        (ALL_YES, True, True, 0),
        ({**ALL_YES, "understand": "no"}, False, True, 1),
        ({**ALL_YES, "sure": "no", "support": "no"}, False, True, 2),
        ({"sure": "yes"}, False, False, 0),
    ],
)
def test_readiness_rows(answers: dict, ready: bool, complete: bool, advice: int) -> None:
    result = readiness(answers)
    assert result is not None
    assert (result.ready, result.complete, len(result.advice)) == (ready, complete, advice)


def test_nothing_answered_says_nothing() -> None:
    assert readiness({}) is None and readiness(None) is None


def test_sure_on_results_without_and_with_javascript(client: TestClient) -> None:
    token = _answer(client)
    page = client.get("/aid/results").text
    assert "Are you ready to decide?" in page
    for name in ("sure", "understand", "values", "support"):
        assert f'name="{name}"' in page
    # No JS: post, redirect back to the results, the advice is shown there.
    r = client.post(
        "/aid/sure",
        data={**ALL_YES, "values": "no", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/aid/results#sure-result"
    page = client.get("/aid/results").text
    assert "Change what matters to you\u201d and try a few settings" in page
    assert 'id="sure-values-no" type="radio" name="values" value="no" checked' in page
    # htmx: the section is swapped in place, the result takes focus.
    r = client.post(
        "/aid/sure",
        data={**ALL_YES, "csrf_token": token},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert r.status_code == 200 and r.text.lstrip().startswith("<section")
    assert "You seem ready to decide" in r.text and "autofocus" in r.text


def test_change_my_answers_returns_to_the_results(client: TestClient) -> None:
    token = _answer(client)
    page = client.get("/aid/results").text
    assert 'name="step" value="health"' in page
    r = client.post(
        "/aid/change", data={"step": "health", "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/aid/step/health"
    saved = client.post(
        "/aid/step/health",
        data={**DANA["health"], "seizure_history": "yes", "csrf_token": token, "nav": "next"},
        follow_redirects=False,
    )
    assert saved.headers["location"] == "/aid/results"  # straight back, not to the next step
    # Once back, the flag is spent: the questionnaire flows normally again.
    again = client.post(
        "/aid/step/health",
        data={**DANA["health"], "csrf_token": token, "nav": "next"},
        follow_redirects=False,
    )
    assert again.headers["location"] == "/aid/step/values"


def test_progress_steps_are_links(client: TestClient) -> None:
    html = client.get("/aid/step/feelings").text
    nav = html.split('class="progress"', 1)[1].split("</ol>", 1)[0]
    for step in STEP_NAMES:
        assert f'href="/aid/step/{step}"' in nav
    assert 'href="/aid/step/feelings" aria-current="step"' in nav
