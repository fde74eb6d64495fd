"""Workspace web pages (routes are added to `router`)."""

from trdnav.web.workspace.routes import router

__all__ = ["router"]
