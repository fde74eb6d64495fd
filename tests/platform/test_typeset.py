"""Typst lays out our HTML as a tagged PDF: what it reads, what it refuses to run, what it tags."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from trdnav.platform.typeset import read_html, render_pdf

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>My  summary</title>
<link rel="stylesheet" href="x.css"></head><body><main>
<h1>Heading</h1>
<p>Some   <strong>bold</strong>
   text.</p>
<ul><li>one</li> <li>two <span aria-hidden="true">hidden</span></li></ul>
<div class="no-print"><a href="/x">Print</a></div>
<dl><dt>Term</dt><dd><p>First</p> <p>Second</p></dd></dl>
<table><thead><tr><th scope="col">Option</th><th scope="col">Week 1</th></tr></thead>
<tbody><tr><th scope="row">TMS</th><td>5</td></tr></tbody></table>
<svg class="icon-array" viewBox="0 0 10 10" aria-hidden="true"><defs><pattern id="p"
 patternUnits="userSpaceOnUse" width=2 height=2><path d="M0 0h1v1z"/></pattern></defs>
<rect width=10 height=10 fill="url(#p)"/></svg>
</main></body></html>"""


def _words(pdf: bytes) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


def test_the_tree_keeps_content_and_drops_layout_whitespace_and_hidden_parts() -> None:
    doc = read_html(PAGE)
    assert doc["title"] == "My summary" and doc["lang"] == "en"
    (main,) = doc["body"][0]["c"][0]["c"]  # html > body > main
    h1, p, ul, dl, table, svg = main["c"]
    assert h1 == {"t": "h1", "c": ["Heading"]}
    assert p["c"] == ["Some ", {"t": "strong", "c": ["bold"]}, " text."]
    assert [li["c"] for li in ul["c"]] == [["one"], ["two"]]  # aria-hidden left out
    assert [k["t"] for k in dl["c"]] == ["dt", "dd"]
    assert [k["t"] for k in dl["c"][1]["c"]] == ["p", "p"]  # no blank paragraph between
    assert [k["t"] for k in table["c"]] == ["thead", "tbody"]
    # A drawing travels as well-formed SVG with its attribute names as SVG spells them.
    drawing = ET.fromstring(svg["svg"])
    assert drawing.tag == "{http://www.w3.org/2000/svg}svg"
    assert drawing.get("viewBox") == "0 0 10 10" and drawing.get("class") is None
    pattern = drawing.find(".//{http://www.w3.org/2000/svg}pattern")
    assert pattern is not None and pattern.get("patternUnits") == "userSpaceOnUse"


def test_the_pdf_is_tagged_pdf_ua_with_the_html_structure() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(PAGE)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "en"
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    assert reader.metadata is not None and reader.metadata.title == "My summary"
    tags: set[str] = set()

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for k in node:
                walk(k)
        elif isinstance(node, dict):
            if "/S" in node:
                tags.add(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/P", "/L", "/LI", "/Table", "/TH", "/TD"} <= tags
    words = _words(render_pdf(PAGE))
    assert "Some bold text." in words and "hidden" not in words and "Print" not in words


@pytest.mark.parametrize(
    "text",
    ['#read("/etc/passwd")', "*not bold* _nor_ $x^2$ ] [ // not a comment", "@label <tag> \\"],
)
def test_a_persons_text_is_printed_never_run(text: str) -> None:
    from markupsafe import escape

    pdf = render_pdf(f"<html><head><title>t</title></head><p>{escape(text)}</p></html>")
    assert text in _words(pdf)


def test_typst_never_opens_a_socket(connect_attempts: list[object]) -> None:
    html = '<title>t</title><p>Hi</p><img src="https://cdn.example.com/tracker.png" alt="">'
    assert render_pdf(html).startswith(b"%PDF-")
    assert connect_attempts == []
