"""Courses: the clinic API (api.py) and the workspace pages (pages.py, calendar.py, waitlist.py)."""

from fastapi import APIRouter

from trdnav.features.courses.routes.api import router as api

router = APIRouter()
router.include_router(api)
