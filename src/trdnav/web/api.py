"""JSON API v1: assessments (stateless) and health."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from trdnav.domain.requests import AssessmentRequest
from trdnav.domain.results import AssessmentResult
from trdnav.services.assessments import render
from trdnav.web.deps import runtime

router = APIRouter()

_PROBLEM = {
    "description": "Invalid input: a problem document naming each field",
    "content": {"application/problem+json": {}},
}


_DOCS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TRD Navigator API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script></body></html>"""


@router.get("/docs", include_in_schema=False)
def docs() -> HTMLResponse:
    """Interactive API documentation, every asset served by this app."""
    return HTMLResponse(_DOCS)


@router.get("/healthz", tags=["operations"])
def healthz() -> dict[str, str]:
    """Liveness: the process is up and serving."""
    return {"status": "ok"}


@router.post(
    "/api/v1/assessments",
    response_model=AssessmentResult,
    responses={422: _PROBLEM},
    tags=["assessments"],
    summary="Assess a person against every treatment option (contract assessment-v1)",
)
def create_assessment(payload: AssessmentRequest, request: Request) -> Response:
    """Stores nothing. The same request always gives the same result."""
    result = runtime(request).engine.assess(payload)
    return Response(content=render(result), media_type="application/json")
