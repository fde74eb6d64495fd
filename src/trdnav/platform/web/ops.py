"""Operations endpoints: liveness, and the API documentation served from our own files."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter()

_DOCS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TRD Navigator API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script></body></html>"""


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    """Interactive API documentation, every asset served by this app."""
    return HTMLResponse(_DOCS)


@router.get("/healthz", tags=["operations"])
async def healthz() -> dict[str, str]:
    """Liveness: the process is up and serving."""
    return {"status": "ok"}
