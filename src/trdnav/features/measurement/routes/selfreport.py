"""The patient's self-report page: opened from a link, no account, works without JavaScript.

GET shows the instrument; POST stores the answers once. An unknown token is 404; a used or
expired link is 410 Gone. A PHQ-9 item 9 above 0 shows 988 and 911 on the very next page, and
the clinic's clinicians are alerted in the same transaction.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.domain.measures import instruments
from trdnav.domain.text import whole_number
from trdnav.features.accounts.guard import utcnow
from trdnav.features.measurement import links
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, runtime, unit_of_work
from trdnav.platform.web.templating import templates

router = APIRouter(dependencies=[Depends(require_csrf)])
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    ctx = {"clinic_name": runtime(request).clinic.name, "crisis": None, **context}
    response = templates.TemplateResponse(request, f"measurement/{name}", ctx, status_code=status)
    response.headers.update(NO_STORE)
    return response


def _gone(request: Request, exc: LookupError) -> HTMLResponse:
    if isinstance(exc, links.LinkUnknown):
        return _page(request, "link_gone.html", {"unknown": True}, 404)
    return _page(request, "link_gone.html", {"unknown": False}, 410)


@router.get("/m/{token}", include_in_schema=False)
def self_report_form(request: Request, token: str, db: Session = Depends(unit_of_work)) -> Response:
    """The questionnaire, every question a fieldset of radio buttons."""
    try:
        link = links.open_link(db, token, utcnow())
    except (links.LinkUnknown, links.LinkGone) as exc:
        return _gone(request, exc)
    instrument = instruments.get(link.instrument)
    return _page(
        request, "self_report.html", {"i": instrument, "token": token, "errors": [], "given": {}}
    )


@router.post("/m/{token}", include_in_schema=False)
def self_report_answer(
    request: Request,
    token: str,
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Store the answers once; unanswered questions are named and nothing given is lost."""
    now = utcnow()
    try:
        link = links.open_link(db, token, now)
    except (links.LinkUnknown, links.LinkGone) as exc:
        return _gone(request, exc)
    instrument = instruments.get(link.instrument)
    top = len(instrument.answers) - 1
    given: dict[int, int] = {}
    for n in range(1, len(instrument.items) + 1):
        answer = whole_number(str(form.get(f"item{n}") or ""), None, digits=2)
        if answer is not None and answer <= top:
            given[n] = answer
    missing = [n for n in range(1, len(instrument.items) + 1) if n not in given]
    if missing:
        errors = [{"field": f"item{n}", "message": f"Please answer question {n}."} for n in missing]
        context = {"i": instrument, "token": token, "errors": errors, "given": given}
        return _page(request, "self_report.html", context, 422)
    try:
        done = links.answer_link(db, token, [given[n] for n in sorted(given)], now)
    except (links.LinkUnknown, links.LinkGone) as exc:
        db.rollback()
        return _gone(request, exc)
    except InvalidRequest as exc:  # defensive: the checks above cover the answers
        db.rollback()
        context = {"i": instrument, "token": token, "errors": exc.errors, "given": given}
        return _page(request, "self_report.html", context, 422)
    db.commit()
    return _page(request, "self_report_done.html", {"crisis": done.crisis, "i": instrument})
