"""Workspace pages obey the CSP by construction: no inline script, style or event handler,
and every form that changes state carries the CSRF token."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = sorted(
    (Path(__file__).parents[2] / "src/trdnav/web/templates/workspace").glob("*.html")
)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_inline_script_style_or_handlers(path: Path) -> None:
    text = path.read_text()
    assert "<script" not in text
    assert "<style" not in text and " style=" not in text
    assert not re.search(r"\son[a-z]+\s*=", text)
    assert "http://" not in text and "https://" not in text  # every asset is ours


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_every_post_form_has_the_csrf_field(path: Path) -> None:
    text = path.read_text()
    for form in re.findall(r'<form[^>]*method="post".*?</form>', text, flags=re.S):
        assert "csrf_field(request)" in form, form[:80]
