"""Measurement: the clinic API (api.py), the workspace pages (pages.py) and the patient's
self-report page (selfreport.py)."""

from fastapi import APIRouter

from trdnav.features.measurement.routes.api import router as api
from trdnav.features.measurement.routes.outcomes import api as outcomes_api
from trdnav.features.measurement.routes.outcomes import pages as outcomes_pages
from trdnav.features.measurement.routes.pages import router as pages
from trdnav.features.measurement.routes.selfreport import router as selfreport

router = APIRouter()
for part in (api, pages, selfreport, outcomes_api, outcomes_pages):
    router.include_router(part)
