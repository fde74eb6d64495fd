"""Every page obeys the CSP by construction: no inline script, style or event handler, no
remote asset, and every form that changes state carries the CSRF token."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "trdnav"
TEMPLATES = sorted(p for p in SRC.rglob("*.html") if "templates" in p.parts)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_inline_script_style_or_handlers(path: Path) -> None:
    text = path.read_text()
    assert not re.search(r"<script(?![^>]*\ssrc=\"/static/)", text)  # only our own files
    assert "<style" not in text and " style=" not in text
    assert not re.search(r"\son[a-z]+\s*=", text)
    assert "http://" not in text and "https://" not in text  # every asset is ours


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_post_form_has_the_csrf_field(path: Path) -> None:
    text = path.read_text()
    for form in re.findall(r'<form[^>]*method="post".*?</form>', text, flags=re.S):
        assert "csrf_field(request)" in form, form[:80]
