"""'What you have tried' is short (issue 12 item 11): one medicine row at first, more on demand.

"Add another medicine" saves the page and shows one more row, kept with the draft: without
JavaScript a redirect back to the new row, with htmx the form swapped and the new row focused.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.features.aid.aid_data import DANA
from trdnav.features.aid.steps import TRIAL_ROWS


def _token(client: TestClient) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/aid/step/about").text)
    assert match
    return match.group(1)


def _rows(html: str) -> int:
    return len(re.findall(r'<input id="trial_\d_name"', html))


def test_a_new_person_sees_one_medicine_row_and_the_add_button(client: TestClient):
    html = client.get("/aid/step/tried").text
    assert _rows(html) == 1
    assert 'name="nav" value="add_trial"' in html and "Add another medicine" in html
    # Enter in a text box presses the form's first submit button: it must be "continue".
    form = html.split('id="step-form"', 1)[1]
    first = re.search(r'<button[^>]*type="submit"[^>]*>', form)
    assert first and 'value="next"' in first.group(0)


def test_adding_a_row_without_javascript_keeps_what_was_typed(client: TestClient):
    token = _token(client)
    data = {"trial_1_name": "sertraline", "trial_1_outcome": "no_response", "nav": "add_trial"}
    sent = client.post(
        "/aid/step/tried", data={**data, "csrf_token": token}, follow_redirects=False
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == "/aid/step/tried#group-trial_2"
    html = client.get("/aid/step/tried").text
    assert _rows(html) == 2 and 'id="group-trial_2"' in html
    assert 'value="sertraline"' in html
    assert re.search(r'name="trial_1_outcome" value="no_response" checked', html)
    assert "There is a problem" not in html  # adding a row is not a failed "continue"
    # A second add, with nothing typed in the new row, still adds one (kept in the draft).
    client.post("/aid/step/tried", data={"nav": "add_trial", "csrf_token": token})
    assert _rows(client.get("/aid/step/tried").text) == 3


def test_adding_a_row_with_htmx_swaps_the_form_and_focuses_the_new_row(client: TestClient):
    token = _token(client)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    page = client.post("/aid/step/tried", data={"nav": "add_trial"}, headers=headers)
    assert page.status_code == 200
    assert re.search(r'<input id="trial_2_name"[^>]*autofocus', page.text)
    assert _rows(page.text) == 2 and 'id="step-form"' in page.text
    assert _rows(client.get("/aid/step/tried").text) == 2  # kept


def test_filled_rows_are_shown_and_the_form_stops_at_its_limit(client: TestClient):
    token = _token(client)
    client.post("/aid/step/tried", data={**DANA["tried"], "csrf_token": token, "nav": "back"})
    filled = sum(1 for k, v in DANA["tried"].items() if k.endswith("_name") and v)
    assert _rows(client.get("/aid/step/tried").text) == max(1, filled)
    for _ in range(TRIAL_ROWS + 2):
        client.post("/aid/step/tried", data={"nav": "add_trial", "csrf_token": token})
    html = client.get("/aid/step/tried").text
    assert _rows(html) == TRIAL_ROWS
    assert 'value="add_trial"' not in html and "as many as this form holds" in html
