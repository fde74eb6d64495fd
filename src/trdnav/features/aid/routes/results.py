"""The personal comparison: every option on the same rows, ranked by the person's priorities."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.domain.measures import instruments
from trdnav.domain.results import AssessmentResult
from trdnav.features.aid import drafts, fair, present, status_quo, sure
from trdnav.features.aid.answers import to_request, validate_step
from trdnav.features.aid.icon_array import DEFS
from trdnav.features.aid.routes.common import answers_of, now, render, token_of
from trdnav.features.aid.steps import BY_NAME, STEPS, Raw
from trdnav.features.coverage.policies import payer_policies
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, runtime, unit_of_work

router = APIRouter(dependencies=[Depends(require_csrf)])

PREF_FIELDS = [f for f in BY_NAME["values"].fields if f.name.startswith("pref_")]


def missing_steps(answers: dict[str, Raw]) -> list[Any]:
    """Steps not yet completed (never answered, or answered with an error)."""
    return [s for s in STEPS if not answers.get(s.name) or validate_step(s.name, answers[s.name])]


def assess(request: Request, answers: dict[str, Raw]) -> AssessmentResult | None:
    """The same engine as POST /api/v1/assessments, on this person's answers."""
    payload = to_request(answers)
    return None if payload is None else runtime(request).engine.assess(payload)


def results_context(request: Request, answers: dict[str, Raw]) -> dict[str, Any] | None:
    """Everything the results and take-away templates need, or None when not ready."""
    result = assess(request, answers)
    payload = to_request(answers)
    if result is None or payload is None:
        return None
    clinic, plan = runtime(request).clinic, payload.insurance.plan
    evidence = runtime(request).engine.evidence
    fair_views = fair.views(evidence)
    policies = {o.id: payer_policies(clinic, o.id, plan) for o in result.options}
    # Everything the page cites beyond the result's own sources: trials, harms, payer policies.
    cited = {sid for o in result.options for sid in fair_views[o.id].source_ids}
    cited |= {sid for pp in policies.values() for p in pp for sid in p.source_ids}
    return {
        # Which of the clinic's payer policies each option's cost estimate refers to.
        "payer_policies": policies,
        "result": result,
        "columns": present.columns(result),
        "ia_defs": DEFS,
        "phq9_sources": instruments.get("phq9").source_ids,
        "labels": present.labels(),
        "money": present.money,
        "span": present.span,
        "pref_fields": PREF_FIELDS,
        "values_raw": answers.get("values") or {},
        "missing": missing_steps(answers),
        "answers": answers,
        "steps_all": STEPS,
        "sq": status_quo.CELLS,
        "sure_questions": sure.QUESTIONS,
        "sure_raw": answers.get(sure.KEY) or {},
        "readiness": sure.readiness(answers.get(sure.KEY)),
        "sq_title": status_quo.TITLE,
        # Trials next to their control arms and harms per 100 (issue 12 item 6).
        "fair": fair_views,
        "sources_shown": fair.cited_sources(result.sources, cited, evidence),
    }


@router.get("/aid/results", include_in_schema=False)
def show_results(request: Request, db: Session = Depends(unit_of_work)) -> Response:
    """Full results page (or the fragment for htmx), from the answers saved for this browser."""
    answers = answers_of(request, db)
    ctx = results_context(request, answers)
    if ctx is None:
        return render(request, "aid/not_ready.html", {"steps": STEPS}, answers=answers)
    template = "aid/_comparison.html" if request.headers.get("hx-request") else None
    return render(request, template or "aid/results.html", ctx, answers=answers)


@router.post("/aid/results", include_in_schema=False)
def reprioritise(
    request: Request, form: FormData = Depends(form_data), db: Session = Depends(unit_of_work)
) -> Response:
    """Change what matters; re-rank (htmx swaps the comparison in place, no-JS reloads)."""
    token = token_of(request)
    answers = drafts.load(db, token, now())
    if token is None or answers is None:
        return RedirectResponse("/aid/results", status_code=303)
    values = dict(answers.get("values") or {})
    for f in PREF_FIELDS:
        posted = form.get(f.name)
        if isinstance(posted, str) and posted in {c[0] for c in f.choices}:
            values[f.name] = posted
    drafts.save_step(db, token, "values", values, now())
    answers["values"] = values
    if not request.headers.get("hx-request"):
        return RedirectResponse("/aid/results#ranking", status_code=303)
    ctx = results_context(request, answers)
    if ctx is None:
        return RedirectResponse("/aid/results", status_code=303)
    return render(request, "aid/_comparison.html", {**ctx, "updated": True}, answers=answers)


RETURN = "return_to"  # draft key: after saving a step, go back to the results


@router.post("/aid/change", include_in_schema=False)
def change_answers(
    request: Request, form: FormData = Depends(form_data), db: Session = Depends(unit_of_work)
) -> Response:
    """Open one step to change it; saving it returns to the results (kept with the draft)."""
    step = form.get("step")
    token = token_of(request)
    if not isinstance(step, str) or step not in BY_NAME:
        return RedirectResponse("/aid/results", status_code=303)
    if token and drafts.load(db, token, now()) is not None:
        drafts.save_step(db, token, RETURN, {"to": "results"}, now())
    return RedirectResponse(f"/aid/step/{step}", status_code=303)


@router.post("/aid/sure", include_in_schema=False)
def answer_sure(
    request: Request, form: FormData = Depends(form_data), db: Session = Depends(unit_of_work)
) -> Response:
    """Keep the four readiness answers; htmx swaps the section, no-JS reloads the results."""
    token = token_of(request)
    answers = drafts.load(db, token, now())
    if token is None or answers is None:
        return RedirectResponse("/aid/results", status_code=303)
    raw = sure.read(form)
    drafts.save_step(db, token, sure.KEY, raw, now())
    answers[sure.KEY] = raw
    if not request.headers.get("hx-request"):
        return RedirectResponse("/aid/results#sure-result", status_code=303)
    context = {
        "sure_questions": sure.QUESTIONS,
        "sure_raw": raw,
        "readiness": sure.readiness(raw),
        "sure_focus": True,
    }
    return render(request, "aid/_sure.html", context, answers=answers)


__all__ = ["missing_steps", "results_context", "router"]
