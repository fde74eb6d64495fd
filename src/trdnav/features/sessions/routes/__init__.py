"""Session records: the clinic API (api.py) and the workspace pages (pages.py)."""

from fastapi import APIRouter

from trdnav.features.sessions.routes.api import router as api
from trdnav.features.sessions.routes.pages import router as pages

router = APIRouter()
for part in (api, pages):
    router.include_router(part)
