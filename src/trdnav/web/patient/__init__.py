"""Patient web pages (routes are added to `router`)."""

from fastapi import APIRouter

from trdnav.web.patient import consultations, routes

# A fresh parent router: the consultation API must not inherit the pages' CSRF dependency.
router = APIRouter()
router.include_router(routes.router)
router.include_router(consultations.router)

__all__ = ["router"]
