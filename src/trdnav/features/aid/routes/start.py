"""Static-ish patient pages: start page, crisis resources, sources, delete-my-answers."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trdnav import __version__
from trdnav.domain.alerts import CRISIS_RESOURCES
from trdnav.features.aid import drafts, source_balance
from trdnav.features.aid.routes.common import render, token_of
from trdnav.platform.web.cookies import cookie_name, secure
from trdnav.platform.web.deps import runtime, unit_of_work

router = APIRouter()


@router.get("/", include_in_schema=False)
def start(request: Request) -> Response:
    """What the aid is and is not, who made it, conflicts of interest, evidence version."""
    rt = runtime(request)
    options = rt.engine.evidence.options
    return render(
        request,
        "aid/start.html",
        {
            "evidence_version": rt.engine.evidence.version,
            "software_version": __version__,
            "offered_names": [options[oid].name for oid in rt.clinic.offered],
        },
    )


@router.get("/crisis", include_in_schema=False)
def crisis(request: Request) -> Response:
    """Crisis resources, reachable from every page."""
    return render(request, "aid/crisis.html", {"resources": CRISIS_RESOURCES})


@router.get("/sources", include_in_schema=False)
def sources(request: Request) -> Response:
    """Every source the evidence cites, with an anchor per source id."""
    rt = runtime(request)
    groups = source_balance.grouped(rt.engine.evidence.sources)
    clinic_source = (rt.clinic.price_source_id, f"{rt.clinic.name}: the clinic's price list")
    return render(
        request,
        "aid/sources.html",
        {
            "groups": groups,
            "clinic_source": clinic_source,
            "evidence_version": rt.engine.evidence.version,
        },
    )


@router.get("/aid/forget", include_in_schema=False)
def forget_form(request: Request) -> Response:
    """Confirm deleting the answers saved for this browser."""
    return render(request, "aid/forget.html")


@router.post("/aid/forget", include_in_schema=False)
def forget(request: Request, db: Session = Depends(unit_of_work)) -> Response:
    """Delete the answers now and drop the cookie."""
    drafts.forget(db, token_of(request))
    response = RedirectResponse("/aid/forgotten", status_code=303)
    settings = runtime(request).settings
    response.delete_cookie(
        cookie_name(settings, drafts.AID_COOKIE),
        path=drafts.COOKIE_PATH,
        secure=secure(settings),
        httponly=True,
        samesite="lax",
    )
    return response


@router.get("/aid/forgotten", include_in_schema=False)
def forgotten(request: Request) -> Response:
    """Confirmation that the answers are gone."""
    return render(request, "aid/forgotten.html")
