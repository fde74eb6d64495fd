"""Assessment use case: validate a request, run the engine, render the contract JSON."""

from __future__ import annotations

from pydantic import ValidationError

from trdnav.domain.assessment import Engine
from trdnav.domain.requests import AssessmentRequest
from trdnav.domain.results import AssessmentResult
from trdnav.platform.errors import InvalidRequest, field_errors


def parse_request(raw: bytes | str) -> AssessmentRequest:
    """Parse JSON text into a request; raises InvalidRequest naming each bad field."""
    try:
        # Strict: JSON's own types only (true is not an age, "40" is not an integer).
        return AssessmentRequest.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if errors and errors[0]["type"] == "json_invalid":
            detail = errors[0].get("ctx", {}).get("error", "")
            message = f"is not valid JSON ({detail})" if detail else "is not valid JSON"
            raise InvalidRequest([{"field": "body", "message": message}]) from exc
        if errors and errors[0]["type"] == "model_type":
            raise InvalidRequest([{"field": "body", "message": "must be a JSON object"}]) from exc
        raise InvalidRequest(field_errors(errors)) from exc


def render(result: AssessmentResult, engine: Engine) -> bytes:
    """The result as contract JSON (UTF-8); HTTP and CLI both send exactly this.

    The bytes of `result.model_dump_json()`, assembled around the engine's pre-serialized
    parts (a property test holds them equal).
    """
    return engine.to_json(result)
