"""Problem documents (RFC 9457 shape): {title, detail, errors: [{field, message}]}."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from trdnav.platform.errors import InvalidRequest, field_errors


class FieldError(BaseModel):
    """One bad field of a request and what is wrong with it."""

    field: str
    message: str


class Problem(BaseModel):
    """A problem document (RFC 9457 shape)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Invalid request",
                    "detail": "Please correct: age.",
                    "status": 422,
                    "errors": [{"field": "age", "message": "Input should be a valid integer"}],
                }
            ]
        }
    )

    title: str
    detail: str
    status: int
    errors: list[FieldError] | None = None


PROBLEM_MEDIA = "application/problem+json"
PROBLEM_TEXT = {
    400: "Bad request",
    401: "No token, or a token that is unknown, expired or revoked",
    403: "The member's role lacks the permission",
    404: "No such record in this clinic",
    409: "Conflict: a double booking or a state that does not allow it",
    413: "The body is larger than this server accepts (TRDNAV_MAX_BODY_BYTES)",
    415: "The body is not JSON: send Content-Type: application/json",
    422: "Invalid input: a problem document naming each field",
    429: "Too many requests from this client; see Retry-After",
}
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the problem documents a route may answer with."""
    return {code: problem_response(code) for code in codes}


def problem_response(code: int, description: str | None = None) -> dict[str, Any]:
    """One problem document response, as OpenAPI declares it (429 with its Retry-After)."""
    declared: dict[str, Any] = {
        "description": description or PROBLEM_TEXT.get(code, "A problem document"),
        "content": {PROBLEM_MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if code == 429:
        declared["headers"] = RETRY_AFTER_HEADER
    return declared


def problem(
    status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, object] = {"title": title, "detail": detail, "status": status}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA)


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
