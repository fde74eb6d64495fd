"""The decision aid's pages: start, questionnaire, results, take-away."""

from __future__ import annotations

from fastapi import APIRouter

from trdnav.features.aid.routes import compare, questionnaire, results, safety, start, takeaway

router = APIRouter()
for _module in (start, questionnaire, safety, results, compare, takeaway):
    router.include_router(_module.router)
