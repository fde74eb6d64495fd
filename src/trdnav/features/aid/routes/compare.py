""" "Compare two": the person picks two options and sees just those side by side (fits a phone)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.features.aid import compare, drafts
from trdnav.features.aid.routes.common import answers_of, now, render, token_of
from trdnav.features.aid.routes.results import results_context
from trdnav.features.aid.steps import STEPS, Raw
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, unit_of_work

router = APIRouter(dependencies=[Depends(require_csrf)])


def _context(ctx: dict[str, Any], raw: Raw | None, errors: dict[str, str]) -> dict[str, Any]:
    columns = ctx["columns"]
    return {
        **ctx,
        "compare_choices": compare.choices(columns),
        "compare_selected": compare.preselected(raw, columns),
        "compare_pair": None if errors else compare.pair(raw, columns),
        "compare_errors": errors,
        "status_quo": compare.STATUS_QUO,
    }


@router.get("/aid/compare", include_in_schema=False)
def show_compare(request: Request, db: Session = Depends(unit_of_work)) -> Response:
    """The two-option view with the pair kept in the draft (or the form to pick one)."""
    answers = answers_of(request, db)
    ctx = results_context(request, answers)
    if ctx is None:
        return render(request, "aid/not_ready.html", {"steps": STEPS}, answers=answers)
    context = _context(ctx, answers.get(compare.KEY), {})
    return render(request, "aid/compare.html", context, answers=answers)


@router.post("/aid/compare", include_in_schema=False)
def choose_pair(
    request: Request, form: FormData = Depends(form_data), db: Session = Depends(unit_of_work)
) -> Response:
    """Keep the chosen pair; htmx swaps the view in place, without JS the page reloads."""
    token = token_of(request)
    answers = drafts.load(db, token, now())
    ctx = None if answers is None else results_context(request, answers)
    if token is None or answers is None or ctx is None:
        return RedirectResponse("/aid/compare", status_code=303)
    raw, errors = compare.read(form, compare.choices(ctx["columns"]))
    htmx = bool(request.headers.get("hx-request"))
    if not errors:
        drafts.save_step(db, token, compare.KEY, raw, now())
        answers[compare.KEY] = raw
        if not htmx:
            return RedirectResponse("/aid/compare#compare-result", status_code=303)
    context = {**_context(ctx, raw, errors), "compare_focus": True}
    template = "aid/_compare_two.html" if htmx else "aid/compare.html"
    status = 422 if errors and not htmx else 200
    return render(request, template, context, answers=answers, status_code=status)


__all__ = ["router"]
