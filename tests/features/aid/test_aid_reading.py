"""Plain US English: every aid page reads at about grade 6-8 (Flesch-Kincaid, textstat).

The page's visible <main> text is measured; each heading, label, list item and table cell is
its own unit (that is how a person reads a form), citation labels and SVG are left out. The
grade per page is printed (`pytest -s`) for the report.
"""

from __future__ import annotations

import html as html_lib
import re

import pytest
import textstat  # type: ignore[import-untyped]
from fastapi.testclient import TestClient

from tests.features.aid.aid_data import variant
from trdnav.features.aid.steps import STEP_NAMES

MAX_GRADE = 8.0
PAGES = [
    "/",
    *(f"/aid/step/{s}" for s in STEP_NAMES),
    "/aid/safety",
    "/aid/results",
    "/aid/takeaway",
    "/aid/consultation",
    "/crisis",
    "/sources",
    "/aid/forget",
]


def visible_text(page: str) -> str:
    """The readable text of a page's <main>, one unit per block element."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style|svg)[^>]*>.*?</\1>", " ", main, flags=re.S)
    main = re.sub(r"<small>.*?</small>", " ", main, flags=re.S)
    main = re.sub(r"</(p|li|h\d|td|th|dt|dd|legend|label|div|caption|summary)>", ". ", main)
    main = html_lib.unescape(re.sub(r"<[^>]+>", " ", main))
    main = re.sub(r"\s+", " ", main)
    return re.sub(r"(\.\s*){2,}", ". ", main)


@pytest.fixture
def answered(client: TestClient) -> TestClient:
    answers = variant(feelings={"phq9_9": "3", "suicidal_thoughts": "active_with_plan"})
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/aid/step/about").text)
    assert match
    for step in STEP_NAMES:
        data = {**answers[step], "csrf_token": match.group(1), "nav": "next"}
        client.post(f"/aid/step/{step}", data=data)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_page_reads_at_grade_8_or_below(answered: TestClient, path: str) -> None:
    r = answered.get(path)
    assert r.status_code == 200
    text = visible_text(r.text)
    grade = textstat.flesch_kincaid_grade(text)
    print(f"reading grade {path}: {grade:.1f} ({textstat.lexicon_count(text)} words)")
    assert textstat.lexicon_count(text) > 10
    assert grade <= MAX_GRADE, f"{path} reads at grade {grade}"
