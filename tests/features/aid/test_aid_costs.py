"""The results page and the take-away show the first 12 months' cost, its arithmetic and its
sources, and Original Medicare's assumed cost sharing where it was used (issue 12 item 7)."""

from __future__ import annotations

import html as html_lib
import re

from fastapi.testclient import TestClient

from tests.features.aid.aid_data import DANA, row_cells, variant
from tests.features.aid.test_aid_pages import _answer_all

MEDICARE = variant(
    insurance={
        "plan": "medicare",
        "deductible_remaining": "",
        "coinsurance": "",
        "out_of_pocket_max_remaining": "",
    }
)


def _text(page: str) -> str:
    """The page as a reader sees it: tags dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", page)))


def _cost_cells(page: str) -> list[str]:
    return [_text(c) for c in row_cells(page, "Cost for you")]


def test_results_show_the_first_year_with_its_arithmetic_and_sources(client: TestClient):
    """Dana: commercial plan, $1,200 deductible left, 20%, $4,000 maximum left."""
    _answer_all(client, DANA)
    page = client.get("/aid/results").text
    cells = " | ".join(_cost_cells(page))
    # rTMS: the course share, plus a repeat course paid in full if needed.
    assert "your share $2,160–$8,160 (list price $6,000–$16,800)" in cells
    assert "Course $6,000–$12,000; if needed, 16 × $200–$300 = $3,200–$4,800 more" in cells
    # Esketamine: insured like the course, capped by the maximum; both sources' estimates.
    assert "your share $4,000 (list price $24,300–$49,200)" in cells
    assert "Course $7,300–$7,850 + 10 × $1,700–$2,250 = $24,300–$30,350 for the year." in cells
    assert "after week 8. $33,000–$49,200 for the year." in cells
    # IV ketamine: the boosters are unconfirmed, shown as a range and said so.
    assert "your share $5,600–$26,400 (list price $5,600–$26,400), unconfirmed" in cells
    assert "Course $2,400–$6,400 + 8–25 × $400–$800 = $5,600–$26,400 for the year." in cells
    # No price in the evidence: not known, never zero.
    assert cells.count("First 12 months, with any maintenance: not known") == 2
    for sid in ("DUNNER-2014", "STAT-ESKETAMINE-2019", "ROSS-2020", "CLINIC-PAGES-2026"):
        assert f'href="/sources#{sid}"' in page
    assert "CMS-2026-PARTB" not in page  # Medicare's numbers are not assumed for others


def test_medicare_without_own_numbers_assumes_part_b_and_says_so(client: TestClient):
    _answer_all(client, MEDICARE)
    page = client.get("/aid/results").text
    cells = _cost_cells(page)
    tms = [c for c in cells if "Original Medicare" in c]
    assert len(tms) == 2  # rTMS and deep TMS only: the evidence gives Part B figures for TMS
    for cell in tms:
        assert "Your estimated share: $1,426–$2,627" in cell
        assert "ask your plan" in cell
    assert 'href="/sources#CMS-2026-PARTB"' in page
    takeaway = _text(client.get("/aid/takeaway").text)
    assert "First 12 months, with any maintenance: your share $1,426–$7,427" in takeaway
    assert "Original Medicare and no supplement" in takeaway
    # The take-away prints how the first year is worked out (no folded details on paper).
    assert "Course $6,000–$12,000; if needed, 16 × $200–$300 = $3,200–$4,800 more" in takeaway
    assert "<details" not in client.get("/aid/takeaway").text.split("Cost for you", 1)[1]
