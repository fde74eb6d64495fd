"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from swagger_ui_bundle import swagger_ui_path

from trdnav import __version__
from trdnav.features import routers
from trdnav.features.accounts.guard import COOKIE as LOGIN_COOKIE
from trdnav.features.assessments.routes import with_request_schemas
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.install_secret import ensure_secret
from trdnav.platform.runtime import Runtime, build_runtime
from trdnav.platform.settings import Settings, get_settings
from trdnav.platform.web import access_log, ops
from trdnav.platform.web.api_errors import on_http_error
from trdnav.platform.web.bodyguard import BodyGuardMiddleware
from trdnav.platform.web.cookies import cookie_name, secure
from trdnav.platform.web.csrf import COOKIE as CSRF_COOKIE
from trdnav.platform.web.csrf import CsrfCookieMiddleware
from trdnav.platform.web.openapi import api_only, document
from trdnav.platform.web.problems import on_invalid_request, on_validation_error
from trdnav.platform.web.security import SecurityHeadersMiddleware
from trdnav.platform.web.text_guard import (
    ControlCharacterGuard,
    ControlCharacters,
    on_control_characters,
)

STATIC = Path(__file__).parent / "platform" / "web" / "static"
API_DESCRIPTION = (
    "Request bodies are JSON (`Content-Type: application/json`, else 415) with JSON's own "
    'types: `true` is not an integer, `"40"` is not an integer, `"yes"` is not a boolean, '
    "and dates are ISO 8601 strings. Bodies past the configured size are refused unread (413); "
    "every error is a problem document (`application/problem+json`) naming each bad field."
)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the app; the runtime (database, clinic, engine) is created at start-up."""
    settings = ensure_secret(settings or get_settings())
    access_log.install()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        app.state.runtime = runtime or build_runtime(settings)
        try:
            yield
        finally:
            if own:
                app.state.runtime.close()

    app = FastAPI(
        title="TRD Navigator",
        version=__version__,
        summary="Decision aid and clinic workspace for TMS and ketamine-family treatments.",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    https = secure(settings)
    # Innermost of the middlewares: every answer, a 413 too, gets the security headers.
    app.add_middleware(
        BodyGuardMiddleware,
        max_bytes=settings.max_body_bytes,
        max_depth=settings.max_json_depth,
    )
    # Inside the CSRF middleware, so a refusal page has its token like any other page.
    app.add_middleware(ControlCharacterGuard)
    app.add_middleware(
        CsrfCookieMiddleware,
        secret=settings.secret_key.get_secret_value(),
        secure=https,
        cookie=cookie_name(settings, CSRF_COOKIE),
        login_cookie=cookie_name(settings, LOGIN_COOKIE),
    )
    app.add_middleware(SecurityHeadersMiddleware, https=https)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(InvalidRequest, on_invalid_request)
    app.add_exception_handler(ControlCharacters, on_control_characters)
    app.add_exception_handler(HTTPException, on_http_error)
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(ops.router)
    for router in routers():
        app.include_router(router)
    api_only(app)
    with_request_schemas(app)
    document(app)
    return app
