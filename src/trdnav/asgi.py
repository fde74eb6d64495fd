"""ASGI entry point for multi-worker servers: `uvicorn trdnav.asgi:app`."""

from trdnav.app import create_app

app = create_app()
