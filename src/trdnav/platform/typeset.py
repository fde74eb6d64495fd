"""Quick tagged PDFs: our own HTML, laid out by Typst as PDF/UA-1.

WeasyPrint needs 1.3 to 1.7 s for the patient's 17-page take-away on a 2-core machine; Typst
lays out the same document, tagged for screen readers, in a small fraction of that (`make
bench`). The HTML stays the one source of the content, shared with the printable page: this
module reads it into a small tree of elements, and `typeset.typ` maps each element to Typst
(headings, paragraphs, lists, tables, emphasis, drawings).

Safe by construction: the tree travels to Typst as JSON *data*, never as Typst markup, so no
text a person typed can be read as Typst code. The template imports no package, so Typst
reads nothing but the template and the fonts, and never opens a socket.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

TEMPLATE = Path(__file__).resolve().parent / "typeset.typ"
# One sans-serif family, read from its directory (faster than scanning every system font, and
# the same glyphs on every machine that has it); Typst's own fonts stand in where it is missing.
FONT_DIRS = [d for d in ("/usr/share/fonts/truetype/dejavu",) if Path(d).is_dir()]

Node = dict[str, Any]

_VOID = {"meta", "link", "br", "img", "hr", "input", "wbr", "col", "source"}
_SKIP = {"head", "script", "style", "template", "noscript", "button", "form", "nav"}
# Containers whose whitespace-only text is layout, not content.
_BLOCKS = {
    "html", "body", "main", "section", "article", "div", "header", "footer", "aside",
    "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr",
}  # fmt: skip
_BLOCK_LEVEL = _BLOCKS | {"p", "h1", "h2", "h3", "h4", "li", "dt", "dd", "td", "th"}
_ATTR = re.compile(r"([^\s=/>]+)\s*=")
_SPACE = re.compile(r"\s+")


class _Reader(HTMLParser):
    """HTML to nested dicts: {"t": tag, "cls": "...", "c": [children]}; text as str.

    An <svg> is kept whole as XML text (`svg`), ready for Typst's SVG reader; elements hidden
    from screen readers (`aria-hidden`) or from print (`no-print`) are left out, but for
    drawings, which are kept as decoration.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: Node = {"t": "root", "c": []}
        self.stack: list[Node] = [self.root]
        self.title = ""
        self.lang = "en"
        self._in_title = False
        self._skip = 0  # depth inside an element we leave out
        self._svg: list[str] | None = None  # XML of the drawing being read
        self._svg_tags: list[str] = []

    # -- drawings ---------------------------------------------------------------------------
    def _svg_open(self, tag: str, attrs: list[tuple[str, str | None]], close: bool) -> None:
        # HTMLParser lower-cases attribute names; SVG needs viewBox, patternUnits… as written.
        raw = self.get_starttag_text() or ""
        names = {n.lower(): n for n in _ATTR.findall(raw)}
        name = re.match(r"<\s*([^\s/>]+)", raw)
        tag = name.group(1) if name else tag
        parts = [tag]
        if not self._svg_tags:
            parts.append('xmlns="http://www.w3.org/2000/svg"')
        for key, value in attrs:
            if key in ("class", "aria-hidden", "role") and not self._svg_tags:
                continue
            parts.append(f"{names.get(key, key)}={quoteattr(value or '')}")
        assert self._svg is not None
        self._svg.append("<" + " ".join(parts) + ("/>" if close else ">"))
        if not close:
            self._svg_tags.append(tag)

    def _svg_close(self) -> None:
        assert self._svg is not None
        self._svg.append(f"</{self._svg_tags.pop()}>")
        if not self._svg_tags:
            self.stack[-1]["c"].append({"t": "svg", "svg": "".join(self._svg)})
            self._svg = None

    # -- HTMLParser -------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, close=tag in _VOID)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, close=True)

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], close: bool) -> None:
        a = dict(attrs)
        if self._svg is not None:
            self._svg_open(tag, attrs, close)
            return
        if tag == "html" and a.get("lang"):
            self.lang = str(a["lang"])
        if tag == "title":
            self._in_title = True
            return
        if self._skip:
            self._skip += 0 if close else 1
            return
        if tag == "svg":
            self._svg = []
            self._svg_open(tag, attrs, close)
            return
        cls = a.get("class") or ""
        if tag in _SKIP or a.get("aria-hidden") == "true" or "no-print" in cls.split():
            self._skip = 0 if close else 1
            return
        node: Node = {"t": tag, "c": []}
        if cls:
            node["cls"] = cls
        self.stack[-1]["c"].append(node)
        if not close:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        if self._svg is not None:
            self._svg_close()
        elif tag == "title":
            self._in_title = False
        elif self._skip:
            self._skip -= 1
        elif tag not in _VOID and len(self.stack) > 1:
            # Our own HTML is well formed; close up to the matching element regardless.
            while len(self.stack) > 1 and self.stack.pop()["t"] != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip and self._svg is None:
            self.stack[-1]["c"].append(data)


def _is_block(node: Any) -> bool:
    return isinstance(node, dict) and node["t"] in _BLOCK_LEVEL


def _tidy(node: Node) -> None:
    """Collapse white space as a browser does, dropping it between blocks and at block ends."""
    kids: list[Any] = []
    raw = node["c"]
    for i, child in enumerate(raw):
        if isinstance(child, str):
            text = _SPACE.sub(" ", child)
            beside_block = _is_block(raw[i - 1] if i else None) or _is_block(
                raw[i + 1] if i + 1 < len(raw) else None
            )
            if not text.strip() and (node["t"] in _BLOCKS or beside_block):
                continue
            if kids and isinstance(kids[-1], str):
                kids[-1] += text
            else:
                kids.append(text)
        else:
            if "c" in child:  # a drawing has its XML instead
                _tidy(child)
            kids.append(child)
    if kids and isinstance(kids[0], str):
        kids[0] = kids[0].lstrip()
    if kids and isinstance(kids[-1], str):
        kids[-1] = kids[-1].rstrip()
    node["c"] = [k for k in kids if k != ""]


def read_html(html: str) -> dict[str, Any]:
    """The document as {"title", "lang", "body": [nodes]} for `typeset.typ`."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    _tidy(reader.root)
    title = _SPACE.sub(" ", reader.title).strip()
    return {"title": title, "lang": reader.lang, "body": reader.root["c"]}


def render_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1) of our HTML: title and language from <title> and <html lang>."""
    import typst

    doc = json.dumps(read_html(html), ensure_ascii=False, separators=(",", ":"))
    pdf: bytes = typst.compile(
        str(TEMPLATE),
        sys_inputs={"doc": doc},
        pdf_standards=["ua-1"],
        font_paths=FONT_DIRS,
        ignore_system_fonts=True,
    )
    return pdf
