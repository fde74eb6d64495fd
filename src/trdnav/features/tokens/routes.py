"""Admin pages for staff API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.domain.text import whole_number
from trdnav.features.accounts.guard import Require, Scoped, WorkspaceRoute, render, utcnow
from trdnav.features.tokens import service as tokens
from trdnav.platform.access import Actor
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, unit_of_work
from trdnav.storage.models import ApiToken

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])


def _page(
    request: Request,
    db: Session,
    actor: Actor,
    errors: list[dict[str, str]] | None = None,
    created: str | None = None,
    status: int = 200,
) -> Response:
    rows = tokens.list_tokens(db, actor.clinic_id)
    db.commit()
    context = {"rows": rows, "errors": errors or [], "created": created, "now": utcnow()}
    return render(request, "tokens/tokens.html", context, status=status)


@router.get("/workspace/tokens")
def tokens_page(
    request: Request,
    actor: Actor = Depends(Require("tokens.manage")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The clinic's API tokens (never their values)."""
    return _page(request, db, actor)


@router.post("/workspace/tokens")
def create_token(
    request: Request,
    actor: Actor = Depends(Require("tokens.manage")),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Create a token for a member of this clinic; its value is shown once on this page."""
    email = str(form.get("email") or "")
    name = str(form.get("name") or "")
    days_raw = str(form.get("expires_days") or str(tokens.DEFAULT_DAYS))
    days = whole_number(days_raw, 0)
    try:
        slug = tokens.clinic_slug(db, actor.clinic_id)
        _, raw = tokens.create_token(db, email, slug, name, utcnow(), days, actor.who)
    except tokens.TokenError as exc:
        db.rollback()
        field = {"--name": "name", "--expires-days": "expires_days"}.get(
            str(exc).split(":", 1)[0], "email"
        )
        message = str(exc).split(": ", 1)[-1]
        return _page(request, db, actor, [{"field": field, "message": message}], status=422)
    db.commit()
    return _page(request, db, actor, created=raw)


@router.post("/workspace/tokens/{token_id}/revoke")
def revoke_token(
    scoped: tuple[Actor, ApiToken] = Depends(Scoped(ApiToken, "token_id", "tokens.manage")),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Revoke a token at once."""
    actor, row = scoped
    tokens.revoke_token(db, row.id, utcnow(), actor.who)
    db.commit()
    return RedirectResponse("/workspace/tokens", status_code=303)
