"""Coverage routes: the workspace pages and the clinic API."""

from fastapi import APIRouter

from trdnav.features.coverage.routes.api import router as api
from trdnav.features.coverage.routes.pages import router as pages

router = APIRouter()
router.include_router(pages)
router.include_router(api)

__all__ = ["router"]
