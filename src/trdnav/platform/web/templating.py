"""One Jinja2 environment for every page: autoescape, i18n (Babel gettext), CSRF helpers."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, PrefixLoader, select_autoescape
from markupsafe import Markup, escape

from trdnav.platform.web.csrf import FIELD, csrf_token

LAYOUTS = Path(__file__).parent / "templates"
FEATURES = Path(__file__).parents[2] / "features"


def template_dirs() -> dict[str, Path]:
    """Name prefix -> directory: `layout/` is shared, `<feature>/` is that feature's own."""
    dirs = {"layout": LAYOUTS}
    dirs.update({d.parent.name: d for d in sorted(FEATURES.glob("*/templates")) if d.is_dir()})
    return dirs


_env = Environment(
    # "aid/step.html" is features/aid/templates/step.html; "layout/patient.html" is shared.
    loader=PrefixLoader({k: FileSystemLoader(v) for k, v in template_dirs().items()}),
    autoescape=select_autoescape(("html", "xml")),
    extensions=["jinja2.ext.i18n"],
)
_env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
templates = Jinja2Templates(env=_env)


def csrf_field(request: Request) -> Markup:
    """A hidden input carrying this browser's CSRF token, for every POST form."""
    return Markup(f'<input type="hidden" name="{FIELD}" value="{escape(csrf_token(request))}">')


templates.env.globals["csrf_field"] = csrf_field
templates.env.globals["csrf_token"] = csrf_token
