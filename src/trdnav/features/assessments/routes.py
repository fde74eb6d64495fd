"""POST /api/v1/assessments (contract assessment-v1): stateless, stores nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response

from trdnav.domain.requests import AssessmentRequest
from trdnav.domain.results import AssessmentResult
from trdnav.features.assessments.service import parse_request, render
from trdnav.platform.web.deps import runtime

router = APIRouter()

_PROBLEM = {
    "description": "Invalid input: a problem document naming each field",
    "content": {"application/problem+json": {}},
}


@router.post(
    "/api/v1/assessments",
    response_model=AssessmentResult,
    responses={422: _PROBLEM},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/AssessmentRequest"}}
            },
        }
    },
    tags=["assessments"],
    summary="Assess a person against every treatment option (contract assessment-v1)",
)
async def create_assessment(request: Request) -> Response:
    """Stores nothing. The same request always gives the same result."""
    # Parsed here rather than by a typed parameter: pydantic-core reads the JSON bytes directly,
    # which halves the parsing cost on the hottest endpoint. Errors become 422 problems.
    payload = parse_request(await request.body())
    engine = runtime(request).engine
    return Response(content=render(engine.assess(payload), engine), media_type="application/json")


def with_request_schemas(app: FastAPI) -> None:
    """Publish AssessmentRequest (parsed by hand above) in the OpenAPI components."""
    default = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = default()
            defs = AssessmentRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(defs.pop("$defs", {}))
            components["AssessmentRequest"] = defs
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
