"""The take-away PDF: WeasyPrint renders our own HTML; it may never fetch anything remote."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

STATIC = Path(__file__).resolve().parent / "web" / "static"


class _WithoutDocumentText(logging.Filter):
    """WeasyPrint's warnings quote the document (each character no font can draw, say of a
    patient's name): keep the message, drop what it quotes. Health data never goes into logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.args = ()
        return True


logging.getLogger("weasyprint").addFilter(_WithoutDocumentText())


class RemoteFetchRefused(ValueError):
    """The PDF's HTML asked for a resource that is not one of our static files."""


def is_local(url: str) -> bool:
    """True only for data: URLs and file: URLs inside our static directory."""
    if url.startswith("data:"):
        return True
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return False
    return Path(unquote(parsed.path)).resolve().is_relative_to(STATIC)


def _fetcher() -> Any:
    # WeasyPrint >= 68 takes a URLFetcher object; refusing here means no socket is ever opened.
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not is_local(url):
                raise RemoteFetchRefused(f"refused to fetch {url[:60]!r} for a PDF")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("file", "data"))


def render_pdf(html: str, *, variant: str | None = None) -> bytes:
    """A PDF of our HTML; relative links resolve to our static files. `variant` asks WeasyPrint
    for a standard such as "pdf/ua-1" (tagged, for screen readers)."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=_fetcher())
    pdf: bytes = document.write_pdf(pdf_variant=variant)
    return pdf
