"""Consultation requests: the JSON API for clinic websites and the decision aid's form page.

`api_router` takes JSON, uses no cookies and needs no CSRF token (clinic sites call it
cross-site). `form_router` serves the browser form; its POST requires the CSRF token. Both call
the same use case (services.consultations.receive).
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, BackgroundTasks, Depends, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from trdnav.domain.alerts import SUICIDE_RISK, suicide_alerts
from trdnav.domain.requests import AssessmentRequest
from trdnav.domain.results import Alert
from trdnav.features.aid.drafts import AID_COOKIE, consultation_key, current_answers
from trdnav.features.consultations import service as consultations
from trdnav.features.consultations.service import (
    ConsultationCreate,
    ConsultationView,
    RateLimited,
    Receipt,
)
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.idempotency import HEADER
from trdnav.platform.web.cookies import cookie_name
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import runtime
from trdnav.platform.web.openapi import domain_rules
from trdnav.platform.web.problems import invalid, problem
from trdnav.platform.web.templating import templates

api_router = APIRouter(tags=["consultation requests"])
form_router = APIRouter(dependencies=[Depends(require_csrf)])

CHECKED_FIELDS = ("name", "email", "phone")  # checked one by one as the person types (htmx)
FORM_FIELDS = (
    "name",
    "guardian_name",
    "email",
    "phone",
    "preferred_contact",
    "message",
    "consent_to_contact",
)
_BODY_SCHEMA = ConsultationCreate.model_json_schema(ref_template="#/components/schemas/{model}")
_BODY_SCHEMA.pop("$defs", None)  # AssessmentRequest and its parts: already in components


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _allowed_origin(request: Request) -> str | None:
    """The caller's Origin when it is the clinic's own website (the only cross-site caller)."""
    origin = request.headers.get("origin")
    website = runtime(request).clinic.contact.website
    if not origin or not website:
        return None
    parts = urlsplit(website)
    return origin if origin == f"{parts.scheme}://{parts.netloc}" else None


def _cors(request: Request, response: Response) -> Response:
    origin = _allowed_origin(request)
    response.headers["Vary"] = "Origin"
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "Retry-After, Idempotent-Replayed"
    return response


@api_router.options("/api/v1/consultation-requests", include_in_schema=False)
def consultation_request_preflight(request: Request) -> Response:
    """CORS preflight: the clinic's website may POST JSON from a browser (no cookies)."""
    response = _cors(request, Response(status_code=204))
    if _allowed_origin(request):
        response.headers["Access-Control-Allow-Methods"] = "POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Idempotency-Key"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def _too_many(retry_after: int) -> JSONResponse:
    response = problem(
        429,
        "Too many requests",
        f"This client sent too many consultation requests. Try again in {retry_after} seconds.",
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


@api_router.post(
    "/api/v1/consultation-requests",
    status_code=201,
    summary="Ask the clinic to contact a person (contract consultation requests v1)",
    responses={
        201: {
            "model": ConsultationView,
            "description": "Stored durably; the clinic is notified by email (no PHI in it)",
        },
        422: {"description": "Invalid input: a problem document naming each field"},
        429: {"description": "Too many requests from this client; see Retry-After"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _BODY_SCHEMA}},
        },
        **domain_rules(
            "an email or a phone number is given, and preferred_contact names one that was given",
            "the email address and the phone number are valid ones",
            "the name is not blank once trimmed",
        ),
    },
)
async def create_consultation_request(
    request: Request,
    background: BackgroundTasks,
    idempotency_key: str | None = Header(default=None, alias=HEADER),
) -> Response:
    """Store the request before answering; the same Idempotency-Key and body never store twice."""
    raw = await request.body()
    rt = runtime(request)
    try:
        try:
            data: Any = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidRequest([{"field": "body", "message": "is not valid JSON"}]) from exc
        receipt: Receipt = await run_in_threadpool(
            lambda: consultations.receive(
                rt,
                data,
                surface="api",
                client=_client(request),
                key=idempotency_key,
                now=datetime.now(UTC),
            )
        )
    except InvalidRequest as exc:
        return _cors(request, invalid(exc.errors))
    except RateLimited as exc:
        return _cors(request, _too_many(exc.retry_after))
    if receipt.created:
        background.add_task(consultations.notify_clinic, rt, receipt.view)
    response = JSONResponse(receipt.view.model_dump(mode="json"), status_code=201)
    if not receipt.created:
        response.headers["Idempotent-Replayed"] = "true"
    return _cors(request, response)


def _answers(request: Request) -> AssessmentRequest | None:
    rt = runtime(request)
    with rt.db() as db:
        token = request.cookies.get(cookie_name(rt.settings, AID_COOKIE))
        return current_answers(db, token, datetime.now(UTC))


def _draft_key(request: Request, *, renew: bool = False) -> str | None:
    """The form's idempotency key kept with the aid's draft, when there is a live draft."""
    rt = runtime(request)
    token = request.cookies.get(AID_COOKIE)
    with rt.db() as db:
        return consultation_key(db, token, datetime.now(UTC), renew=renew)


def _crisis(answers: AssessmentRequest | None) -> Alert | None:
    """The suicide-risk alert (the one domain rule) that leads the page, if any."""
    found = [a for a in suicide_alerts(answers) if a.code == SUICIDE_RISK] if answers else []
    return found[0] if found else None


def _render(
    request: Request,
    *,
    values: dict[str, str],
    errors: list[dict[str, str]],
    form_key: str,
    answers: AssessmentRequest | None,
    status_code: int = 200,
    retry_minutes: int | None = None,
) -> HTMLResponse:
    rt = runtime(request)
    crisis = _crisis(answers)
    by_field: dict[str, str] = {}
    for err in errors:
        by_field.setdefault(err["field"], err["message"])
    # The page repeats what the person typed (name, contact, message): never cached.
    return templates.TemplateResponse(
        request,
        "consultations/form.html",
        {
            "clinic": rt.clinic,
            "values": values,
            "errors": errors,
            "field_errors": by_field,
            "form_key": form_key,
            "has_answers": answers is not None,
            "minor": answers is not None and answers.age < consultations.MINOR_AGE,
            "retry_minutes": retry_minutes,
            "crisis": crisis,
            "clinic_name": rt.clinic.name,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


@form_router.get("/aid/consultation", response_class=HTMLResponse, include_in_schema=False)
async def consultation_form(request: Request) -> HTMLResponse:
    """The form: name, contact details, preferred contact, message, consent."""
    answers = await run_in_threadpool(_answers, request)
    values = {"include_answers": "yes"}
    draft_key = await run_in_threadpool(_draft_key, request)
    return _render(
        request,
        values=values,
        errors=[],
        form_key=draft_key or secrets.token_urlsafe(18),
        answers=answers,
    )


def _form_data(values: dict[str, str], answers: AssessmentRequest | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": values.get("name", ""),
        "email": values.get("email") or None,
        "phone": values.get("phone") or None,
        "preferred_contact": values.get("preferred_contact") or None,
        "message": values.get("message") or None,
        "guardian_name": values.get("guardian_name") or None,
        "consent_to_contact": values.get("consent_to_contact") == "yes",
    }
    if answers is not None and values.get("include_answers") == "yes":
        data["assessment"] = answers.model_dump(mode="json", exclude_none=True)
    return data


@form_router.post("/aid/consultation", response_class=HTMLResponse, include_in_schema=False)
async def submit_consultation_form(request: Request, background: BackgroundTasks) -> Response:
    """Validate and store; on success redirect (POST-redirect-GET) with nothing in the URL."""
    form = await request.form()
    keep = (*FORM_FIELDS, "include_answers", "form_key")
    values = {k: v.strip() for k in keep if isinstance(v := form.get(k), str)}
    posted_key = values.pop("form_key", "")
    answers = await run_in_threadpool(_answers, request)
    # The draft's key wins over the one in the page: any render of the form sends as one.
    draft_key = await run_in_threadpool(_draft_key, request)
    form_key = draft_key or posted_key or secrets.token_urlsafe(18)
    data = _form_data(values, answers)
    rt = runtime(request)

    def submit(key: str | None) -> Receipt:
        return consultations.receive(
            rt, data, surface="form", client=_client(request), key=key, now=datetime.now(UTC)
        )

    try:
        try:
            receipt = await run_in_threadpool(submit, form_key)
        except InvalidRequest as exc:
            if not any(e["field"] == HEADER for e in exc.errors):
                raise
            # The person came back after sending and changed something: a new request.
            renewed = await run_in_threadpool(lambda: _draft_key(request, renew=True))
            form_key = renewed or secrets.token_urlsafe(18)
            receipt = await run_in_threadpool(submit, form_key)
    except InvalidRequest as exc:
        return _render(
            request,
            values=values,
            errors=exc.errors,
            form_key=form_key,
            answers=answers,
            status_code=422,
        )
    except RateLimited as exc:
        response = _render(
            request,
            values=values,
            errors=[],
            form_key=form_key,
            answers=answers,
            status_code=429,
            retry_minutes=max(1, -(-exc.retry_after // 60)),
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if receipt.created:
        background.add_task(consultations.notify_clinic, rt, receipt.view)
    return RedirectResponse("/aid/consultation/sent", status_code=303)


@form_router.post("/aid/consultation/check", response_class=HTMLResponse, include_in_schema=False)
async def check_consultation_field(request: Request) -> HTMLResponse:
    """htmx: check the field that just changed; returns the content of its live region."""
    field = request.headers.get("hx-trigger-name", "")
    if field not in CHECKED_FIELDS:
        return HTMLResponse("", status_code=400)
    value = (await request.form()).get(field)
    message = consultations.check_field(field, value if isinstance(value, str) else "")
    return templates.TemplateResponse(
        request, "consultations/_field_error.html", {"field": field, "message": message}
    )


@form_router.get("/aid/consultation/sent", response_class=HTMLResponse, include_in_schema=False)
async def consultation_sent(request: Request) -> HTMLResponse:
    """What happens next; the page shows nothing about the person."""
    rt = runtime(request)
    answers = await run_in_threadpool(_answers, request)
    return templates.TemplateResponse(
        request,
        "consultations/sent.html",
        {"clinic": rt.clinic, "clinic_name": rt.clinic.name, "crisis": _crisis(answers)},
    )


router = APIRouter()
router.include_router(api_router)
router.include_router(form_router)
