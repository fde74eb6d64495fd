"""The take-away PDF: what it says, and WeasyPrint (the staff documents) never fetching remotely."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.features.aid.aid_data import DANA, RILEY
from tests.features.aid.test_aid_pages import _answer_all
from trdnav.features.aid.visit_sketch import sketch
from trdnav.platform.pdf import STATIC, RemoteFetchRefused, _fetcher, is_local, render_pdf


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ((STATIC / "patient" / "app.css").as_uri(), True),
        ("data:text/css,body{}", True),
        ("https://cdn.example.com/x.css", False),
        ("http://127.0.0.1:8000/static/patient/app.css", False),
        ("file:///etc/passwd", False),
        ((STATIC / ".." / ".." / "settings.py").as_uri(), False),
    ],
)
def test_only_our_static_files_are_local(url: str, local: bool) -> None:
    assert is_local(url) is local


def test_the_fetcher_refuses_remote_urls() -> None:
    with pytest.raises(RemoteFetchRefused):
        _fetcher().fetch("https://cdn.example.com/tracker.png")


def test_a_remote_image_is_skipped_not_fetched(connect_attempts: list[object]) -> None:
    html = '<p>Hi</p><img src="https://cdn.example.com/tracker.png" alt="">'
    assert render_pdf(html).startswith(b"%PDF-")
    assert connect_attempts == []


def test_visit_sketch_front_loads_the_shortest_course(runtime) -> None:  # type: ignore[no-untyped-def]
    from trdnav.domain.requests import AssessmentRequest

    result = runtime.engine.assess(
        AssessmentRequest(age=42, conditions=["major_depressive_disorder"])
    )
    by_id = {o.id: sketch(o) for o in result.options}
    # Esketamine label course: twice a week for 4 weeks, then weekly (12 over 8 weeks).
    assert by_id["esketamine"].weekly == (2, 2, 2, 2, 1, 1)
    assert by_id["esketamine"].later
    # Accelerated iTBS: five visit days in one week.
    assert by_id["accelerated_itbs"].weekly == (5, 0, 0, 0, 0, 0)
    for s in by_id.values():
        assert all(0 <= n <= 5 for n in s.weekly)


def _pdf_words(client: TestClient, answers: dict[str, dict[str, Any]]) -> str:
    _answer_all(client, answers)
    r = client.get("/aid/takeaway.pdf")
    assert r.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    return re.sub(r"\s+", " ", text)


def test_the_pdf_gives_the_crisis_line_to_a_person_with_thoughts_of_self_harm(
    client: TestClient,
) -> None:
    line = "If you have thoughts of ending your life: call or text 988, or call 911."
    assert line in _pdf_words(client, RILEY)


def test_the_pdf_has_no_crisis_line_without_such_thoughts(client: TestClient) -> None:
    words = _pdf_words(client, DANA)
    assert "988" not in words
    # The person's own answers and every option's card are in it, in the page's order.
    assert "sertraline" in words
    cards = [words.index(name) for name in ("Each option, the same questions", "My answers")]
    assert cards == sorted(cards)


def test_weasyprint_warnings_never_quote_the_document(caplog: pytest.LogCaptureFixture) -> None:
    # A name in characters no installed font has: WeasyPrint warns about each one.
    name = "\U000bd3be\U000f405b\U00013de4"
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        assert render_pdf(f"<title>t</title><p>Patient: {name}</p>").startswith(b"%PDF-")
    assert caplog.records  # it did warn
    assert not any(ch in caplog.text for ch in name)
