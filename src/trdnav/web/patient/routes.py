"""The patient decision aid's pages, gathered into one router for the app factory."""

from __future__ import annotations

from fastapi import APIRouter

from trdnav.web.patient import pages, questionnaire, results, takeaway

router = APIRouter()
for _module in (pages, questionnaire, results, takeaway):
    router.include_router(_module.router)
