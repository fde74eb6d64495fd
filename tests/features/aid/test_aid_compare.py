"""Phone-first comparison (issue 12 item 11): one card per option, and "compare two".

Dana picks two options to see side by side; the pair is kept with her draft (never in a URL),
with htmx (fragment, focus moved to the result) and without JavaScript (full page).
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.features.aid.aid_data import DANA, cards
from trdnav.features.aid.steps import STEP_NAMES
from trdnav.platform.runtime import Runtime
from trdnav.storage.models import AidDraft


def _answer(client: TestClient) -> str:
    """Dana answers every step; returns the CSRF token for later posts."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/aid/step/about").text)
    assert match
    for step in STEP_NAMES:
        client.post(f"/aid/step/{step}", data={**DANA[step], "csrf_token": match.group(1)})
    return match.group(1)


def _columns(html: str) -> list[str]:
    head = html.split('<table class="two">', 1)[1].split("</thead>", 1)[0]
    return [re.sub(r"<[^>]+>", " ", h).split()[0] for h in re.findall(r"<th[^>]*>(.*?)</th>", head)]


def test_every_option_and_the_status_quo_is_a_card_with_every_row(client: TestClient):
    _answer(client)
    html = client.get("/aid/results").text
    by_id = cards(html)
    assert set(by_id) == {
        "card-rtms",
        "card-deep_tms",
        "card-accelerated_itbs",
        "card-esketamine",
        "card-iv_ketamine",
        "card-ect",
        "card-status-quo",
    }
    labels = re.findall(r"<dt>(.*?)</dt>", by_id["card-rtms"])
    assert len(labels) >= 13 and "Chance of remission" in labels
    for card in by_id.values():
        assert re.findall(r"<dt>(.*?)</dt>", card) == labels  # the same rows, same order
        assert '<h3 class="card-title"' in card  # its name heads it (sticky in CSS)
    assert "<table" not in html.split('class="cards"', 1)[1].split("</div>", 1)[0]
    assert 'href="/aid/compare"' in html
    nav = html.split('class="card-nav', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="#([^"]+)"', nav) == list(by_id)  # a way to jump to each card


def test_compare_two_without_javascript_keeps_the_pair_in_the_draft(
    client: TestClient, runtime: Runtime
):
    token = _answer(client)
    page = client.get("/aid/compare").text
    assert 'id="compare-result"' not in page  # nothing chosen yet: just the form
    assert re.search(r'<form method="post" action="/aid/compare"', page)
    data = {"first": "rtms", "second": "status_quo", "csrf_token": token}
    sent = client.post("/aid/compare", data=data, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == "/aid/compare#compare-result"  # nothing in the URL
    with runtime.db() as db:
        kept = [d.answers.get("compare") for d in db.scalars(select(AidDraft))]
    assert kept == [{"first": "rtms", "second": "status_quo"}]
    html = client.get("/aid/compare").text  # a reload shows the same pair
    assert _columns(html) == ["Repetitive", "Stay"]
    result = html.split('id="compare-result"', 1)[1]
    assert "About 52 out of 100 people improved" in result and "TRANSFORM-2" in result
    assert "Esketamine nasal spray" not in result.split("</thead>", 1)[0]
    assert 'id="no-head-to-head"' in result
    # Every row of the cards is a row here too.
    rows = re.findall(r"<dt>(.*?)</dt>", cards(client.get("/aid/results").text)["card-rtms"])
    assert (
        re.findall(r'<tr class="two-label"><th colspan="2" id="[^"]+">(.*?)</th>', result) == rows
    )
    assert 'value="rtms" selected' in html and 'value="status_quo" selected' in html


def test_compare_two_with_htmx_swaps_the_view_and_moves_focus(client: TestClient):
    token = _answer(client)
    data = {"first": "esketamine", "second": "iv_ketamine"}
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    fragment = client.post("/aid/compare", data=data, headers=headers)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and fragment.text.lstrip().startswith(
        '<div id="compare-two">'
    )
    assert re.search(r'<h2 id="compare-title" tabindex="-1" autofocus>', fragment.text)
    assert _columns(fragment.text) == ["Esketamine", "IV"]
    assert _columns(client.get("/aid/compare").text) == ["Esketamine", "IV"]  # kept


def test_the_same_option_twice_is_refused_and_the_kept_pair_stays(client: TestClient):
    token = _answer(client)
    client.post("/aid/compare", data={"first": "rtms", "second": "ect", "csrf_token": token})
    same = {"first": "ect", "second": "ect", "csrf_token": token}
    page = client.post("/aid/compare", data=same, follow_redirects=False)
    assert page.status_code == 422
    assert "Choose two different options." in page.text and 'aria-invalid="true"' in page.text
    assert 'id="compare-result"' not in page.text
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    odd = client.post("/aid/compare", data={"first": "x", "second": "ect"}, headers=headers)
    assert odd.status_code == 200 and "Choose an option from the list." in odd.text
    assert _columns(client.get("/aid/compare").text) == ["Repetitive", "Electroconvulsive"]


def test_compare_needs_answers(client: TestClient):
    assert "A few answers are missing" in client.get("/aid/compare").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/aid/step/about").text)
    assert token
    data = {"first": "rtms", "second": "ect", "csrf_token": token.group(1)}
    sent = client.post("/aid/compare", data=data, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/aid/compare"
