"""FHIR R4 endpoints (contract clinic-api-v1, "FHIR R4"), behind the same staff token, access
helper and audit as the rest of the clinic API: another clinic's id is 404, then the role."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from trdnav.features.accounts.guard import utcnow
from trdnav.features.fhir import service
from trdnav.features.tokens.bearer import (
    ApiProblem,
    ApiRoute,
    ApiScoped,
    allowed,
    api_actor,
    problem_responses,
)
from trdnav.platform.access import Actor
from trdnav.platform.web.deps import runtime, unit_of_work
from trdnav.storage.models import Patient

router = APIRouter(route_class=ApiRoute, tags=["fhir"])
FHIR_JSON = "application/fhir+json"
Exporter = ApiScoped(Patient, "patient_id", "fhir.export")


@router.get(
    "/fhir/R4/Patient/{patient_id}/$everything",
    response_class=Response,
    responses={
        **problem_responses(401, 403, 404),
        200: {"content": {FHIR_JSON: {}}, "description": "A FHIR R4 searchset Bundle"},
    },
    summary="Everything about one patient as a FHIR R4 Bundle",
)
def patient_everything(
    request: Request,
    patient_id: str,
    scoped: tuple[Actor, Patient] = Depends(Exporter),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Patient, Conditions, QuestionnaireResponses and Observations, Procedures."""
    actor, patient = scoped
    bundle: dict[str, Any] = service.everything(
        db, actor, patient, runtime(request).settings.base_url, utcnow()
    )
    db.commit()
    return Response(json.dumps(bundle), media_type=FHIR_JSON)


@router.get(
    "/fhir/R4/$export/{resource_type}.ndjson",
    response_class=Response,
    responses={
        **problem_responses(401, 403, 404),
        200: {"content": {"application/fhir+ndjson": {}}, "description": "One resource a line"},
    },
    summary="Bulk NDJSON of one resource type over the clinic's patients",
)
def bulk_export(
    resource_type: str,
    actor: Actor = Depends(api_actor),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Patient, Condition, QuestionnaireResponse, Observation or Procedure."""
    allowed(actor, "fhir.export")
    if resource_type not in service.TYPES:
        raise ApiProblem(404, "Not found", f"Export one of: {', '.join(service.TYPES)}.")
    body = "".join(service.export_ndjson(db, actor, resource_type, utcnow()))
    db.commit()
    return Response(body, media_type="application/fhir+ndjson")
