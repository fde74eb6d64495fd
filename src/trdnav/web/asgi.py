"""ASGI entry point for multi-worker servers: `uvicorn trdnav.web.asgi:app`."""

from trdnav.web.app import create_app

app = create_app()
