""" "I don't know" is not "no concern": the option header and the summary say "not yet checked",
and ECT (whose safety list is longer than the questions) says "not assessed by this aid"."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.features.aid.aid_data import DANA, card_heads, variant
from trdnav.features.aid.steps import BY_NAME, STEP_NAMES

ALL_UNKNOWN = {f.name: "unknown" for f in BY_NAME["health"].fields if "unknown" in dict(f.choices)}


def _answer(client: TestClient, answers: dict) -> None:
    page = client.get("/aid/step/about").text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    for step in STEP_NAMES:
        data = {**answers[step], "csrf_token": match.group(1), "nav": "next"}
        client.post(f"/aid/step/{step}", data=data)


def _header(html: str) -> str:
    return card_heads(html)


def test_every_safety_answer_unknown_is_never_no_concern(client: TestClient):
    _answer(client, variant(health=ALL_UNKNOWN))
    html = client.get("/aid/results").text
    assert "No safety concern found" not in html
    header = _header(html)
    assert "Possible</span>" not in header
    assert header.count("Not yet checked") == 6  # every option, in its header
    # rTMS asks 9 safety questions here; the count is shown where the option is named.
    shown = r"Repetitive TMS[^<]*<span[^>]*>Not yet checked</span>\s*<span[^>]*>9 safety"
    assert re.search(shown, header)
    summary = html.split('id="safety-summary"', 1)[1].split("</li>", 1)[0]
    assert "Safety is not yet checked for" in summary and "a clinician must ask" in summary
    assert "IV ketamine" in summary and "Repetitive TMS" in summary


def test_all_no_shows_no_concern_except_ect_not_assessed(client: TestClient):
    _answer(client, DANA)
    html = client.get("/aid/results").text
    header = _header(html)
    assert "Not yet checked" not in header
    assert "No safety concern found in your answers" in html
    ect = header.split("Electroconvulsive therapy", 1)[1]
    assert ect.split("</th>", 1)[0].count("Not assessed") == 1
    assert "Safety not assessed by this aid" in html


def test_ect_with_aneurysm_and_uncontrolled_blood_pressure_is_a_caution(client: TestClient):
    _answer(client, variant(health={"aneurysm_or_avm": "yes", "hypertension": "uncontrolled"}))
    html = client.get("/aid/results").text
    ect = _header(html).split("Electroconvulsive therapy", 1)[1].split("</th>", 1)[0]
    assert "Caution" in ect
    assert "aneurysm or a malformed blood vessel" in html
    assert "APA-ECT-2001" in html


def test_ect_is_not_ranked_with_a_cochlear_implant(client: TestClient):
    _answer(client, variant(health={"cochlear_implant": "yes"}))
    html = client.get("/aid/results").text
    ranked = html.split('id="ranking"', 1)[1].split("</ol>", 1)[0]
    assert "Electroconvulsive" not in ranked
    assert "Cochlear implant makers say ECT must not be used" in html
