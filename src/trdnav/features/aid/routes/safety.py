"""The "Are you safe right now?" step: shown before anything else when a plan or intent is told.

It asks one question and offers 988 (call or text) and 911 at once. Saying "not safe" keeps the
person on the emergency actions; saying "safe" continues the questionnaire. The answer is kept
with the draft (it is part of what the person told the aid), never in a URL.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.features.aid import drafts
from trdnav.features.aid.routes.common import answers_of, now, render, token_of
from trdnav.features.aid.steps import STEP_NAMES
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, unit_of_work

router = APIRouter(dependencies=[Depends(require_csrf)])
SAFETY = "safety"  # the draft key of this step's answer (not a questionnaire step)
NEXT_STEP = STEP_NAMES[STEP_NAMES.index("feelings") + 1]


@router.get("/aid/safety", include_in_schema=False)
def safety(request: Request, db: Session = Depends(unit_of_work)) -> Response:
    """Ask whether the person is safe right now, with the crisis actions first."""
    answers = answers_of(request, db)
    answer = (answers.get(SAFETY) or {}).get("safe_now")
    return render(
        request,
        "aid/safety.html",
        {"answer": answer, "next_step": NEXT_STEP, "error": None, "crisis_inline": True},
        answers=answers,
    )


@router.post("/aid/safety", include_in_schema=False)
def answer_safety(
    request: Request, form: FormData = Depends(form_data), db: Session = Depends(unit_of_work)
) -> Response:
    """Record the answer; "not safe" shows the emergency actions, "safe" goes on."""
    value = form.get("safe_now")
    answers = answers_of(request, db)
    if value not in ("yes", "no"):
        return render(
            request,
            "aid/safety.html",
            {"answer": None, "next_step": NEXT_STEP, "error": True, "crisis_inline": True},
            answers=answers,
            status_code=422,
        )
    token = token_of(request)
    if token and drafts.load(db, token, now()) is not None:
        drafts.save_step(db, token, SAFETY, {"safe_now": value}, now())
    if value == "yes":
        return RedirectResponse(f"/aid/step/{NEXT_STEP}", status_code=303)
    return render(
        request,
        "aid/safety.html",
        {"answer": "no", "next_step": NEXT_STEP, "error": None, "crisis_inline": True},
        answers=answers,
    )
