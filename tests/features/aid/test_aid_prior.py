"""Answers the aid asks must count: earlier TMS/ketamine/esketamine/ECT change the findings;
questions nothing uses (episode length, travel time) are not asked."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.features.aid.aid_data import card_heads, cards, variant
from trdnav.features.aid.steps import STEP_NAMES


def _answer(client: TestClient, answers: dict) -> None:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/aid/step/about").text)
    assert match
    for step in STEP_NAMES:
        data = {**answers[step], "csrf_token": match.group(1), "nav": "next"}
        client.post(f"/aid/step/{step}", data=data)


def test_unused_questions_are_not_asked(client: TestClient):
    for step in STEP_NAMES:
        html = client.get(f"/aid/step/{step}").text
        assert 'name="episode_months"' not in html and 'name="travel_minutes"' not in html


def test_earlier_treatments_change_the_findings(client: TestClient):
    _answer(client, variant(tried={"prior_tms": "did_not_respond", "prior_ketamine": "responded"}))
    html = client.get("/aid/results").text
    assert "Caution" in card_heads(html).split("Repetitive TMS", 1)[1].split("\n", 1)[0]
    assert "TMS did not help you before" in html
    assert "Ketamine helped you before" in html and "median of 18 days" in html
    assert "MURROUGH-2013" in html


def test_status_quo_column_and_no_head_to_head_banner(client: TestClient):
    _answer(client, variant())
    html = client.get("/aid/results").text
    banner = html.split('id="no-head-to-head"', 1)[1].split("</section>", 1)[0]
    assert "No randomized trial has compared TMS with ketamine or esketamine" in banner
    assert "JNJ-MEDINFO-2026" in banner
    assert "Stay with medicines and talking therapy, or wait" in card_heads(html)
    by_id = cards(html)
    sq, rtms = by_id.pop("card-status-quo"), by_id["card-rtms"]
    assert sq.count("<dt>") == rtms.count("<dt>") > 10  # a cell on every row
    assert "<dd></dd>" not in sq
    assert "About 52 out of 100 people improved" in sq and "TRANSFORM-2" in sq


def test_a_not_offered_best_match_is_said_so(client: TestClient, runtime):  # type: ignore[no-untyped-def]
    # Fast relief and few visits matter most: accelerated iTBS (not offered here) fits best.
    prefs = {
        f"pref_{k}": "0"
        for k in (
            "lasting_results",
            "few_side_effects",
            "avoid_medication",
            "drive_myself",
            "low_cost",
        )
    }
    _answer(client, variant(values={**prefs, "pref_fast_relief": "4", "pref_few_visits": "4"}))
    html = client.get("/aid/results").text
    ranking = html.split('id="ranking"', 1)[1].split("</ol>", 1)[0]
    first = ranking.split("<li>", 1)[1].split("</strong>", 1)[0]
    offered = {runtime.engine.evidence.options[o].name for o in runtime.clinic.offered}
    name = first.replace("<strong>", "").strip()
    assert name not in offered, f"{name} is offered: the scenario no longer tests the note"
    assert 'id="first-not-offered"' in ranking and f"does not offer {name}" in ranking
