"""Problem documents (RFC 9457 shape): {title, detail, errors: [{field, message}]}."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from trdnav.platform.errors import InvalidRequest, field_errors


def problem(
    status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, object] = {"title": title, "detail": detail, "status": status}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def invalid(errors: list[dict[str, str]]) -> JSONResponse:
    """422 naming every bad field."""
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return problem(422, "Invalid request", f"Please correct: {fields}.", errors)


async def on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's request validation errors as a problem document."""
    assert isinstance(exc, RequestValidationError)
    return invalid(field_errors(exc.errors()))


async def on_invalid_request(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidRequest)
    return invalid(exc.errors)
