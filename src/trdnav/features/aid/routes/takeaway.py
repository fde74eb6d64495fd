"""The take-away: a printable page and a PDF with answers, results, visit sketch, questions."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from trdnav.features.aid import fair, present
from trdnav.features.aid.routes.common import answers_of, now, page_context, render
from trdnav.features.aid.routes.results import results_context
from trdnav.features.aid.steps import STEPS
from trdnav.features.aid.visit_sketch import WEEKS
from trdnav.platform import typeset
from trdnav.platform.web.deps import runtime, unit_of_work
from trdnav.platform.web.templating import templates

router = APIRouter()


def _context(request: Request, answers: dict[str, Any]) -> dict[str, Any] | None:
    ctx = results_context(request, answers)
    if ctx is None:
        return None
    clinic = runtime(request).clinic
    ctx.update(
        answer_rows=present.answer_rows(answers),
        weeks=list(range(1, WEEKS + 1)),
        produced=now().astimezone(ZoneInfo(clinic.time_zone)).strftime("%Y-%m-%d %H:%M %Z"),
    )
    return ctx


@router.get("/aid/takeaway", include_in_schema=False)
def takeaway(request: Request, db: Session = Depends(unit_of_work)) -> Response:
    """The printable summary (print it or save it as PDF from the browser)."""
    answers = answers_of(request, db)
    ctx = _context(request, answers)
    if ctx is None:
        return render(request, "aid/not_ready.html", {"steps": STEPS}, answers=answers)
    return render(request, "aid/takeaway.html", ctx, answers=answers)


@router.get("/aid/takeaway.pdf", include_in_schema=False)
def takeaway_pdf(request: Request, db: Session = Depends(unit_of_work)) -> Response:
    """The same summary as a PDF, rendered on the server without any remote fetch."""
    answers = answers_of(request, db)
    ctx = _context(request, answers)
    if ctx is None:
        return render(request, "aid/not_ready.html", {"steps": STEPS}, answers=answers)
    ctx.update(page_context(request, answers), request=request, pdf=True)
    ctx["columns"] = present.columns(ctx["result"], pdf=True)
    ctx["fair"] = fair.views(runtime(request).engine.evidence, pdf=True)
    html = templates.get_template("aid/takeaway_pdf.html").render(ctx)
    pdf = typeset.render_pdf(html)  # tagged (PDF/UA-1): readable with a screen reader
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'attachment; filename="trd-navigator-summary.pdf"',
            "Cache-Control": "no-store",
        },
    )
