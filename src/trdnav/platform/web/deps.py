"""Request-scoped access to the process runtime and a database unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.platform.runtime import Runtime
from trdnav.platform.web.text_guard import check_form


def runtime(request: Request) -> Runtime:
    """The runtime built at start-up."""
    rt: Runtime = request.app.state.runtime
    return rt


def unit_of_work(request: Request) -> Iterator[Session]:
    """One unit of work (SQLAlchemy session) per request; services decide when to commit."""
    with runtime(request).db() as db:
        yield db


async def form_data(request: Request) -> FormData:
    """The posted form (already parsed and cached by the CSRF check), free of control characters."""
    return check_form(await request.form())


def form_dict(form: FormData) -> dict[str, Any]:
    """Single-valued fields as str; repeated fields as lists; empty strings dropped."""
    out: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        if len(values) > 1:
            out[key] = [v for v in values if v != ""]
        elif values and values[0].strip() != "":
            out[key] = values[0].strip()
    return out
