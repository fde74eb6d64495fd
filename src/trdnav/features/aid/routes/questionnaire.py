"""The questionnaire: one topic per step, back and next keep answers, htmx field checks."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.features.aid import drafts
from trdnav.features.aid.answers import (
    CRISIS_FIELDS,
    TRIAL_ROWS_KEY,
    crisis_alert,
    crisis_place,
    hidden_fields,
    needs_safety_check,
    read_step,
    trial_rows,
    validate_step,
)
from trdnav.features.aid.routes.common import answers_of, now, render, set_token_cookie, token_of
from trdnav.features.aid.steps import BY_NAME, GROUP_TITLES, STEP_NAMES, STEPS, TRIAL_ROWS, Step
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, unit_of_work
from trdnav.platform.web.templating import templates

router = APIRouter(dependencies=[Depends(require_csrf)])
RETURN = "return_to"  # set by "Change my answers" on the results (routes/results.py)


def _step(name: str) -> Step:
    step = BY_NAME.get(name)
    if step is None:
        raise HTTPException(status_code=404, detail="No such step")
    return step


def _neighbours(name: str) -> tuple[str | None, str | None]:
    i = STEP_NAMES.index(name)
    prev = STEP_NAMES[i - 1] if i > 0 else None
    nxt = STEP_NAMES[i + 1] if i + 1 < len(STEP_NAMES) else None
    return prev, nxt


def _page(
    request: Request,
    step: Step,
    answers: dict[str, dict[str, object]],
    errors: dict[str, str] | None = None,
    focus: str | None = None,
) -> Response:
    prev, _ = _neighbours(step.name)
    raw = answers.get(step.name) or {}
    inline = step.name == "feelings"
    rows = trial_rows(answers)
    return render(
        request,
        "aid/step.html",
        {
            "step": step,
            "steps": STEPS,
            "number": STEP_NAMES.index(step.name) + 1,
            "raw": raw,
            "hidden": hidden_fields(step.name, answers),
            "errors": errors or {},
            "prev": prev,
            "group_titles": GROUP_TITLES,
            # The full crisis panel on the page right after "how you feel"; a short one later.
            "crisis_compact": step.name not in ("feelings", "tried"),
            # On "how you feel" the panel sits under the question that raised it, not at the
            # top of a long page; on the next step it leads the page and takes focus.
            "crisis_inline": inline,
            "crisis_fields": CRISIS_FIELDS if inline else (),
            "crisis_at": crisis_place(raw) if inline else None,
            "crisis_focus": step.name == "tried" and focus is None,
            # "Add another medicine" sits under the last medicine row shown, until all are.
            "add_trial_after": f"trial_{rows}" if step.name == "tried" else None,
            "can_add_trial": rows < TRIAL_ROWS,
            "focus_field": focus,
        },
        answers=answers,
    )


@router.get("/aid", include_in_schema=False)
def aid_start() -> Response:
    """The questionnaire starts at its first step."""
    return RedirectResponse(f"/aid/step/{STEP_NAMES[0]}", status_code=303)


@router.get("/aid/step/{name}", include_in_schema=False)
def show_step(name: str, request: Request, db: Session = Depends(unit_of_work)) -> Response:
    """One step, pre-filled with what was entered before."""
    return _page(request, _step(name), answers_of(request, db))


@router.post("/aid/step/{name}", include_in_schema=False)
def submit_step(
    name: str,
    request: Request,
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Save the step's answers (always, even with errors), then go back, on, or show errors."""
    step = _step(name)
    raw = read_step(step.name, form)
    token = token_of(request)
    if drafts.load(db, token, now()) is None:
        token = drafts.new_token()
        # New drafts are rare next to step saves: a cheap moment to drop expired ones.
        drafts.purge_expired(db, now())
    assert token is not None
    drafts.save_step(db, token, step.name, raw, now())
    answers = drafts.load(db, token, now()) or {}
    prev, nxt = _neighbours(step.name)
    if form.get("nav") == "add_trial" and step.name == "tried":
        # One more medicine row, kept with the draft; htmx swaps the form and focuses it.
        shown = min(TRIAL_ROWS, trial_rows(answers) + 1)
        drafts.save_step(db, token, TRIAL_ROWS_KEY, {"n": str(shown)}, now())
        answers[TRIAL_ROWS_KEY] = {"n": str(shown)}
        if request.headers.get("hx-request"):
            response: Response = _page(request, step, answers, focus=f"trial_{shown}_name")
        else:
            response = RedirectResponse(f"/aid/step/tried#group-trial_{shown}", status_code=303)
    elif form.get("nav") == "back":
        target = f"/aid/step/{prev}" if prev else "/"
        response = RedirectResponse(target, status_code=303)
    else:
        errors = validate_step(step.name, raw)
        if errors:
            response = _page(request, step, answers, errors)
        else:
            target = f"/aid/step/{nxt}" if nxt else "/aid/results"
            if (answers.get(RETURN) or {}).get("to") == "results":
                # Came from "Change my answers": back to the results once every step is done.
                drafts.save_step(db, token, RETURN, {}, now())
                if not [s for s in STEPS if validate_step(s.name, answers.get(s.name) or {})]:
                    target = "/aid/results"
            if step.name == "feelings" and needs_safety_check(answers):
                target = "/aid/safety"  # a plan or intent: "Are you safe right now?" first
            response = RedirectResponse(target, status_code=303)
    set_token_cookie(request, response, token)
    return response


@router.post("/aid/step/{name}/check", include_in_schema=False)
def check_field(name: str, request: Request, form: FormData = Depends(form_data)) -> Response:
    """htmx: validate one field as it changes; on "how you feel" also show the crisis panel."""
    step = _step(name)
    field_name = request.headers.get("hx-trigger-name") or ""
    raw = read_step(step.name, form)
    errors = validate_step(step.name, raw)
    # An unanswered field is not an error while the person is still filling the page in.
    message = errors.get(field_name) if raw.get(field_name) else None
    crisis = crisis_alert({"feelings": raw}) if step.name == "feelings" else None
    shown = form.get("crisis_shown")
    shown_at = form.get("crisis_at")
    # Focus moves to the panel when it appears or grows more urgent, not on every answer.
    rank = {None: 0, "prompt": 1, "urgent": 2}
    focus = crisis is not None and rank[crisis.urgency] > rank.get(
        shown if isinstance(shown, str) else None, 0
    )
    html = templates.get_template("aid/_field_check.html").render(
        request=request,
        field_name=field_name,
        message=message,
        crisis=crisis,
        step=step,
        crisis_fields=CRISIS_FIELDS,
        crisis_at=crisis_place(raw, field_name, shown_at if isinstance(shown_at, str) else None),
        crisis_focus=focus,
        crisis_inline=True,
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
