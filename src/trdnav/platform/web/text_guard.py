"""Control characters are refused at the edge: in forms, query strings and paths.

JSON bodies are checked by `domain.text.RequestModel` (the one validator of every request
model); this module covers the rest of what a browser or a script can send. Refusals are a 422
naming the field (a problem document for the API, a page for browsers) and never echo the value.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData
from starlette.types import ASGIApp, Receive, Scope, Send

from trdnav.domain.text import control_problem
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.web.openapi import is_api
from trdnav.platform.web.problems import invalid
from trdnav.platform.web.templating import templates


def form_problems(form: FormData) -> list[dict[str, str]]:
    """One error per form field holding a control character (tab and line breaks allowed)."""
    errors: list[dict[str, str]] = []
    for key, value in form.multi_items():
        if isinstance(value, str):
            problem = control_problem(key) or control_problem(value, multiline=True)
            if problem and not any(e["field"] == key for e in errors):
                errors.append({"field": _printable(key), "message": problem})
    return errors


def check_form(form: FormData) -> FormData:
    """The form itself, or InvalidRequest naming each field with a control character."""
    errors = form_problems(form)
    if errors:
        raise ControlCharacters(errors)
    return form


def _printable(name: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in name)[:100]


def _query_problems(scope: Scope) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    path = scope.get("path", "")
    if control_problem(path):
        errors.append({"field": "path", "message": control_problem(path) or ""})
    raw = scope.get("query_string", b"").decode("latin-1")
    for key, value in parse_qsl(raw, keep_blank_values=True):
        problem = control_problem(key) or control_problem(value)
        if problem:
            errors.append({"field": _printable(key), "message": problem})
    return errors


def refusal(request: Request, errors: list[dict[str, str]]) -> Response:
    """422 naming the fields: a problem document for /api, a page for browsers."""
    if is_api(request.url.path):
        return invalid(errors)
    workspace = request.url.path.startswith("/workspace")
    context: dict[str, Any] = {
        "errors": errors,
        "layout": "layout/workspace.html" if workspace else "layout/patient.html",
        "actor": getattr(request.state, "actor", None),
        "home": "/workspace" if workspace else "/aid",
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, "layout/invalid_input.html", context, status_code=422
    )
    response.headers["Cache-Control"] = "no-store"
    return response


class ControlCharacters(InvalidRequest):
    """A form field holds a control character."""


async def on_control_characters(request: Request, exc: Exception) -> Response:
    """Exception handler: the refusal page (or problem document) for ControlCharacters."""
    assert isinstance(exc, ControlCharacters)
    return refusal(request, exc.errors)


class ControlCharacterGuard:
    """Refuse a request whose path or query string holds a control character (422)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            errors = _query_problems(scope)
            if errors:
                response = refusal(Request(scope), errors)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
