"""Courses: the clinic API (api.py) and the workspace pages (pages.py, calendar.py, waitlist.py)."""

from fastapi import APIRouter

from trdnav.features.courses.routes.api import router as api
from trdnav.features.courses.routes.calendar import router as calendar
from trdnav.features.courses.routes.pages import router as pages
from trdnav.features.courses.routes.waitlist import router as waitlist

router = APIRouter()
for part in (api, pages, calendar, waitlist):
    router.include_router(part)
