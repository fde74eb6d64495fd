"""Outcomes per option: the clinic API (`GET /api/v1/outcomes`) and the workspace dashboard with
its CSV. Aggregates hold no names; reading them is still audited."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from trdnav.features.accounts.guard import Require, WorkspaceRoute, render, utcnow
from trdnav.features.measurement import outcomes
from trdnav.features.measurement.outcomes import OptionOutcome
from trdnav.features.measurement.routes.api import invalid
from trdnav.features.tokens.bearer import ApiRequire, ApiRoute, problem_responses
from trdnav.platform import audit
from trdnav.platform.access import Actor
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import runtime, unit_of_work

api = APIRouter(route_class=ApiRoute, tags=["measurements"])
pages = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])


class Rate(BaseModel):
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    count: int


class Range(BaseModel):
    low: float
    high: float


class LiteratureView(BaseModel):
    response: Range | None
    remission: Range | None
    timeframe: str
    source_ids: list[str]


class OutcomeView(BaseModel):
    option: str
    courses: int
    response: Rate
    remission: Rate
    dropouts: int
    completed_not_measured: int
    literature: LiteratureView


class OutcomeList(BaseModel):
    items: list[OutcomeView]
    next_cursor: str | None


def _view(row: OptionOutcome) -> OutcomeView:
    lit = row.literature

    def rng(pair: tuple[float, float] | None) -> Range | None:
        return None if pair is None else Range(low=pair[0], high=pair[1])

    return OutcomeView(
        option=row.option,
        courses=row.courses,
        response=Rate(
            rate=row.response.rate,
            ci_low=row.response.low,
            ci_high=row.response.high,
            count=row.response.successes,
        ),
        remission=Rate(
            rate=row.remission.rate,
            ci_low=row.remission.low,
            ci_high=row.remission.high,
            count=row.remission.successes,
        ),
        dropouts=row.dropouts,
        completed_not_measured=row.not_measured,
        literature=LiteratureView(
            response=rng(lit.response),
            remission=rng(lit.remission),
            timeframe=lit.timeframe,
            source_ids=lit.source_ids,
        ),
    )


def _read(
    request: Request,
    db: Session,
    actor: Actor,
    option: str | None,
    start: date | None,
    end: date | None,
) -> list[OptionOutcome]:
    evidence = runtime(request).engine.evidence
    rows = outcomes.dashboard(db, actor.clinic_id, evidence, option, start, end)
    detail = {"option": option, "from": str(start or ""), "to": str(end or "")}
    audit.record(db, utcnow(), "outcomes.view", actor.who, detail=detail)
    return rows


@api.get(
    "/api/v1/outcomes",
    response_model=OutcomeList,
    responses=problem_responses(401, 403, 422),
    summary="Response and remission per option with 95% Wilson intervals",
)
def outcomes_api(
    request: Request,
    option: str | None = Query(default=None, max_length=32, examples=["rtms"]),
    start: date | None = Query(default=None, alias="from"),
    end: date | None = Query(default=None, alias="to"),
    actor: Actor = Depends(ApiRequire("outcomes.view")),
    db: Session = Depends(unit_of_work),
) -> OutcomeList:
    """Completed courses with a baseline and an end PHQ-9, by option (courses started in the
    period when `from`/`to` are given); rates are null when there are no such courses."""
    try:
        rows = _read(request, db, actor, option, start, end)
    except InvalidRequest as exc:
        raise invalid(exc) from exc
    db.commit()
    return OutcomeList(items=[_view(r) for r in rows], next_cursor=None)


def _period(request: Request) -> tuple[str | None, date | None, date | None, list[dict[str, str]]]:
    params = request.query_params
    option = params.get("option") or None
    errors: list[dict[str, str]] = []
    days: list[date | None] = []
    for key in ("from", "to"):
        raw = params.get(key) or ""
        try:
            days.append(date.fromisoformat(raw) if raw else None)
        except ValueError:
            days.append(None)
            errors.append({"field": key, "message": "Enter the date as YYYY-MM-DD."})
    return option, days[0], days[1], errors


@pages.get("/workspace/outcomes")
def outcomes_page(
    request: Request,
    actor: Actor = Depends(Require("outcomes.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The dashboard: one row per option, our rates with intervals beside the literature."""
    option, start, end, errors = _period(request)
    rows: list[OptionOutcome] = []
    if not errors:
        try:
            rows = _read(request, db, actor, option, start, end)
        except InvalidRequest as exc:
            errors = exc.errors
    db.commit()
    context = {
        "rows": rows,
        "errors": errors,
        "option": option or "",
        "start": request.query_params.get("from", ""),
        "end": request.query_params.get("to", ""),
        "options": runtime(request).engine.evidence.options,
        "query": request.url.query,
    }
    return render(request, "measurement/outcomes.html", context, status=422 if errors else 200)


@pages.get("/workspace/outcomes.csv")
def outcomes_csv(
    request: Request,
    actor: Actor = Depends(Require("outcomes.view")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The same rows as CSV."""
    option, start, end, errors = _period(request)
    if errors:
        return Response("invalid period\n", status_code=422, media_type="text/plain")
    try:
        rows = _read(request, db, actor, option, start, end)
    except InvalidRequest:
        return Response("invalid option\n", status_code=422, media_type="text/plain")
    db.commit()
    return Response(
        outcomes.as_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="outcomes.csv"'},
    )
