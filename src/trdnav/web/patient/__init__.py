"""Patient web pages (routes are added to `router`)."""

from trdnav.web.patient.routes import router

__all__ = ["router"]
