"""Fair numbers and source balance on the aid's pages (issue 12 items 6 and 10).

Dana (an adult with treatment-resistant depression, every option possible) sees each option's
trials next to their control arms with time point, design and source, harms per 100 people as
icon arrays, and a sources page grouped by kind with conflicts of interest.
"""

from __future__ import annotations

import io
import re
from html import unescape

from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.features.aid.aid_data import DANA, row_cells
from tests.features.aid.test_aid_pages import _answer_all
from trdnav.domain.evidence.loader import load_evidence
from trdnav.domain.evidence.schema import Rate
from trdnav.features.aid.answers import to_request

ROW = "Compared with a control group in trials"
HARMS = "Harms, counted per 100 people"


def _n(rate: Rate) -> str:
    low, high = round(rate.low * 100), round(rate.high * 100)
    return f"about {low} out of 100" if low == high else f"about {low} to {high} out of 100"


def _text(html: str) -> str:
    """The page's text with tags dropped and whitespace collapsed (what a reader hears)."""
    inline = re.sub(r"</?(strong|em|a|span)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", inline)))


def _row(html: str, header: str) -> str:
    return "".join(row_cells(html, header))


def test_every_comparison_is_shown_with_both_arms_time_point_design_and_source(
    client: TestClient,
) -> None:
    _answer_all(client, DANA)
    html = client.get("/aid/results").text
    row = _row(html, ROW)
    text = _text(row)
    evidence = load_evidence()
    pairs = 0
    chances = _text(_row(html, "Chance of improving by at least half"))
    for option in evidence.options.values():
        # The kind of study sits beside each headline range.
        assert f"Kind of study: {option.outcomes.design}" in chances
        for c in option.comparisons:
            assert f"{c.treated} compared with {c.control}: {c.timepoint}; {c.design}" in text
            for sid in c.source_ids:
                assert f'href="/sources#{sid}"' in row
            for arm in c.outcomes:
                pairs += 1
                label = {
                    "response": "Improved by at least half",
                    "remission": "Remission",
                    "relapse": "Relapsed",
                }[arm.kind]
                sentence = (
                    f"{label}: with {c.treated}, {_n(arm.treated)} · "
                    f"with {c.control}, {_n(arm.control)}."
                )
                assert sentence in text, sentence
    # A paired icon array (treated beside control, one drawing of 200 figures) for each
    # outcome of each comparison, and no other drawing in the row.
    drawings = re.findall(r'<svg class="icon-array[^"]*".*?</svg>', row, re.S)
    assert len(drawings) == pairs
    assert all('class="icon-array ia-pair"' in d and d.count("<rect") >= 2 for d in drawings)
    # Hand-checked against EVIDENCE.md section J.
    assert (
        "with esketamine + a new antidepressant, about 69 out of 100 · with placebo spray + "
        "a new antidepressant, about 52 out of 100." in text
    )
    assert "at 24 hours; pooled randomized trials (Cochrane review) (very low certainty)" in text
    assert "No trial of ECT against a sham (placebo) treatment is in our evidence base" in text
    assert (
        "Kind of study: A study of everyday practice (naturalistic), without a control" in chances
    )
    # Unconfirmed per-arm figures say so, and only those.
    assert text.count("the evidence file marks these figures unconfirmed") == 4
    assert "Relapsed: with continuing esketamine, about 27 out of 100 · with stopping" in text


def test_harms_are_per_100_people_as_icon_arrays_or_keep_their_own_denominator(
    client: TestClient,
) -> None:
    _answer_all(client, DANA)
    row = _row(client.get("/aid/results").text, HARMS)
    text = _text(row)
    assert "Dissociation: about 61 to 75 out of 100 people." in text
    assert "Sedation: about 48 to 61 out of 100 people." in text
    assert "Rise in blood pressure of at least 40/25 mmHg: about 8 to 19 out of 100 people" in text
    assert "Stopped treatment because of side effects: fewer than 5 out of 100 people" in text
    assert 'href="/sources#SPRAVATO-PI"' in row and 'href="/sources#O-REARDON-2007"' in row
    # Four harms counted per person: four arrays. Per-session rates are not drawn.
    assert row.count('<svg class="icon-array"') == 4
    assert "Seizure: about 0.31 per 10,000 sessions" in text
    assert "in about 1% of infusions" in text
    assert text.count("Not drawn as 100 people") == 4
    assert "per 100 people" not in text.split("Seizure: about 0.31", 1)[1].split(".", 1)[0]


def test_takeaway_carries_the_comparisons_and_lists_every_source_it_cites(
    client: TestClient,
) -> None:
    _answer_all(client, DANA)
    page = client.get("/aid/takeaway").text
    text = _text(page)
    assert text.count(ROW) == 6 and text.count(HARMS) == 6
    assert "with accelerated iTBS, about 50 out of 100 · with sham (placebo) stimulation" in text
    listed = set(re.findall(r'<li id="([^"]+)"><strong>', page))
    cited = set(re.findall(r'href="/sources#([^"]+)"', page))
    assert {"KRATTER-2026", "COCHRANE-KETAMINE-2021", "TURKOZ-2021"} <= cited
    assert cited - listed == set()
    assert re.search(r'<li id="CLINIC-2025">.*?Conflict of interest: Written by a TMS clinic', page)


def test_the_api_result_carries_kind_of_study_and_source_balance(client: TestClient) -> None:
    """Added fields (contract assessment-v1 allows additions): outcomes.design, source type."""
    api = client.post(
        "/api/v1/assessments",
        content=to_request(DANA).model_dump_json(exclude_none=True),
        headers={"Content-Type": "application/json"},
    ).json()
    by_id = {o["id"]: o for o in api["options"]}
    assert by_id["rtms"]["outcomes"]["design"].startswith("A study of everyday practice")
    assert api["sources"]["CARPENTER-2012"]["type"] == "registry"
    assert api["sources"]["CLINIC-2025"]["type"] == "clinic_marketing"
    assert api["sources"]["CLINIC-2025"]["conflict"].startswith("Written by a TMS clinic")
    assert api["sources"]["TRANSFORM-2"]["conflict"] is None


def test_takeaway_pdf_carries_the_comparisons(client: TestClient) -> None:
    _answer_all(client, DANA)
    pdf = client.get("/aid/takeaway.pdf")
    assert pdf.status_code == 200
    words = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    )
    assert "Compared with a control group in trials" in words
    assert "Dissociation: about 61 to 75 out of 100 people" in words
    assert "COCHRANE-KETAMINE-2021" in words


def test_sources_page_groups_by_kind_with_conflicts(client: TestClient) -> None:
    html = client.get("/sources").text
    sections = dict(
        re.findall(
            r'<h2 id="type-([a-z_]+)">[^<]*</h2>\s*<ul class="sources-list">(.*?)</ul>', html, re.S
        )
    )
    assert 'id="CLINIC-2025"' in sections["clinic_marketing"]
    assert "Conflict of interest:</strong> Written by a TMS clinic" in sections["clinic_marketing"]
    assert 'id="JNJ-MEDINFO-2026"' in sections["manufacturer"]
    assert "the maker of esketamine" in sections["manufacturer"]
    assert 'id="TRANSFORM-2"' in sections["trial"] and "Conflict" not in sections["trial"]
    assert 'id="CARPENTER-2012"' in sections["registry"]
    assert "Unconfirmed:</strong> Response and remission of about 47–49%" in sections["trial"]
    # Every source exactly once, each with its anchor for the inline citations.
    for sid in load_evidence().sources:
        assert html.count(f'<li id="{sid}">') == 1, sid
